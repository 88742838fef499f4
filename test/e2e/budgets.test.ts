/**
 * Shared budgets against a real `hookgate serve` child process, a real SQLite file and a loopback
 * sink standing in for two Claude Code routine triggers. Windows are scaled down (3 s instead of
 * a day) so the test sees several of them.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition } from '../support/metrics-parse.ts';
import { BIN, type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SECRET = 'e2e-budget-backend-secret';
const ADMIN = 'e2e-budget-admin-token';
const TOKEN = 'sk-ant-oat01-e2e-budget-token';
const PER_MS = 3_000;

function config(sinkUrl: string): string {
  return `
version: 1
store: sqlite:./data/budgets.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secrets: ["\${BACKEND_SECRET}"] }
    event: kind
    id: ref
budgets:
  routine-runs:
    limit: 15
    per: 3s
  paused-runs:
    limit: 10
    per: 3s
  dropping-runs:
    limit: 2
    per: 3s
    over: drop
targets:
  triage-routine:
    routine: { url: "${sinkUrl}/routines/triage/fire", token: "\${ROUTINE_TOKEN}" }
    budget: routine-runs
  review-routine:
    routine: { url: "${sinkUrl}/routines/review/fire", token: "\${ROUTINE_TOKEN}" }
    budget: routine-runs
  limited-routine:
    routine: { url: "${sinkUrl}/routines/limited/fire", token: "\${ROUTINE_TOKEN}" }
    retry: { maxAttempts: 1 }
    budget: paused-runs
  sibling-routine:
    routine: { url: "${sinkUrl}/routines/sibling/fire", token: "\${ROUTINE_TOKEN}" }
    budget: paused-runs
  dropping-routine:
    routine: { url: "${sinkUrl}/routines/dropping/fire", token: "\${ROUTINE_TOKEN}" }
    budget: dropping-runs
routes:
  - { name: dropping, from: backend, events: [drop], map: '"drop " & ref', to: dropping-routine }
  - { name: triage, from: backend, events: [alert], map: '"triage " & ref', to: triage-routine }
  - { name: review, from: backend, events: [review], map: '"review " & ref', to: review-routine }
  - { name: limited, from: backend, events: [limited], map: '"limited " & ref', to: limited-routine }
  - { name: sibling, from: backend, events: [sibling], map: '"sibling " & ref', to: sibling-routine }
`;
}

/** Most requests inside any half-open window [t, t + perMs). */
function busiestWindow(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, end = 0; first < sorted.length; first++) {
    while (end < sorted.length && sorted[end]! < sorted[first]! + perMs) end++;
    most = Math.max(most, end - first);
  }
  return most;
}

interface BudgetItem {
  readonly name: string;
  readonly limit: number;
  readonly per: string;
  readonly used: number;
  readonly held: number;
  readonly pausedUntil: string | null;
}

describe('shared budgets end to end', () => {
  let tmp: TempDir;
  let sink: Sink;
  let router: RouterProcess;

  beforeAll(async () => {
    tmp = tempDir('hookgate-budgets-');
    sink = await startSink();
    const file = tmp.write('routes.yaml', config(sink.url));
    router = await startRouter(['-c', file], { BACKEND_SECRET: SECRET, ROUTINE_TOKEN: TOKEN, HOOKGATE_ADMIN_TOKEN: ADMIN });
  });

  afterAll(async () => {
    await router?.stop();
    await sink?.close();
    tmp?.remove();
  });

  async function send(kind: string): Promise<void> {
    const body = JSON.stringify({ kind, ref: `${kind}-${randomUUID()}` });
    const res = await router.post('backend', body, { 'x-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` });
    expect(res.status).toBe(202);
  }

  async function admin<T>(urlPath: string): Promise<T> {
    const res = await fetch(`${router.url}/admin${urlPath}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  async function budget(name: string): Promise<BudgetItem> {
    const { items } = await admin<{ items: BudgetItem[] }>('/budgets');
    const item = items.find((i) => i.name === name);
    if (!item) throw new Error(`no budget ${name} in ${JSON.stringify(items)}`);
    return item;
  }

  it('a budget of 15 per window over two routines never sends a 16th request in any window, holds the rest and sends them as the window has room', async () => {
    const fires = () => sink.requests.filter((r) => r.path === '/routines/triage/fire' || r.path === '/routines/review/fire');
    for (let i = 0; i < 20; i++) {
      await send('alert');
      await send('review');
    }
    // The storm is acknowledged at once; what the budget cannot send now waits in the store.
    let sawHeld = 0;
    await waitUntil(
      async () => {
        const item = await budget('routine-runs');
        sawHeld = Math.max(sawHeld, item.held);
        return item.held > 0;
      },
      10_000,
      'deliveries held by the budget',
    );
    expect(sawHeld).toBeGreaterThan(0);
    const metrics = parseExposition(await (await fetch(`${router.url}/metrics`)).text());
    expect(metrics.value('hookgate_budget_used', { budget: 'routine-runs' })).toBeGreaterThan(0);
    expect(metrics.value('hookgate_budget_used', { budget: 'routine-runs' })).toBeLessThanOrEqual(15);
    expect(metrics.types.get('hookgate_budget_held')).toBe('gauge');

    // Forty fires at 15 per 3 s: at least two more windows.
    await waitUntil(() => fires().length >= 40, 30_000, 'all 40 fires sent');
    expect(fires()).toHaveLength(40);
    expect(
      busiestWindow(
        fires().map((r) => r.at),
        PER_MS,
      ),
    ).toBeLessThanOrEqual(15);
    // Sent in windows, not all at once: the last fire comes at least two windows after the first.
    const times = fires().map((r) => r.at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2 * PER_MS);
    // Each event fired once: holding never sends anything twice.
    expect(new Set(fires().map((r) => r.body)).size).toBe(40);
    expect(router.logs.some((l) => l.msg === 'budget full: deliveries held' && l.budget === 'routine-runs' && l.level === 40)).toBe(true);
    await waitUntil(async () => (await budget('routine-runs')).held === 0, 10_000, 'nothing held any more');
  });

  it('a 429 with Retry-After pauses the whole budget, spends no attempt, and the fire goes out after the pause', async () => {
    sink.on('/routines/limited/fire', (_req, n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '3' }, body: '{"type":"error","error":{"type":"rate_limit_error"}}' }
        : {
            status: 200,
            body: '{"type":"routine_fire","claude_code_session_id":"session_01e2e","claude_code_session_url":"https://claude.ai/code/session_01e2e"}',
          },
    );
    await send('limited');
    await sink.waitFor((requests) => requests.some((r) => r.path === '/routines/limited/fire'), 10_000);
    const refusedAt = sink.received('/routines/limited/fire')[0]!.at;
    await waitUntil(async () => (await budget('paused-runs')).pausedUntil !== null, 10_000, 'the budget paused');
    const paused = await budget('paused-runs');
    expect(Date.parse(paused.pausedUntil!)).toBeGreaterThanOrEqual(refusedAt + 2_000);
    // The log line follows the stored pause; the pipe from the child may bring it a moment later.
    await waitUntil(
      () => router.logs.some((l) => l.msg === 'budget paused: a target answered 429' && l.budget === 'paused-runs' && l.level === 40),
      5_000,
      'the warn line of the pause',
    );

    // Another routine of the same budget waits for the pause too.
    await send('sibling');
    await sink.waitFor(
      (requests) => requests.filter((r) => r.path.startsWith('/routines/limited') || r.path.startsWith('/routines/sibling')).length === 3,
      20_000,
    );
    const sibling = sink.received('/routines/sibling/fire')[0]!;
    const retried = sink.received('/routines/limited/fire')[1]!;
    expect(sibling.at).toBeGreaterThanOrEqual(refusedAt + 2_900);
    expect(retried.at).toBeGreaterThanOrEqual(refusedAt + 2_900);

    // maxAttempts is 1 and the fire still went out: the 429 did not count as an attempt.
    const { items } = await admin<{ items: Array<{ id: string; route: string; status: string }> }>('/deliveries?route=limited');
    const delivery = await admin<{ status: string; attempts: Array<{ status_code: number; outcome: string }>; attempts_in_round: number }>(
      `/deliveries/${items[0]!.id}`,
    );
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a) => a.status_code)).toEqual([429, 200]);
  });

  it('over: drop dead-letters fires beyond the limit as over_budget, and hookgate replay --reason over_budget sends them again', async () => {
    const fires = () => sink.received('/routines/dropping/fire');
    for (let i = 0; i < 3; i++) await send('drop');
    const dead = async () =>
      (await admin<{ items: Array<{ id: string; dead_reason: string; attempt_count: number }> }>('/deliveries?status=dead&route=dropping'))
        .items;
    await waitUntil(async () => (await dead()).length === 1 && fires().length === 2, 10_000, 'two fires and one drop');
    const [dropped] = await dead();
    expect(dropped).toMatchObject({ dead_reason: 'over_budget', attempt_count: 0 });
    await waitUntil(
      () => router.logs.some((l) => l.msg === 'budget full: delivery dropped' && l.deliveryId === dropped!.id && l.level === 40),
      5_000,
      'the warn line of the drop',
    );

    // Once the window has room, a person replays what was dropped.
    const lastFire = Math.max(...fires().map((r) => r.at));
    await waitUntil(() => Date.now() > lastFire + PER_MS + 200, 10_000, 'the window to pass');
    const store = `sqlite:${path.join(tmp.dir, 'data/budgets.db')}`;
    const replay = await promisify(execFile)(
      process.execPath,
      [BIN, 'replay', '--store', store, '--status', 'dead', '--reason', 'over_budget'],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(replay.stdout).toMatch(/re-queued 1 delivery/);
    await waitUntil(() => fires().length === 3, 10_000, 'the replayed fire');
    expect(
      busiestWindow(
        fires().map((r) => r.at),
        PER_MS,
      ),
    ).toBeLessThanOrEqual(2);
  });
});

describe('a budget across a kill -9', () => {
  it('counts in the store: after a restart the units spent before the kill still fill the window', async () => {
    const tmp = tempDir('hookgate-budget-kill-');
    const sink = await startSink();
    const file = tmp.write(
      'routes.yaml',
      `
version: 1
store: sqlite:./data/kill.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secrets: ["\${BACKEND_SECRET}"] }
    event: kind
    id: ref
budgets:
  routine-runs: { limit: 3, per: 4s }
targets:
  triage-routine:
    routine: { url: "${sink.url}/routines/triage/fire", token: "\${ROUTINE_TOKEN}" }
    budget: routine-runs
routes:
  - { name: triage, from: backend, events: [alert], map: '"triage " & ref', to: triage-routine }
`,
    );
    const env = { BACKEND_SECRET: SECRET, ROUTINE_TOKEN: TOKEN, HOOKGATE_ADMIN_TOKEN: ADMIN };
    let router = await startRouter(['-c', file], env);
    try {
      for (let i = 0; i < 6; i++) {
        const body = JSON.stringify({ kind: 'alert', ref: `kill-${i}-${randomUUID()}` });
        const res = await router.post('backend', body, {
          'x-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        });
        expect(res.status).toBe(202);
      }
      // Three fires recorded as delivered, the other three held; then the process dies.
      await waitUntil(
        async () => {
          const res = await fetch(`${router.url}/admin/deliveries?status=delivered`, { headers: { authorization: `Bearer ${ADMIN}` } });
          return ((await res.json()) as { items: unknown[] }).items.length === 3;
        },
        10_000,
        'three fires delivered',
      );
      await router.stop('SIGKILL');
      router = await startRouter(['-c', file], env);
      await waitUntil(() => sink.requests.length === 6, 20_000, 'the other three fires after the restart');
      expect(
        busiestWindow(
          sink.requests.map((r) => r.at),
          4_000,
        ),
      ).toBeLessThanOrEqual(3);
      expect(new Set(sink.requests.map((r) => r.body)).size).toBe(6);
    } finally {
      await router.stop();
      await sink.close();
      tmp.remove();
    }
  });
});
