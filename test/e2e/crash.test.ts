/**
 * An acknowledged event is never lost. 200 signed events, `kill -9` right
 * after the last 202, a new process on the same SQLite file: every one reaches the sink.
 */
import Stripe from 'stripe';
import { afterAll, describe, expect, it } from 'vitest';
import { type RouterProcess, startRouter, type TempDir, tempDir } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SECRET = 'whsec_crash_test';
const EVENTS = 200;

describe('kill -9 after the last 202', () => {
  let sink: Sink | undefined;
  let dir: TempDir | undefined;
  let second: RouterProcess | undefined;

  afterAll(async () => {
    await second?.stop();
    await sink?.close();
    dir?.remove();
  });

  it('delivers every acknowledged event after a restart on the same SQLite file', async () => {
    sink = await startSink();
    // A slow target: most deliveries are still pending or in flight when the process dies.
    sink.on('/target', () => ({ status: 200, delayMs: 20 }));
    dir = tempDir('hookgate-crash-');
    const file = dir.write(
      'routes.yaml',
      `version: 1
store: sqlite:./crash.db
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}" }
targets:
  sink:
    url: "${sink.url}/target"
    rateLimit: { concurrency: 2 }
    retry: { initialDelay: 100ms, maxDelay: 1s }
routes:
  - { name: all, from: stripe, map: '{"id": id}', to: sink }
`,
    );
    const env = { STRIPE_WEBHOOK_SECRET: SECRET };
    const first = await startRouter(['-c', file], env);
    const acknowledged: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const payload = JSON.stringify({ id: `evt_crash_${i}`, object: 'event', type: 'charge.succeeded', data: { object: {} } });
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
      const res = await first.post('stripe', payload, { 'stripe-signature': header });
      if (res.status === 202) acknowledged.push(`evt_crash_${i}`);
    }
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(acknowledged).toHaveLength(EVENTS);
    const deliveredBeforeCrash = new Set(sink.requests.map((r) => (JSON.parse(r.body) as { id: string }).id)).size;
    expect(deliveredBeforeCrash).toBeLessThan(EVENTS); // the crash really interrupted work

    second = await startRouter(['-c', file], env);
    await sink.waitFor(() => new Set(sink!.requests.map((r) => r.body)).size === EVENTS, 60_000);
    const received = new Set(sink.requests.map((r) => (JSON.parse(r.body) as { id: string }).id));
    expect([...received].sort()).toEqual([...acknowledged].sort());
  }, 120_000);
});
