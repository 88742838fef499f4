/**
 * The config-test file format (`hookgate test`) as the runner sees it after
 * parsing, and the results it reports. Paths are already resolved against the test file.
 */

export type SignatureMode = 'valid' | 'invalid' | 'missing' | 'stale';
export type ExpectedStatus = 'accepted' | 'ignored' | 'duplicate' | number;

/** A value the test file gave, kept apart from "not given" (a `body: null` is a real expectation). */
export interface Given<T> {
  readonly value: T;
}

export interface ExpectedDelivery {
  readonly route?: string;
  readonly target?: string;
  /** Subset of the route's mapped value. */
  readonly body?: Given<unknown>;
  /** The route's mapped value, exactly. */
  readonly bodyEquals?: Given<unknown>;
  /** Subset of the headers the target is sent (names case-insensitive). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Substring of the delivery's filter/map error. */
  readonly error?: string;
  /**
   * What the delivery side made of it (`requests:` cases only, where delivery is simulated):
   * whether a budget held it back before it was sent or dropped it, and when it was sent, in ms
   * since the sequence started.
   */
  readonly held?: boolean;
  readonly dropped?: boolean;
  readonly sentAtMs?: number;
}

export interface ExpectedIgnored {
  readonly route: string;
  /** Substring of the recorded reason. */
  readonly reason?: string;
}

export interface Expectation {
  readonly status?: ExpectedStatus;
  /** The complete list of deliveries, in any order. */
  readonly deliveries?: readonly ExpectedDelivery[];
  /** The complete list of routes that ignored the event, in any order. */
  readonly ignored?: readonly ExpectedIgnored[];
}

export interface TestCase {
  readonly name: string;
  /** The test file (absolute) and the 1-based position of the case in it. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly provider: string;
  /** Absolute path of the payload file, when the case gives `payload:`. */
  readonly payload?: string;
  /** Inline `body:`, serialized as JSON (a string is sent as is). */
  readonly body?: Given<unknown>;
  /** Lower-case names. Override the generated verifier headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly signature: SignatureMode;
  /** Event type for schemes that carry it in a header; default: the payload file's base name. */
  readonly event?: string;
  /** How many times the same request is sent (default 1); the last answer is the one checked. */
  readonly repeat?: number;
  /**
   * A sequence instead of one request: each one like a case of its own, sent `afterMs` after the
   * one before on a simulated clock; `expect.deliveries` then lists every delivery the whole
   * sequence creates, group fires included.
   */
  readonly requests?: readonly SequenceRequest[];
  readonly expect: Expectation;
}

/** One request of a `requests:` sequence, with the fields of a single case. */
export interface SequenceRequest extends Omit<TestCase, 'requests' | 'expect' | 'repeat'> {
  /** Simulated time since the request before (the first: since the start). */
  readonly afterMs: number;
  /** Optional expectations of this request's own answer (status, ignored). */
  readonly expect: Expectation;
}

/** One reason a case failed. `path` is the JSON path of the first difference, when there is one. */
export interface Failure {
  readonly message: string;
  readonly path?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

export interface CaseResult {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly passed: boolean;
  readonly failures: readonly Failure[];
  /** What the checked (last) request got, when one was sent: absent when the case could not run. */
  readonly outcome?: CaseOutcome;
}

/** The answer a case's checked request got, and why each route that ignored it did so. */
export interface CaseOutcome {
  readonly kind: 'accepted' | 'ignored' | 'duplicate' | 'handshake' | 'rejected';
  readonly httpStatus: number;
  readonly ignored: readonly { readonly route: string; readonly reason: string }[];
}

/** A problem with a test file itself (unreadable, malformed): no case of it ran. 1-based; 0 = whole file. */
export interface FileProblem {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface FileResult {
  readonly file: string;
  readonly problems: readonly FileProblem[];
  readonly cases: readonly CaseResult[];
}
