/**
 * `url:` — any HTTP endpoint. At least once: a request is repeated until the endpoint answers
 * 2xx or refuses for good, with the same Idempotency-Key each time, so an endpoint that honours
 * the key does the work once.
 */
import { commonHeaders, defineTargetKind, HTTP_URL_PATTERN, isSuccess } from './define.ts';
import type { Answer, Verdict } from './types.ts';

/** Statuses below 500 that say "not now" rather than "no". */
const TRANSIENT = new Set([408, 425]);

export function classifyUrlAnswer(answer: Answer): Verdict {
  const status = answer.statusCode;
  // No answer (connection never made, timeout, reset): the endpoint dedups on the key, try again.
  if (status === null) return { outcome: 'retry', afterMs: null, spendsAttempt: true };
  if (isSuccess(status)) return { outcome: 'success' };
  if (status === 429) return { outcome: 'rate_limited', afterMs: answer.retryAfterMs };
  // A 503 that says when to come back is the endpoint pacing us, not failing.
  if (status === 503 && answer.retryAfterMs !== null) return { outcome: 'retry', afterMs: answer.retryAfterMs, spendsAttempt: false };
  if (TRANSIENT.has(status) || status >= 500) return { outcome: 'retry', afterMs: answer.retryAfterMs, spendsAttempt: true };
  return { outcome: 'dead' };
}

export const urlKind = defineTargetKind({
  name: 'url',
  field: 'url',
  description: 'An HTTP(S) endpoint that receives a POST with the mapped JSON body.',
  schema: {
    type: 'string',
    format: 'uri',
    pattern: HTTP_URL_PATTERN,
    description: 'An HTTP(S) endpoint that receives a POST with the mapped JSON body.',
  },
  atMostOnce: false,
  endpoint(config) {
    if (config.url === undefined) throw new Error('a url target needs `url`');
    return { url: config.url, headers: Object.freeze(commonHeaders(config)) };
  },
  encodeBody(mapped) {
    return Buffer.from(JSON.stringify(mapped));
  },
  classify: classifyUrlAnswer,
});
