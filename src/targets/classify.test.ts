/**
 * Every answer a target can give, and what each kind makes of it: the url kind retries anything
 * transient (its endpoint dedups on the Idempotency-Key); the routine kind retries only where no
 * run can have started, and calls the rest unknown.
 */
import { describe, expect, it } from 'vitest';
import { classifyRoutineAnswer } from './routine.ts';
import type { Answer, SendErrorKind, Verdict } from './types.ts';
import { classifyUrlAnswer } from './url.ts';

function answered(statusCode: number, retryAfterMs: number | null = null): Answer {
  return { statusCode, retryAfterMs, error: null };
}

function failed(kind: SendErrorKind, requestSent: boolean): Answer {
  return { statusCode: null, retryAfterMs: null, error: { kind, requestSent } };
}

const success: Verdict = { outcome: 'success' };
const retry = (afterMs: number | null = null): Verdict => ({ outcome: 'retry', afterMs, spendsAttempt: true });
const comeBack = (afterMs: number): Verdict => ({ outcome: 'retry', afterMs, spendsAttempt: false });
const limited = (afterMs: number | null = null): Verdict => ({ outcome: 'rate_limited', afterMs });
const dead: Verdict = { outcome: 'dead' };
const unknown: Verdict = { outcome: 'unknown' };

const cases: Array<[string, Answer, Verdict, Verdict]> = [
  // name, answer, url verdict, routine verdict
  ['200', answered(200), success, success],
  ['201', answered(201), success, success],
  ['204', answered(204), success, success],
  ['2xx with a body timeout after the status', { ...answered(200), error: { kind: 'timeout', requestSent: true } }, success, success],
  ['301', answered(301), dead, dead],
  ['304', answered(304), dead, dead],
  ['400', answered(400), dead, dead],
  ['401', answered(401), dead, dead],
  ['403', answered(403), dead, dead],
  ['404', answered(404), dead, dead],
  ['408', answered(408), retry(), dead],
  ['409', answered(409), dead, dead],
  ['410', answered(410), dead, dead],
  ['422', answered(422), dead, dead],
  ['425', answered(425), retry(), dead],
  ['429', answered(429), limited(), limited()],
  ['429 with Retry-After', answered(429, 1000), limited(1000), limited(1000)],
  ['500', answered(500), retry(), unknown],
  ['500 with Retry-After', answered(500, 2000), retry(2000), unknown],
  ['502', answered(502), retry(), unknown],
  ['503', answered(503), retry(), retry()],
  ['503 with Retry-After', answered(503, 30_000), comeBack(30_000), comeBack(30_000)],
  ['504', answered(504), retry(), unknown],
  ['529', answered(529), retry(), unknown],
  ['connection refused', failed('connect', false), retry(), retry()],
  ['connect timeout', failed('timeout', false), retry(), retry()],
  ['timeout after sending', failed('timeout', true), retry(), unknown],
  ['reset after sending', failed('reset', true), retry(), unknown],
  ['reset before sending', failed('reset', false), retry(), retry()],
  ['other error after sending', failed('other', true), retry(), unknown],
  ['other error before sending', failed('other', false), retry(), retry()],
  ['no status and no error (cannot tell)', { statusCode: null, retryAfterMs: null, error: null }, retry(), unknown],
];

describe('target kind classifiers', () => {
  it.each(cases)('url: %s', (_name, answer, url) => {
    expect(classifyUrlAnswer(answer)).toEqual(url);
  });
  it.each(cases)('routine: %s', (_name, answer, _url, routine) => {
    expect(classifyRoutineAnswer(answer)).toEqual(routine);
  });
});
