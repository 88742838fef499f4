/**
 * The worker's `delivery attempt` line: info for a delivered or retried attempt, warn for one that
 * dead-letters the delivery (a person has to replay or fix it, and log alerts watch warn).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sink, startSink } from '../../test/support/sink.ts';
import { aTarget, capturingLogger, configOf, type Harness, workerHarness } from '../../test/support/worker-harness.ts';

let sink: Sink;
let harness: Harness;
beforeEach(async () => {
  sink = await startSink();
  harness = await workerHarness();
});
afterEach(async () => {
  await harness.dispose();
  await sink.close();
});

describe('delivery attempt log level', () => {
  it('is info when delivered and warn when the answer dead-letters the delivery', async () => {
    sink.on('/ok', () => ({ status: 200 }));
    sink.on('/gone', () => ({ status: 400 }));
    const config = configOf(aTarget('ok', `${sink.url}/ok`), aTarget('gone', `${sink.url}/gone`));
    const { logger, lines } = capturingLogger();
    harness.startWorker(config, { logger });
    const delivered = await harness.enqueue('ok');
    const dead = await harness.enqueue('gone');
    await harness.finished(delivered);
    expect((await harness.finished(dead)).status).toBe('dead');
    const deadline = Date.now() + 10_000;
    const attempt = (id: string) => lines.find((l) => l.msg === 'delivery attempt' && l.deliveryId === id);
    while ((!attempt(delivered) || !attempt(dead)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(attempt(delivered)?.level).toBe(30);
    expect(attempt(dead)).toMatchObject({ level: 40, deadReason: 'rejected', target: 'gone' });
  });
});
