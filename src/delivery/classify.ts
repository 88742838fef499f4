/**
 * One attempt's result → what happens next (SPEC section 4). Pure.
 *
 * A plain HTTP target is retried on anything transient. A routine is not idempotent (every accepted
 * fire starts a new session), so it is retried only when no run can have started: the request
 * never left, or the API said 429 / 503 (it refused before starting anything). Anything else that
 * is not a clear success or refusal leaves the outcome unknown: dead-lettered, replay by a person.
 */
import type { SendResult } from './send.ts';

export type Decision =
  | { readonly outcome: 'success' }
  | { readonly outcome: 'retry'; readonly afterMs: number | null }
  | { readonly outcome: 'dead'; readonly reason: 'rejected' | 'unknown' };

const HTTP_RETRY_STATUSES = new Set([408, 425, 429]);
const ROUTINE_RETRY_STATUSES = new Set([429, 503]);

export function classify(kind: 'http' | 'routine', result: SendResult): Decision {
  return kind === 'routine' ? classifyRoutine(result) : classifyHttp(result);
}

function classifyHttp(result: SendResult): Decision {
  const status = result.statusCode;
  // Connection errors, timeouts and resets: the target never answered, try again.
  if (status === null) return { outcome: 'retry', afterMs: null };
  if (status >= 200 && status < 300) return { outcome: 'success' };
  if (HTTP_RETRY_STATUSES.has(status) || status >= 500) return { outcome: 'retry', afterMs: result.retryAfterMs };
  return { outcome: 'dead', reason: 'rejected' };
}

function classifyRoutine(result: SendResult): Decision {
  const status = result.statusCode;
  if (status === null) {
    // No answer: safe to retry only if the request cannot have reached the API.
    const neverSent = result.error !== null && !result.error.requestSent;
    return neverSent ? { outcome: 'retry', afterMs: null } : { outcome: 'dead', reason: 'unknown' };
  }
  if (status >= 200 && status < 300) return { outcome: 'success' };
  if (ROUTINE_RETRY_STATUSES.has(status)) return { outcome: 'retry', afterMs: result.retryAfterMs };
  if (status >= 500) return { outcome: 'dead', reason: 'unknown' };
  return { outcome: 'dead', reason: 'rejected' };
}
