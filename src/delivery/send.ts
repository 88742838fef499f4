/**
 * One HTTP attempt to a target with undici: POST the stored body with the target's headers and the
 * delivery's Idempotency-Key, under one timeout for the whole exchange, and report what happened in
 * a form `classify` can decide on. Never throws.
 *
 * Whether the request could have reached the server matters for routines (not idempotent), so the
 * exchange tracks undici's request start: undici calls a handler's onRequestStart (legacy
 * onConnect) on a connected socket right before it writes the first byte. Before that point
 * nothing was sent; after it, we assume the server may have the request (conservative).
 */
import { StringDecoder } from 'node:string_decoder';
import { Agent, type Dispatcher } from 'undici';
import type { CompiledTarget } from '../pipeline/types.ts';
import { isSuccess, SNIPPET_BYTES, withIdempotencyKey } from '../targets/define.ts';
import { targetKind } from '../targets/registry.ts';
import type { SendErrorKind, Session } from '../targets/types.ts';
import { parseRetryAfter } from './retry-after.ts';

export type { SendErrorKind } from '../targets/types.ts';

export interface SendError {
  readonly kind: SendErrorKind;
  /** False only when no byte of the request can have reached the server. */
  readonly requestSent: boolean;
  readonly message: string;
}

export interface SendResult {
  /** The response status, or null when none arrived. When set, it decides the outcome. */
  readonly statusCode: number | null;
  readonly retryAfterMs: number | null;
  /** First 1 KiB of the response body, utf8; null when the body was empty or never came. */
  readonly responseSnippet: string | null;
  readonly durationMs: number;
  /** Why the exchange failed; may accompany a status when the body then failed or timed out. */
  readonly error: SendError | null;
  /** Kinds that start runs (routine): the session a 2xx answer started. */
  readonly session: Session | null;
}

export interface SendOptions {
  readonly dispatcher?: Dispatcher;
  /** Abort from outside (shutdown). The result then has an error of kind `other`. */
  readonly signal?: AbortSignal;
}

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

let shared: Agent | null = null;
let fresh: Agent | null = null;

/** The process-wide Agent: one connection pool per origin, kept alive and reused. */
export function sharedDispatcher(): Dispatcher {
  shared ??= new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
  return shared;
}

/**
 * For kinds that want a fresh connection per request (routine fires; see freshConnection in
 * src/targets/types.ts): nothing is kept alive, and each request is sent with `reset`. Such
 * requests are few and rate-limited, so the extra handshake costs little.
 */
function freshDispatcher(): Dispatcher {
  fresh ??= new Agent({ keepAliveTimeout: 1, keepAliveMaxTimeout: 1 });
  return fresh;
}

/** Close the shared Agents (shutdown, tests). A later send creates new ones. */
export async function closeSharedDispatcher(): Promise<void> {
  const agents = [shared, fresh];
  shared = null;
  fresh = null;
  await Promise.all(agents.map((agent) => agent?.close()));
}

/** Every header of a request to `target`: its own (content type, auth, extras) plus the Idempotency-Key. */
export function requestHeaders(target: CompiledTarget, idempotencyKey: string): Record<string, string> {
  return withIdempotencyKey(target.headers, idempotencyKey);
}

interface Progress {
  requestStarted: boolean;
  statusCode: number | null;
  retryAfterMs: number | null;
  kept: Buffer[];
  keptBytes: number;
}

export async function send(
  target: CompiledTarget,
  delivery: { readonly body: Buffer; readonly idempotencyKey: string },
  options: SendOptions = {},
): Promise<SendResult> {
  const startedAt = performance.now();
  const progress: Progress = { requestStarted: false, statusCode: null, retryAfterMs: null, kept: [], keptBytes: 0 };
  const kind = targetKind(target.kind);
  const controller = new AbortController();
  const cleanups: Array<() => void> = [];

  // undici only honours an abort once the connection is up, so a hanging connect would outlive the
  // timeout: race the exchange against our own timer instead and abort undici in the background.
  const timedOut = new Promise<'timeout'>(function armTimeout(resolve) {
    const timer = setTimeout(() => resolve('timeout'), target.timeoutMs);
    cleanups.push(() => clearTimeout(timer));
  });
  const aborted = new Promise<'aborted'>(function watchSignal(resolve) {
    const signal = options.signal;
    if (!signal) return;
    if (signal.aborted) return resolve('aborted');
    const onAbort = (): void => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', onAbort));
  });
  const exchanged = exchange(
    target,
    delivery,
    options.dispatcher ?? (kind.freshConnection ? freshDispatcher() : sharedDispatcher()),
    controller.signal,
    progress,
    kind.keepAnswerBytes,
    kind.freshConnection,
  ).then(
    () => 'done' as const,
    (error: unknown) => ({ error }),
  );

  const winner = await Promise.race([exchanged, timedOut, aborted]);
  for (const cleanup of cleanups) cleanup();
  // Snapshot before aborting: the abort itself may run undici's start callback on its way out.
  const requestSent = progress.requestStarted;
  if (winner !== 'done') controller.abort(new Error('hookgate: attempt over'));
  const durationMs = Math.round(performance.now() - startedAt);

  let error: SendError | null = null;
  if (winner === 'timeout') {
    error = timeoutError(target.timeoutMs, requestSent, progress.statusCode !== null);
  } else if (winner === 'aborted') {
    error = { kind: 'other', requestSent, message: 'aborted before the attempt finished' };
  } else if (winner !== 'done') {
    error = describeError(winner.error, requestSent);
  }

  const body = Buffer.concat(progress.kept, progress.keptBytes);
  return {
    statusCode: progress.statusCode,
    retryAfterMs: progress.retryAfterMs,
    responseSnippet: snippet(body),
    durationMs,
    error,
    session: winner === 'done' && isSuccess(progress.statusCode) ? kind.readSession(body) : null,
  };
}

async function exchange(
  target: CompiledTarget,
  delivery: { readonly body: Buffer; readonly idempotencyKey: string },
  dispatcher: Dispatcher,
  signal: AbortSignal,
  progress: Progress,
  keepLimit: number,
  freshConnection: boolean,
): Promise<void> {
  const url = new URL(target.url);
  // Signed per attempt, at the moment of sending: the receiver's tolerance holds on a late retry.
  const signature = target.sign === undefined ? {} : await target.sign(delivery.body, delivery.idempotencyKey, new Date());
  const tracked = dispatcher.compose(trackRequestStart(progress));
  const response = await tracked.request({
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    headers: { ...requestHeaders(target, delivery.idempotencyKey), ...signature },
    body: delivery.body,
    signal,
    // No keep-alive where the kind wants a fresh connection: see freshDispatcher().
    reset: freshConnection,
    // Our own timer covers the whole exchange; these are only a backstop.
    headersTimeout: target.timeoutMs + 1_000,
    bodyTimeout: target.timeoutMs + 1_000,
  });
  progress.statusCode = response.statusCode;
  progress.retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
  // Read the body to its end even when we keep none of it, so the socket goes back to the pool.
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    if (progress.keptBytes < keepLimit) {
      const part = buffer.subarray(0, keepLimit - progress.keptBytes);
      progress.kept.push(part);
      progress.keptBytes += part.length;
    }
  }
}

/** An interceptor that records when undici starts writing this request to a socket. */
function trackRequestStart(progress: Progress): Dispatcher.DispatcherComposeInterceptor {
  return function trackStart(dispatch) {
    return function dispatchTracked(opts, handler) {
      const observed: Dispatcher.DispatchHandler = {
        onRequestStart(controller, context: unknown) {
          progress.requestStarted = true;
          handler.onRequestStart?.(controller, context);
        },
        onRequestUpgrade(controller, statusCode, headers, socket) {
          handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
        },
        onResponseStart(controller, statusCode, headers, statusMessage) {
          handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
        },
        onResponseData(controller, chunk) {
          handler.onResponseData?.(controller, chunk);
        },
        onResponseEnd(controller, trailers) {
          handler.onResponseEnd?.(controller, trailers);
        },
        onResponseError(controller, error) {
          handler.onResponseError?.(controller, error);
        },
      };
      return dispatch(opts, observed);
    };
  };
}

function timeoutError(timeoutMs: number, requestSent: boolean, hasStatus: boolean): SendError {
  if (hasStatus) return { kind: 'timeout', requestSent: true, message: `response body not received within ${timeoutMs}ms` };
  if (!requestSent) return { kind: 'connect', requestSent: false, message: `no connection within ${timeoutMs}ms` };
  return { kind: 'timeout', requestSent: true, message: `no response within ${timeoutMs}ms` };
}

function describeError(error: unknown, requestSent: boolean): SendError {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message || error.name : String(error);
  let kind: SendErrorKind = 'other';
  if (code !== null && CONNECT_CODES.has(code)) kind = 'connect';
  else if (code !== null && RESET_CODES.has(code)) kind = 'reset';
  else if (code !== null && TIMEOUT_CODES.has(code)) kind = 'timeout';
  // Nothing is written before undici starts the request, whatever the error; after that we cannot know.
  return { kind, requestSent, message: code && !message.includes(code) ? `${code}: ${message}` : message };
}

function errorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current && depth < 3; depth++) {
    if (typeof current === 'object' && 'code' in current && typeof current.code === 'string') return current.code;
    current = typeof current === 'object' && 'cause' in current ? current.cause : null;
  }
  return null;
}

function snippet(body: Buffer): string | null {
  if (body.length === 0) return null;
  // StringDecoder holds back a multi-byte character cut at the 1 KiB mark instead of mangling it.
  return new StringDecoder('utf8').write(body.subarray(0, SNIPPET_BYTES));
}
