/**
 * Target protection, against a real `hookgate serve`: a target failing N times in a row
 * is paused for its cool-down while deliveries wait in the store, then resumes; a 410 Gone pauses
 * its target until a person replays. The pause shows in the admin API and in /metrics.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../support/metrics-parse.ts';
import { type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SECRET = 'breaker-e2e-secret';
const ADMIN = 'breaker-e2e-admin-token';

function signed(body: object): [string, Record<string, string>] {
  const payload = JSON.stringify(body);
  return [payload, { 'x-signature': createHmac('sha256', SECRET).update(payload).digest('hex') }];
}

describe('circuit breaker and 410 Gone', () => {
  let sink: Sink;
  let dir: TempDir;
  let router: RouterProcess;

  async function admin(path: string, method = 'GET'): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${router.url}/admin${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });
    return { status: res.status, json: await res.json() };
  }

  async function paused(): Promise<Array<{ target: string; state: string; reason: string }>> {
    // Every target is listed; the paused and half-open ones are those not `active`.
    const { items } = (await admin('/targets')).json as { items: Array<{ target: string; state: string; reason: string }> };
    return items.filter((t) => t.state !== 'active');
  }

  beforeAll(async () => {
    sink = await startSink();
    dir = tempDir('hookgate-breaker-');
    const file = dir.write(
      'routes.yaml',
      `version: 1
store: sqlite:./breaker.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
    id: ref
targets:
  flaky:
    url: "${sink.url}/flaky"
    retry: { maxAttempts: 10, initialDelay: 50ms, maxDelay: 100ms }
    circuitBreaker: { failures: 3, cooldown: 1500ms }
  gone:
    url: "${sink.url}/gone"
    retry: { maxAttempts: 10, initialDelay: 50ms, maxDelay: 100ms }
    circuitBreaker: { failures: 3, cooldown: 100ms }
routes:
  - { name: to-flaky, from: backend, events: [flaky], to: flaky }
  - { name: to-gone, from: backend, events: [gone], to: gone }
`,
    );
    router = await startRouter(['-c', file], { BACKEND_SECRET: SECRET, HOOKGATE_ADMIN_TOKEN: ADMIN });
  });

  afterAll(async () => {
    await router?.stop();
    await sink?.close();
    dir?.remove();
  });

  it('pauses a target after 3 consecutive failures, holds new deliveries during the cool-down, then resumes', async () => {
    sink.on('/flaky', (_req, n) => (n <= 3 ? { status: 503 } : { status: 200 }));
    const [first, firstHeaders] = signed({ type: 'flaky', ref: 'f-1' });
    expect((await router.post('backend', first, firstHeaders)).status).toBe(202);
    await sink.waitFor(() => sink.received('/flaky').length === 3);
    await waitUntil(async () => (await paused()).length === 1, 5000, 'pause stored');
    const [pause] = await paused();
    expect(pause).toMatchObject({ target: 'flaky', state: 'paused' });
    expect(pause!.reason).toMatch(/3 consecutive failed attempts/);
    // The pause is logged just after it is stored: the line may still be on its way.
    await waitUntil(() => router.logs.some((l) => l.msg === 'target paused' && l.target === 'flaky'), 5000, 'pause logged');

    const metrics = parseExposition(await (await fetch(`${router.url}/metrics`)).text());
    expect(metrics.value('hookgate_target_paused', { target: 'flaky' })).toBe(1);

    // A second event during the pause waits in the store.
    const [second, secondHeaders] = signed({ type: 'flaky', ref: 'f-2' });
    expect((await router.post('backend', second, secondHeaders)).status).toBe(202);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.received('/flaky')).toHaveLength(3);

    // After the cool-down one probe succeeds, the target closes, and both arrive.
    await sink.waitFor(() => sink.received('/flaky').length === 5, 10_000);
    const arrivals = sink.received('/flaky');
    expect(arrivals[3]!.at - arrivals[2]!.at).toBeGreaterThanOrEqual(1300);
    await waitUntil(async () => (await paused()).length === 0, 5000, 'pause lifted');
    await waitUntil(
      () => router.logs.some((l) => l.msg === 'target resumed: the probe after the cool-down succeeded'),
      5000,
      'resume logged',
    );
  });

  it('pauses a target that answers 410 Gone until its delivery is replayed by hand', async () => {
    sink.on('/gone', (_req, n) => (n === 1 ? { status: 410 } : { status: 200 }));
    const [one, oneHeaders] = signed({ type: 'gone', ref: 'g-1' });
    expect((await router.post('backend', one, oneHeaders)).status).toBe(202);
    await waitUntil(async () => (await paused()).some((p) => p.target === 'gone'), 5000, '410 pause');
    expect((await paused()).find((p) => p.target === 'gone')?.reason).toMatch(/410 Gone/);

    const [two, twoHeaders] = signed({ type: 'gone', ref: 'g-2' });
    expect((await router.post('backend', two, twoHeaders)).status).toBe(202);
    // Many times the target's 100 ms cool-down plus a worker poll: a 410 pause has no cool-down.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.received('/gone')).toHaveLength(1);

    const dead = (await admin('/deliveries?status=dead&target=gone')).json as { items: Array<{ id: string; dead_reason: string }> };
    expect(dead.items).toHaveLength(1);
    expect(dead.items[0]!.dead_reason).toBe('rejected');
    expect((await admin(`/deliveries/${dead.items[0]!.id}/replay`, 'POST')).status).toBe(202);

    await sink.waitFor(() => sink.received('/gone').length === 3, 10_000);
    expect((await paused()).some((p) => p.target === 'gone')).toBe(false);
  });

  it('can be resumed through the admin API, and says so for a target that is not paused', async () => {
    expect((await admin('/targets/flaky/resume', 'POST')).status).toBe(404);
  });
});
