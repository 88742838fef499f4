/**
 * The retry rules as a target sees them, through the real worker, a real SQLite file and a real
 * HTTP server on 127.0.0.1: a Retry-After is honoured even beyond maxDelay; a 429, or a 503 that
 * says when to come back, spends no attempt; maxAge ends a delivery as expired.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sink, startSink } from '../../test/support/sink.ts';
import { aTarget, configOf, type Harness, workerHarness } from '../../test/support/worker-harness.ts';

let h: Harness;
let sink: Sink;

beforeEach(async () => {
  h = await workerHarness();
  sink = await startSink();
});

afterEach(async () => {
  await h.dispose();
  await sink.close();
});

/** The gap between the first two requests the sink saw, in ms. */
function gap(): number {
  const [first, second] = sink.received('/t');
  return second!.at - first!.at;
}

describe('Retry-After', () => {
  it('a 429 with Retry-After: 1 waits at least 1 s although maxDelay is 500ms, and spends no attempt', async () => {
    sink.on('/t', (_req, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    const target = aTarget('t', `${sink.url}/t`, { retry: { maxAttempts: 1, initialDelayMs: 100, maxDelayMs: 500, maxAgeMs: 86_400_000 } });
    const id = await h.enqueue('t');
    h.startWorker(configOf(target));

    const waiting = await h.waitFor(id, (d) => d.attempts.length === 1, 'answered once');
    expect(waiting).toMatchObject({ status: 'pending', attemptCount: 1, attemptsInRound: 0 });
    expect(waiting.nextAttemptAt - waiting.attempts[0]!.startedAt).toBeGreaterThanOrEqual(1_000);

    const done = await h.finished(id);
    // maxAttempts is 1: had the 429 counted, the delivery would be dead after it.
    expect(done).toMatchObject({ status: 'delivered', attemptCount: 2, attemptsInRound: 1 });
    expect(done.attempts.map((a) => a.statusCode)).toEqual([429, 200]);
    expect(gap()).toBeGreaterThanOrEqual(1_000);
  });

  it('a Retry-After given as an HTTP date is honoured too', async () => {
    sink.on('/t', (_req, n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() } } : { status: 200 },
    );
    const target = aTarget('t', `${sink.url}/t`, { retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 } });
    const id = await h.enqueue('t');
    h.startWorker(configOf(target));
    expect(await h.finished(id)).toMatchObject({ status: 'delivered', attemptCount: 2 });
    // The date has whole seconds: at least 2 s of the 3 remain when it is read.
    expect(gap()).toBeGreaterThanOrEqual(1_900);
  });

  it('a 503 with Retry-After spends no attempt; a 503 without one does', async () => {
    sink.on('/t', (_req, n) => (n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    sink.on('/u', () => ({ status: 503 }));
    const once = { maxAttempts: 1, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 };
    const paced = await h.enqueue('t');
    const failing = await h.enqueue('u');
    h.startWorker(configOf(aTarget('t', `${sink.url}/t`, { retry: once }), aTarget('u', `${sink.url}/u`, { retry: once })));

    expect(await h.finished(paced)).toMatchObject({ status: 'delivered', attemptCount: 2, attemptsInRound: 1 });
    expect(await h.finished(failing)).toMatchObject({ status: 'dead', deadReason: 'exhausted', attemptCount: 1 });
    expect(gap()).toBeGreaterThanOrEqual(1_000);
  });

  it('a routine answered 429 is retried without spending an attempt, and fires once when let through', async () => {
    sink.on('/fire', (_req, n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '1' }, body: '{"type":"error","error":{"type":"rate_limit_error"}}' }
        : {
            status: 200,
            body: '{"type":"routine_fire","claude_code_session_id":"session_01","claude_code_session_url":"https://claude.ai/code/session_01"}',
          },
    );
    const target = aTarget('r', `${sink.url}/fire`, {
      kind: 'routine',
      retry: { maxAttempts: 1, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 },
    });
    const id = await h.enqueue('r');
    h.startWorker(configOf(target));
    const done = await h.finished(id);
    expect(done).toMatchObject({ status: 'delivered', attemptsInRound: 1 });
    expect(done.attempts.at(-1)).toMatchObject({ statusCode: 200, sessionId: 'session_01' });
    expect(sink.received('/fire')).toHaveLength(2);
  });
});

describe('maxAge', () => {
  it('ends a delivery that keeps failing as expired once maxAge has passed, before maxAttempts', async () => {
    sink.on('/t', () => ({ status: 500 }));
    const target = aTarget('t', `${sink.url}/t`, { retry: { maxAttempts: 1_000, initialDelayMs: 100, maxDelayMs: 200, maxAgeMs: 1_500 } });
    const id = await h.enqueue('t');
    h.startWorker(configOf(target));
    const done = await h.finished(id);
    expect(done).toMatchObject({ status: 'dead', deadReason: 'expired' });
    expect(done.error).toMatch(/^expired: /);
    // How many attempts fit in 1.5 s depends on the machine; what matters is that maxAge ended it.
    expect(done.attemptCount).toBeLessThan(1_000);
    // Every request that was made is kept with its status. On a slow machine the limit can also
    // pass while the delivery waits for its next try: then it ends at claim time with one record
    // that sent nothing (no status) and says so.
    const [last, ...earlier] = [...done.attempts].reverse();
    expect(earlier.every((a) => a.statusCode === 500)).toBe(true);
    if (last!.statusCode === null) expect(last!.error).toMatch(/^expired: not delivered within maxAge/);
    else expect(last!.statusCode).toBe(500);
  });

  it('ends a delivery created longer than maxAge ago as expired without sending it', async () => {
    const target = aTarget('t', `${sink.url}/t`, { retry: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 } });
    const id = await h.enqueue('t', { receivedAt: Date.now() - 2 * 86_400_000 });
    h.startWorker(configOf(target));
    const done = await h.finished(id);
    expect(done).toMatchObject({ status: 'dead', deadReason: 'expired', attemptCount: 1 });
    expect(done.attempts[0]).toMatchObject({ statusCode: null, outcome: 'dead' });
    expect(sink.requests).toHaveLength(0);
  });

  it('counts from the replay: a replayed old delivery is sent', async () => {
    const target = aTarget('t', `${sink.url}/t`, { retry: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 } });
    const id = await h.enqueue('t', { receivedAt: Date.now() - 2 * 86_400_000 });
    h.startWorker(configOf(target));
    expect(await h.finished(id)).toMatchObject({ deadReason: 'expired' });
    await h.store.replay([id], Date.now());
    expect(await h.waitFor(id, (d) => d.status === 'delivered', 'delivered')).toMatchObject({ attemptCount: 2 });
    expect(sink.received('/t')).toHaveLength(1);
  });
});
