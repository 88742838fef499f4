/** A test case that cannot be run as written (unreadable payload, impossible signature mode...). */
export class CaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseError';
  }
}
