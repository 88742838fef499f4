import { describe, expect, it } from 'vitest';
import type { CompiledTarget } from '../pipeline/types.ts';
import type { SendResult } from './send.ts';
import { settle } from './settle.ts';

const http: CompiledTarget = {
  name: 'billing',
  kind: 'http',
  url: 'http://127.0.0.1:1/x',
  headers: { 'content-type': 'application/json' },
  timeoutMs: 1_000,
  retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 10_000 },
  rateLimit: null,
  circuitBreaker: null,
  concurrency: 2,
};
const routine: CompiledTarget = { ...http, name: 'routine', kind: 'routine' };
const times = { startedAt: 1_000, finishedAt: 1_250 };
const lowJitter = (): number => 0;

function answered(statusCode: number, extra: Partial<SendResult> = {}): SendResult {
  return { statusCode, retryAfterMs: null, responseSnippet: 'body', durationMs: 250, error: null, session: null, ...extra };
}

describe('settle', () => {
  it('delivers on 2xx and keeps the routine session on the attempt', () => {
    const session = { id: 'session_01', url: 'https://claude.ai/code/session_01' };
    const result = settle({ attemptsInRound: 0 }, routine, answered(200, { session }), times, lowJitter);
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
    ['http 400 → rejected', http, 0, answered(400), { status: 'dead', deadReason: 'rejected' }, 'dead', 'rejected'],
    ['routine 500 → unknown', routine, 0, answered(500), { status: 'dead', deadReason: 'unknown' }, 'unknown', 'unknown'],
    ['routine 503 → retry', routine, 0, answered(503), { status: 'pending', nextAttemptAt: 1_300 }, 'retry', null],
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
    const settled = settle({ attemptsInRound }, target, result, times, lowJitter);
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
    const settled = settle({ attemptsInRound: 0 }, routine, result, times, lowJitter);
    expect(settled.attempt.error).toBe('timeout: no response within 30000ms');
    expect(settled.transition).toMatchObject({ error: expect.stringContaining('no response within 30000ms') });
  });
});
