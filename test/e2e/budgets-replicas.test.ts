/**
 * A shared budget counted across replicas: three `hookgate serve` processes on one PostgreSQL
 * schema, two routine targets on one budget, a loopback sink. The sink must never see more than
 * the limit in any window, whichever replica sent each fire.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../support/store/postgres-schema.ts';

const SECRET = 'e2e-budget-replicas-secret';
const PER_MS = 3_000;
const LIMIT = 8;

function config(sinkUrl: string): string {
  return `
version: 1
providers:
  backend:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secrets: ["\${BACKEND_SECRET}"] }
    event: kind
    id: ref
budgets:
  routine-runs: { limit: ${LIMIT}, per: 3s }
targets:
  triage-routine:
    routine: { url: "${sinkUrl}/routines/triage/fire", token: "\${ROUTINE_TOKEN}" }
    budget: routine-runs
  review-routine:
    routine: { url: "${sinkUrl}/routines/review/fire", token: "\${ROUTINE_TOKEN}" }
    budget: routine-runs
routes:
  - { name: triage, from: backend, events: [alert], map: '"triage " & ref', to: triage-routine }
  - { name: review, from: backend, events: [review], map: '"review " & ref', to: review-routine }
`;
}

function busiestWindow(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, end = 0; first < sorted.length; first++) {
    while (end < sorted.length && sorted[end]! < sorted[first]! + perMs) end++;
    most = Math.max(most, end - first);
  }
  return most;
}

describe('a budget across replicas on PostgreSQL', () => {
  let tmp: TempDir;
  let sink: Sink;
  let schema: string;
  const routers: RouterProcess[] = [];

  beforeAll(async () => {
    tmp = tempDir('hookgate-budget-replicas-');
    sink = await startSink();
    schema = freshSchemaName();
    const file = tmp.write('routes.yaml', config(sink.url));
    const env = { BACKEND_SECRET: SECRET, ROUTINE_TOKEN: 'sk-ant-oat01-replicas', HOOKGATE_STORE: `${TEST_PG_URL}?schema=${schema}` };
    routers.push(...(await Promise.all([1, 2, 3].map(() => startRouter(['-c', file], env)))));
  });

  afterAll(async () => {
    await Promise.all(routers.map((router) => router.stop()));
    await sink?.close();
    await dropSchemas(schema ? [schema] : []);
    tmp?.remove();
  });

  it('three replicas together never send more than the limit in any window', async () => {
    const total = 24;
    await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const body = JSON.stringify({ kind: i % 2 === 0 ? 'alert' : 'review', ref: `r-${i}-${randomUUID()}` });
        const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
        const res = await routers[i % routers.length]!.post('backend', body, { 'x-signature': signature });
        expect(res.status).toBe(202);
      }),
    );
    await waitUntil(() => sink.requests.length >= total, 40_000, `all ${total} fires sent`);
    expect(sink.requests).toHaveLength(total);
    expect(
      busiestWindow(
        sink.requests.map((r) => r.at),
        PER_MS,
      ),
    ).toBeLessThanOrEqual(LIMIT);
    expect(new Set(sink.requests.map((r) => r.body)).size).toBe(total);
    // More than one replica did the sending: the count really was shared.
    const senders = new Set(
      routers.filter((router) => router.logs.some((l) => l.msg === 'delivery attempt' && l.outcome === 'success')).map((r) => r.port),
    );
    expect(senders.size).toBeGreaterThan(1);
  });
});
