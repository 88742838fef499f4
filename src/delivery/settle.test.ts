import { describe, expect, it } from 'vitest';
import type { CompiledTarget } from '../pipeline/types.ts';
import type { SendResult } from './send.ts';
import { expiredBeforeSending, settle } from './settle.ts';

const http: CompiledTarget = {
  name: 'billing',
  kind: 'url',
  url: 'http://127.0.0.1:1/x',
  headers: { 'content-type': 'application/json' },
  timeoutMs: 1_000,
  retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 10_000, maxAgeMs: 86_400_000 },
  rateLimit: null,
  circuitBreaker: null,
  concurrency: 2,
};
const routine: CompiledTarget = { ...http, name: 'routine', kind: 'routine' };
const times = { startedAt: 1_000, finishedAt: 1_250 };
const lowJitter = (): number => 0;

/** A delivery created at time 0 that has made `attempts` attempts, all counted. */
function made(attempts: number): { attemptsInRound: number; attemptCount: number; roundStartedAt: number } {
  return { attemptsInRound: attempts, attemptCount: attempts, roundStartedAt: 0 };
}

function answered(statusCode: number, extra: Partial<SendResult> = {}): SendResult {
  return { statusCode, retryAfterMs: null, responseSnippet: 'body', durationMs: 250, error: null, session: null, ...extra };
}

describe('settle', () => {
  it('delivers on 2xx and keeps the routine session on the attempt', () => {
    const session = { id: 'session_01', url: 'https://claude.ai/code/session_01' };
    const result = settle(made(0), routine, answered(200, { session }), times, lowJitter);
    expect(result.transition).toEqual({ status: 'delivered' });
    expect(result.attempt).toEqual({
      startedAt: 1_000,
      durationMs: 250,
      statusCode: 200,
      error: null,
      outcome: 'success',
      responseSnippet: 'body',
      sessionId: 'session_01',
      sessionUrl: 'https://claude.ai/code/session_01',
    });
  });

  const cases: Array<[string, CompiledTarget, number, SendResult, object, string, string | null]> = [
    // name, target, attempts before, result, transition, attempt outcome, dead reason
    ['http 503 → retry after the backoff', http, 0, answered(503), { status: 'pending', nextAttemptAt: 1_300 }, 'retry', null],
    ['http 503, second try → doubled backoff', http, 1, answered(503), { status: 'pending', nextAttemptAt: 1_350 }, 'retry', null],
    [
      'http 429 honours Retry-After',
      http,
      0,
      answered(429, { retryAfterMs: 1_000 }),
      { status: 'pending', nextAttemptAt: 2_250 },
      'retry',
      null,
    ],
    [
      'http 503 on the last allowed attempt → exhausted',
      http,
      2,
      answered(503),
      { status: 'dead', deadReason: 'exhausted' },
      'dead',
      'exhausted',
    ],
    [
      'http 429 on the last allowed attempt spends none: retried, not exhausted',
      http,
      2,
      answered(429),
      { status: 'pending', spendsAttempt: false },
      'retry',
      null,
    ],
    [
      'http 503 with Retry-After on the last allowed attempt spends none',
      http,
      2,
      answered(503, { retryAfterMs: 2_000 }),
      { status: 'pending', nextAttemptAt: 3_250, spendsAttempt: false },
      'retry',
      null,
    ],
    [
      'http 429 with Retry-After beyond maxDelay waits the Retry-After',
      http,
      0,
      answered(429, { retryAfterMs: 3_600_000 }),
      { status: 'pending', nextAttemptAt: 1_250 + 3_600_000 },
      'retry',
      null,
    ],
    [
      'http 500 with Retry-After spends an attempt and waits the Retry-After',
      http,
      0,
      answered(500, { retryAfterMs: 4_000 }),
      { status: 'pending', nextAttemptAt: 5_250, spendsAttempt: true },
      'retry',
      null,
    ],
    ['http 400 → rejected', http, 0, answered(400), { status: 'dead', deadReason: 'rejected' }, 'dead', 'rejected'],
    ['routine 500 → unknown', routine, 0, answered(500), { status: 'dead', deadReason: 'unknown' }, 'unknown', 'unknown'],
    ['routine 503 → retry', routine, 0, answered(503), { status: 'pending', nextAttemptAt: 1_300, spendsAttempt: true }, 'retry', null],
    ['routine 429 → retry, no attempt spent', routine, 0, answered(429), { status: 'pending', spendsAttempt: false }, 'retry', null],
    ['routine 502 → unknown', routine, 0, answered(502), { status: 'dead', deadReason: 'unknown' }, 'unknown', 'unknown'],
    [
      'routine timeout after sending → unknown',
      routine,
      0,
      { ...answered(0), statusCode: null, error: { kind: 'timeout', requestSent: true, message: 'no response' } },
      { status: 'dead', deadReason: 'unknown' },
      'unknown',
      'unknown',
    ],
    [
      'routine refused connection → retry',
      routine,
      0,
      { ...answered(0), statusCode: null, error: { kind: 'connect', requestSent: false, message: 'ECONNREFUSED' } },
      { status: 'pending', nextAttemptAt: 1_300 },
      'retry',
      null,
    ],
  ];

  it.each(cases)('%s', (_name, target, attemptsInRound, result, transition, outcome, deadReason) => {
    const settled = settle(made(attemptsInRound), target, result, times, lowJitter);
    expect(settled.transition).toMatchObject(transition);
    expect(settled.attempt.outcome).toBe(outcome);
    expect(settled.outcome).toBe(outcome);
    expect(settled.deadReason).toBe(deadReason);
  });

  it('records the error of a failed exchange on the attempt and in the dead letter', () => {
    const result: SendResult = {
      statusCode: null,
      retryAfterMs: null,
      responseSnippet: null,
      durationMs: 30_000,
      error: { kind: 'timeout', requestSent: true, message: 'no response within 30000ms' },
      session: null,
    };
    const settled = settle(made(0), routine, result, times, lowJitter);
    expect(settled.attempt.error).toBe('timeout: no response within 30000ms');
    expect(settled.transition).toMatchObject({ error: expect.stringContaining('no response within 30000ms') });
  });

  it('a retry whose next attempt would come after maxAge dead-letters the delivery as expired', () => {
    const short = { ...http, retry: { ...http.retry, maxAgeMs: 5_000 } };
    const settled = settle(made(0), short, answered(429, { retryAfterMs: 10_000 }), times, lowJitter);
    expect(settled.transition).toMatchObject({ status: 'dead', deadReason: 'expired', error: expect.stringMatching(/^expired: /) });
    expect(settled.outcome).toBe('dead');
    expect(settled.deadReason).toBe('expired');
  });

  it('maxAge counts from the start of the round (the last replay), not from creation', () => {
    const short = { ...http, retry: { ...http.retry, maxAgeMs: 5_000 } };
    const replayed = { attemptsInRound: 0, attemptCount: 4, roundStartedAt: 1_000 };
    const settled = settle(replayed, short, answered(503), times, lowJitter);
    expect(settled.transition).toMatchObject({ status: 'pending' });
  });

  it('backs off further on each refusal that spends no attempt', () => {
    const first = settle({ attemptsInRound: 0, attemptCount: 0, roundStartedAt: 0 }, http, answered(429), times, lowJitter);
    const fourth = settle({ attemptsInRound: 0, attemptCount: 3, roundStartedAt: 0 }, http, answered(429), times, lowJitter);
    expect(first.transition).toEqual({ status: 'pending', nextAttemptAt: 1_300, spendsAttempt: false });
    expect(fourth.transition).toEqual({ status: 'pending', nextAttemptAt: 1_650, spendsAttempt: false });
  });

  it('reports the kind verdict, so a 429 can pause whatever paces the target', () => {
    expect(settle(made(0), routine, answered(429, { retryAfterMs: 60_000 }), times, lowJitter).verdict).toEqual({
      outcome: 'rate_limited',
      afterMs: 60_000,
    });
  });
});

describe('expiredBeforeSending', () => {
  const short = { ...http, retry: { ...http.retry, maxAgeMs: 5_000 } };
  it('lets a delivery younger than maxAge be sent', () => {
    expect(expiredBeforeSending({ roundStartedAt: 1_000 }, short, 5_999)).toBeNull();
  });
  it('dead-letters one that reached maxAge with the error expired', () => {
    expect(expiredBeforeSending({ roundStartedAt: 1_000 }, short, 6_000)).toMatchObject({
      status: 'dead',
      deadReason: 'expired',
      error: expect.stringMatching(/^expired: /),
    });
  });
});
