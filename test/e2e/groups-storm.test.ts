/**
 * Fire shaping as a user sees it: a storm of validly signed Sentry events for a few issues becomes
 * exactly one routine fire per issue, each listing every event of its issue; and a kill -9 in the
 * middle of the storm loses no acknowledged event and fires no group twice.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../support/store/postgres-schema.ts';

const SECRET = 'sentry-client-secret-e2e';
/**
 * 400 events over 4 issues keep CI quick; HOOKGATE_E2E_STORM=20x100 runs the full acceptance
 * storm (2,000 events, 20 issues) through the same tests.
 */
const [ISSUES, PER_ISSUE] = (/^(\d+)x(\d+)$/.exec(process.env.HOOKGATE_E2E_STORM ?? '') ?? ['', '4', '100']).slice(1).map(Number) as [
  number,
  number,
];
const ADMIN = 'admin-token-groups-e2e';

interface SentryRequest {
  readonly requestId: string;
  readonly issue: string;
  readonly body: string;
}

function storm(): SentryRequest[] {
  const out: SentryRequest[] = [];
  // Interleaved, as a real storm over several issues arrives.
  for (let n = 0; n < PER_ISSUE; n++) {
    for (let i = 0; i < ISSUES; i++) {
      const issue = `${1000 + i}`;
      const body = JSON.stringify({
        action: 'created',
        data: { issue: { id: issue, title: `TypeError in checkout ${i}`, culprit: 'app/cart.ts', count: n + 1 } },
        installation: { uuid: 'inst-1' },
      });
      out.push({ requestId: randomUUID(), issue, body });
    }
  }
  return out;
}

function config(dir: TempDir, sinkUrl: string, wait: string): string {
  return dir.write(
    'routes.yaml',
    `version: 1
store: sqlite:./groups.db
providers:
  sentry:
    verify: { type: sentry, secret: "\${SENTRY_CLIENT_SECRET}" }
targets:
  triage:
    routine: { url: "${sinkUrl}/fire", token: "\${TRIAGE_TOKEN}" }
routes:
  - name: sentry-triage
    from: sentry
    events: [issue.created]
    group: { by: data.issue.id, wait: ${wait}, maxWait: 2m, max: 1000 }
    map: |
      "Sentry issue " & $group.key & " (" & $group.count & " events): " & data.issue.title & "\\nids: " & $join($group.events.id, ",")
    to: triage
`,
  );
}

async function post(router: RouterProcess, r: SentryRequest): Promise<number | null> {
  try {
    const res = await router.post('sentry', r.body, {
      'sentry-hook-resource': 'issue',
      'sentry-hook-signature': createHmac('sha256', SECRET).update(r.body).digest('hex'),
      'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
      'request-id': r.requestId,
    });
    // Every 202 says the event joined its group (and created no delivery of its own).
    if (res.status === 202) expect(res.json).toEqual({ status: 'accepted', id: r.requestId, deliveries: 0, grouped: 1 });
    return res.status;
  } catch (error) {
    if (error instanceof Error && error.name === 'AssertionError') throw error;
    // The process died with this request in flight: the provider sees no answer and retries.
    return null;
  }
}

/** Sends each request to the next router in turn, `parallel` in flight. */
async function sendSpread(
  routers: readonly RouterProcess[],
  requests: readonly SentryRequest[],
  parallel: number,
): Promise<Array<number | null>> {
  const answers: Array<number | null> = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < requests.length) {
      const i = next++;
      answers.push(await post(routers[i % routers.length]!, requests[i]!));
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
  return answers;
}

/** Sends with `parallel` requests in flight; stops starting new ones once `stop()` says so. */
async function sendAll(
  router: RouterProcess,
  requests: readonly SentryRequest[],
  parallel: number,
  onAnswer: (r: SentryRequest, status: number | null) => void,
  stop: () => boolean = () => false,
  onStart: (r: SentryRequest) => void = () => {},
): Promise<void> {
  let next = 0;
  async function lane(): Promise<void> {
    while (next < requests.length && !stop()) {
      const r = requests[next++]!;
      onStart(r);
      onAnswer(r, await post(router, r));
    }
  }
  await Promise.all(Array.from({ length: parallel }, lane));
}

interface Fire {
  readonly issue: string;
  readonly count: number;
  readonly ids: string[];
  readonly idempotencyKey: string;
}

function fires(sink: Sink): Fire[] {
  return sink.received('/fire').map(function parse(req) {
    const text = (JSON.parse(req.body) as { text: string }).text;
    const head = /^Sentry issue (\d+) \((\d+) events\)/.exec(text);
    const ids = text.slice(text.indexOf('ids: ') + 5).split(',');
    return { issue: head?.[1] ?? '?', count: Number(head?.[2]), ids, idempotencyKey: String(req.headers['idempotency-key']) };
  });
}

function expectOneFirePerIssue(all: Fire[], requests: readonly SentryRequest[]): void {
  expect(all.map((f) => f.issue).sort()).toEqual(Array.from({ length: ISSUES }, (_, i) => `${1000 + i}`));
  for (const fire of all) {
    const expected = requests.filter((r) => r.issue === fire.issue).map((r) => r.requestId);
    expect(fire.count).toBe(PER_ISSUE);
    expect([...fire.ids].sort()).toEqual([...expected].sort());
  }
  expect(new Set(all.map((f) => f.idempotencyKey)).size).toBe(ISSUES);
}

async function admin(router: RouterProcess, path: string): Promise<{ items: unknown[] }> {
  const res = await fetch(`${router.url}/admin${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await res.json()) as { items: unknown[] };
}

describe('a Sentry storm becomes one fire per issue', () => {
  let sink: Sink | undefined;
  let dir: TempDir | undefined;
  const routers: RouterProcess[] = [];

  const schemas: string[] = [];

  afterEach(async () => {
    for (const r of routers.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) await r.stop('SIGKILL');
    await sink?.close();
    dir?.remove();
    await dropSchemas(schemas.splice(0));
  });

  it('two replicas on one PostgreSQL database, each sent half of the storm, fire each issue exactly once', async () => {
    const { file, env } = await setup('3s');
    const schema = freshSchemaName();
    schemas.push(schema);
    const pgEnv = { ...env, HOOKGATE_STORE: `${TEST_PG_URL}?schema=${schema}` };
    // Started together on a fresh schema: their migrations queue on the advisory lock.
    const nodes = await Promise.all([startRouter(['-c', file], pgEnv), startRouter(['-c', file], pgEnv)]);
    routers.push(...nodes);
    const requests = storm();
    const answers = await sendSpread(nodes, requests, 16);
    expect(answers.filter((s) => s === 202)).toHaveLength(requests.length);

    await sink!.waitFor((all) => all.filter((r) => r.path === '/fire').length >= ISSUES, 60_000);
    await waitUntil(async () => (await admin(nodes[0]!, '/groups')).items.length === 0, 15_000, 'no open group');
    expectOneFirePerIssue(fires(sink!), requests);
    // Both replicas' workers fire groups; together they fired each one once.
    const firedBy = nodes.map((n) => n.logs.filter((l) => l.msg === 'group fired').length);
    expect(firedBy[0]! + firedBy[1]!).toBe(ISSUES);
  }, 180_000);

  async function setup(wait: string): Promise<{ file: string; env: Record<string, string> }> {
    sink = await startSink();
    sink.on('/fire', () => ({
      status: 200,
      body: JSON.stringify({
        type: 'routine_fire',
        claude_code_session_id: 'session_01x',
        claude_code_session_url: 'https://claude.ai/code/x',
      }),
    }));
    dir = tempDir('hookgate-groups-');
    return {
      file: config(dir, sink.url, wait),
      env: { SENTRY_CLIENT_SECRET: SECRET, TRIAGE_TOKEN: 'sk-ant-oat01-test', HOOKGATE_ADMIN_TOKEN: ADMIN },
    };
  }

  it(`${ISSUES * PER_ISSUE} signed events for ${ISSUES} issues give exactly ${ISSUES} fires, each listing its ${PER_ISSUE} events`, async () => {
    const { file, env } = await setup('3s');
    const router = await startRouter(['-c', file], env);
    routers.push(router);
    const requests = storm();
    const answers: Array<number | null> = [];
    await sendAll(router, requests, 16, (_r, status) => answers.push(status));
    expect(answers.filter((s) => s === 202)).toHaveLength(requests.length);

    await sink!.waitFor((all) => all.filter((r) => r.path === '/fire').length >= ISSUES, 30_000);
    // Nothing else is left to fire.
    await waitUntil(async () => (await admin(router, '/groups')).items.length === 0, 10_000, 'no open group');
    expectOneFirePerIssue(fires(sink!), requests);
    const fired = router.logs.filter((l) => l.msg === 'group fired');
    expect(fired.map((l) => [l.route, l.count])).toEqual(Array.from({ length: ISSUES }, () => ['sentry-triage', PER_ISSUE]));
    expect((await admin(router, '/deliveries?route=sentry-triage')).items).toHaveLength(ISSUES);
  }, 120_000);

  it('an open group survives kill -9 and fires on time after the restart, with every acknowledged event', async () => {
    const { file, env } = await setup('3s');
    const first = await startRouter(['-c', file], env);
    routers.push(first);
    const requests = storm().slice(0, 5 * ISSUES);
    // Each event is received after it was sent: its group cannot be due before that + wait.
    const lastSent = new Map<string, number>();
    await sendAll(
      first,
      requests,
      4,
      (_r, status) => expect(status).toBe(202),
      () => false,
      (r) => lastSent.set(r.issue, Date.now()),
    );
    first.child.kill('SIGKILL');
    await waitUntil(() => first.child.exitCode !== null || first.child.signalCode !== null, 10_000, 'the killed process is gone');
    expect(sink!.received('/fire')).toEqual([]);

    const second = await startRouter(['-c', file], env);
    routers.push(second);
    await sink!.waitFor((all) => all.filter((r) => r.path === '/fire').length >= ISSUES, 30_000);
    const all = fires(sink!);
    expect(all).toHaveLength(ISSUES);
    for (const [i, fire] of all.entries()) {
      // On time: not before its group went quiet for `wait`.
      expect(sink!.received('/fire')[i]!.at).toBeGreaterThanOrEqual(lastSent.get(fire.issue)! + 3000);
      expect([...fire.ids].sort()).toEqual(
        requests
          .filter((r) => r.issue === fire.issue)
          .map((r) => r.requestId)
          .sort(),
      );
    }
  }, 120_000);

  it('kill -9 in the middle of the storm loses no acknowledged event and fires no group twice', async () => {
    // The groups must still be open when the retried requests reach the new process: wait
    // outlasts the restart with room for a loaded machine (a group that went quiet in between
    // would fire on its own, and its issue would count two fires).
    const { file, env } = await setup('15s');
    const first = await startRouter(['-c', file], env);
    routers.push(first);
    const requests = storm();
    const acknowledged = new Set<string>();
    let killed = false;
    await sendAll(
      first,
      requests,
      16,
      (r, status) => {
        if (status === 202) acknowledged.add(r.requestId);
        if (!killed && acknowledged.size >= requests.length / 2) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      },
      () => killed,
    );
    await waitUntil(() => first.child.exitCode !== null || first.child.signalCode !== null, 10_000, 'the killed process is gone');
    expect(killed).toBe(true);
    expect(sink!.received('/fire')).toEqual([]);

    const second = await startRouter(['-c', file], env);
    routers.push(second);
    // The provider retries every request that got no 202; one that was stored before the kill answers duplicate.
    const retried: Array<number | null> = [];
    await sendAll(
      second,
      requests.filter((r) => !acknowledged.has(r.requestId)),
      16,
      (_r, status) => retried.push(status),
    );
    expect(retried.every((s) => s === 202 || s === 200)).toBe(true);

    await sink!.waitFor((all) => all.filter((r) => r.path === '/fire').length >= ISSUES, 60_000);
    await waitUntil(async () => (await admin(second, '/groups')).items.length === 0, 15_000, 'no open group');
    expectOneFirePerIssue(fires(sink!), requests);
    expect((await admin(second, '/deliveries?route=sentry-triage')).items).toHaveLength(ISSUES);
  }, 180_000);
});
