import { describe, expect, it } from 'vitest';
import { classify, type Decision } from './classify.ts';
import type { SendError, SendResult } from './send.ts';

function answered(statusCode: number, retryAfterMs: number | null = null): SendResult {
  return { statusCode, retryAfterMs, responseSnippet: null, durationMs: 5, error: null, session: null };
}

function failed(kind: SendError['kind'], requestSent: boolean): SendResult {
  return {
    statusCode: null,
    retryAfterMs: null,
    responseSnippet: null,
    durationMs: 5,
    error: { kind, requestSent, message: kind },
    session: null,
  };
}

const success: Decision = { outcome: 'success' };
const retry = (afterMs: number | null = null): Decision => ({ outcome: 'retry', afterMs });
const rejected: Decision = { outcome: 'dead', reason: 'rejected' };
const unknown: Decision = { outcome: 'dead', reason: 'unknown' };

const cases: Array<[string, SendResult, Decision, Decision]> = [
  // name, result, http decision, routine decision
  ['200', answered(200), success, success],
  ['201', answered(201), success, success],
  ['204', answered(204), success, success],
  [
    '2xx with a body timeout after the status',
    { ...answered(200), error: { kind: 'timeout', requestSent: true, message: 't' } },
    success,
    success,
  ],
  ['301', answered(301), rejected, rejected],
  ['304', answered(304), rejected, rejected],
  ['400', answered(400), rejected, rejected],
  ['401', answered(401), rejected, rejected],
  ['403', answered(403), rejected, rejected],
  ['404', answered(404), rejected, rejected],
  ['408', answered(408), retry(), rejected],
  ['409', answered(409), rejected, rejected],
  ['422', answered(422), rejected, rejected],
  ['425', answered(425), retry(), rejected],
  ['429', answered(429), retry(), retry()],
  ['429 with Retry-After', answered(429, 1000), retry(1000), retry(1000)],
  ['500', answered(500), retry(), unknown],
  ['502', answered(502), retry(), unknown],
  ['503', answered(503), retry(), retry()],
  ['503 with Retry-After', answered(503, 30_000), retry(30_000), retry(30_000)],
  ['504', answered(504), retry(), unknown],
  ['529', answered(529), retry(), unknown],
  ['500 with Retry-After', answered(500, 2000), retry(2000), unknown],
  ['connection refused', failed('connect', false), retry(), retry()],
  ['connect timeout', failed('timeout', false), retry(), retry()],
  ['timeout after sending', failed('timeout', true), retry(), unknown],
  ['reset after sending', failed('reset', true), retry(), unknown],
  ['reset before sending', failed('reset', false), retry(), retry()],
  ['other error after sending', failed('other', true), retry(), unknown],
  ['other error before sending', failed('other', false), retry(), retry()],
];

describe('classify', () => {
  it.each(cases)('http %s', (_name, result, http) => {
    expect(classify('http', result)).toEqual(http);
  });
  it.each(cases)('routine %s', (_name, result, _http, routine) => {
    expect(classify('routine', result)).toEqual(routine);
  });
});
