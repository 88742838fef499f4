/**
 * defineTargetKind: the one way a target kind describes itself. Fills in the defaults a kind may
 * leave out, and freezes the result so no caller can change a kind's behaviour at run time.
 */
import type { TargetKind, TargetProblem } from './types.ts';

type Optional = 'freshConnection' | 'keepAnswerBytes' | 'readSession' | 'check';

export type TargetKindSpec = Omit<TargetKind, Optional> & Partial<Pick<TargetKind, Optional>>;

/** An answer body kept for the attempt record when the kind needs no more. */
export const SNIPPET_BYTES = 1024;

export function defineTargetKind(spec: TargetKindSpec): TargetKind {
  return Object.freeze({
    freshConnection: false,
    keepAnswerBytes: SNIPPET_BYTES,
    readSession: noSession,
    check: noProblems,
    ...spec,
  });
}

function noSession(): null {
  return null;
}

function noProblems(): TargetProblem[] {
  return [];
}

/** Content-Type, credentials from `auth:`, then the target's extra headers, names in lower case. */
export function commonHeaders(config: {
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: {
    readonly bearer?: string;
    readonly basic?: { readonly username: string; readonly password: string };
  };
}): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [key, value] of Object.entries(config.headers ?? {})) headers[key.toLowerCase()] = value;
  if (config.auth?.bearer !== undefined) headers.authorization = `Bearer ${config.auth.bearer}`;
  if (config.auth?.basic) {
    const { username, password } = config.auth.basic;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return headers;
}

export function isSuccess(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/** A target URL: http:// or https:// (the schema's pattern, and its error text, use it). */
export const HTTP_URL_PATTERN = '^https?://';

/**
 * The headers of one request: the target's own, Content-Type defaulted to JSON, and the
 * delivery's Idempotency-Key, the same on every attempt and replay. A configured Idempotency-Key
 * is dropped: it must not shadow the stable one.
 */
export function withIdempotencyKey(headers: Readonly<Record<string, string>>, idempotencyKey: string): Record<string, string> {
  const out: Record<string, string> = {};
  let hasContentType = false;
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'idempotency-key') continue;
    if (lower === 'content-type') hasContentType = true;
    out[name] = value;
  }
  if (!hasContentType) out['content-type'] = 'application/json';
  out['idempotency-key'] = idempotencyKey;
  return out;
}
