/** One finding about a config file, printed as `file:line:col severity code message`. */
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly file: string;
  /** 1-based; 0 when the finding is about the whole file. */
  readonly line: number;
  /** 1-based; 0 when the finding is about the whole file. */
  readonly col: number;
  readonly severity: Severity;
  /** A stable code from a fixed set, e.g. `schema`, `unknown-target`, `env-missing`. */
  readonly code: string;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
