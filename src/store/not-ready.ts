/**
 * A store that answers but cannot take writes (a full disk): /readyz says why in `reason`, which
 * names no path or credential; the log gets the full message.
 */
export class StoreNotReadyError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'StoreNotReadyError';
  }
}
