/**
 * The error catalog: every error answer of the HTTP API (webhook ingress, admin API, health) is
 * `{"error": "<message>", "code": "<code>"}`, and its code, HTTP status and base message come from
 * here. The wire code is the key in lower case (`SIGNATURE_INVALID` -> `signature_invalid`): keys
 * stay upper case so call sites read as constants, and the README's table is checked against this
 * object by a test. Messages never contain a secret or an expected signature.
 *
 * Add an entry by appending one line; the object stays a literal keyed by code so that parallel
 * additions merge line by line. Setup mistakes (bad options handed to a factory) are SetupError,
 * which is never turned into an HTTP answer.
 */

export const ERRORS = {
  SIGNATURE_MISSING: { status: 400, message: 'missing signature header' },
  SIGNATURE_MALFORMED: { status: 400, message: 'malformed signature header' },
  SIGNATURE_INVALID: { status: 400, message: 'signature does not match' },
  TIMESTAMP_MISSING: { status: 400, message: 'missing timestamp header' },
  TIMESTAMP_OUT_OF_TOLERANCE: { status: 400, message: 'timestamp outside the tolerance' },
  CREDENTIALS_INVALID: { status: 400, message: 'credentials do not match' },
  BODY_UNPARSEABLE: { status: 400, message: 'body could not be parsed' },
  BODY_TOO_DEEP: { status: 400, message: 'JSON nested deeper than 512 levels' },
  EVENT_TYPE_MISSING: { status: 400, message: 'missing event type header' },
  UNKNOWN_PROVIDER: { status: 404, message: 'unknown provider' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed' },
  BODY_TOO_LARGE: { status: 413, message: 'body over the limit' },
  RATE_LIMITED: { status: 429, message: 'too many requests' },
  STORE_UNAVAILABLE: { status: 503, message: 'store unavailable, retry later' },
  SHUTTING_DOWN: { status: 503, message: 'shutting down, retry later' },
  NOT_READY: { status: 503, message: 'not ready yet' },
  NOT_FOUND: { status: 404, message: 'not found' },
  UNAUTHORIZED: { status: 401, message: 'missing or wrong admin token' },
  INVALID_PARAMETER: { status: 400, message: 'invalid parameter' },
  BODY_UNREADABLE: { status: 400, message: 'body could not be read' },
  ALREADY_QUEUED: { status: 409, message: 'already queued' },
  BAD_REQUEST: { status: 400, message: 'bad request' },
  INTERNAL_ERROR: { status: 500, message: 'internal error' },
  EVENT_UNROUTABLE: { status: 422, message: 'the stored event cannot be routed under the current config' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** The code as clients, logs and metrics see it: `signature_invalid`. */
export function wireCode(code: ErrorCode): string {
  return code.toLowerCase();
}

/** A request-time failure with its HTTP status. `detail` may name a header; never a secret. */
export class HookgateError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, detail?: string, status?: number) {
    super(detail ? `${ERRORS[code].message}: ${detail}` : ERRORS[code].message);
    this.name = 'HookgateError';
    this.code = code;
    this.status = status ?? ERRORS[code].status;
  }
}

/** The JSON body of an error answer. Extra fields (such as `parameter`) follow the two fixed ones. */
export function errorJson(error: HookgateError, extra?: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ error: error.message, code: wireCode(error.code), ...extra });
}

/**
 * Thrown by verifiers: the request is not authentic. 400, unless the provider requires another
 * status for a refused request (Discord checks that its endpoint answers 401), which the
 * verifier type passes as `status`; the code and message stay those of the catalog.
 */
export class VerificationError extends HookgateError {
  constructor(
    code: Extract<
      ErrorCode,
      | 'SIGNATURE_MISSING'
      | 'SIGNATURE_MALFORMED'
      | 'SIGNATURE_INVALID'
      | 'TIMESTAMP_MISSING'
      | 'TIMESTAMP_OUT_OF_TOLERANCE'
      | 'CREDENTIALS_INVALID'
    >,
    detail?: string,
    status?: 400 | 401 | 403,
  ) {
    super(code, detail, status);
    this.name = 'VerificationError';
  }
}

/** A programming or configuration mistake found while building something (not a request error). */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}
