/**
 * Hot reload and the inbound rate limit, against real `hookgate serve` child
 * processes: an edited routes.yaml with a new route is picked up and the next event follows it;
 * an invalid file is refused with its diagnostics (file:line:col) logged, and the previous config
 * keeps routing; `server.rateLimit` answers the N+1th request with 429 and Retry-After. Neither
 * router has HOOKGATE_ADMIN_TOKEN, so /admin does not exist.
 */
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/types.ts';
import { parseExposition } from '../support/metrics-parse.ts';
import { type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SECRET = 'ops-reload-secret';

function header(sinkUrl: string, server = ''): string {
  return `version: 1
${server}store: sqlite:./data/reload.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secret: "\${BACKEND_SECRET}" }
    event: kind
    id: ref
targets:
  a: { url: "${sinkUrl}/a" }
  b: { url: "${sinkUrl}/b" }
routes:
  - { name: to-a, from: backend, events: [alpha], to: a }
`;
}

function signed(body: object): [string, Record<string, string>] {
  const payload = JSON.stringify(body);
  return [payload, { 'x-signature': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}` }];
}

function logged(router: RouterProcess, msg: string, since: number): Array<Record<string, unknown>> {
  return router.logs.slice(since).filter((entry) => entry.msg === msg);
}

describe('hot reload', () => {
  let sink: Sink;
  let dir: TempDir;
  let router: RouterProcess;
  let file: string;
  let store: Store;

  beforeAll(async () => {
    sink = await startSink();
    dir = tempDir('hookgate-ops-reload-');
    file = dir.write('routes.yaml', header(sink.url));
    router = await startRouter(['-c', file], { BACKEND_SECRET: SECRET });
    store = await openStore(`sqlite:${path.join(dir.dir, 'data/reload.db')}`);
  });

  afterAll(async () => {
    await store?.close();
    await router?.stop();
    await sink?.close();
    dir?.remove();
  });

  async function readySha(): Promise<string> {
    return ((await (await fetch(`${router.url}/readyz`)).json()) as { config_sha256: string }).config_sha256;
  }

  it('has no admin API without HOOKGATE_ADMIN_TOKEN: the whole prefix answers 404', async () => {
    for (const url of ['/admin/events', '/admin/deliveries?status=dead', '/admin']) {
      const res = await fetch(`${router.url}${url}`, { headers: { authorization: 'Bearer anything' } });
      expect(res.status).toBe(404);
    }
    const replay = await fetch(`${router.url}/admin/replay`, { method: 'POST', body: '{"status":"dead"}' });
    expect(replay.status).toBe(404);
  });

  it('follows an edited routes.yaml, then keeps the previous config when the new file is invalid', async () => {
    const firstSha = await readySha();
    expect((await router.post('backend', ...signed({ kind: 'beta', ref: 'b-0' }))).json).toEqual({ status: 'ignored', id: 'b-0' });

    // A new route, written in place: the file watcher reloads it.
    let mark = router.logs.length;
    const withBeta = `${header(sink.url)}  - { name: to-b, from: backend, events: [beta], to: b }\n`;
    dir.write('routes.yaml', withBeta);
    await waitUntil(() => logged(router, 'config reloaded', mark).length > 0, 10_000, 'config reloaded');
    const secondSha = await readySha();
    expect(secondSha).not.toBe(firstSha);
    expect(logged(router, 'config reloaded', mark)[0]).toMatchObject({ reason: 'file changed', config_sha256: secondSha });

    const routed = await router.post('backend', ...signed({ kind: 'beta', ref: 'b-1' }));
    expect(routed.json).toEqual({ status: 'accepted', id: 'b-1', deliveries: 1 });
    await sink.waitFor(() => sink.received('/b').length === 1, 10_000);
    expect(JSON.parse(sink.received('/b')[0]!.body)).toEqual({ kind: 'beta', ref: 'b-1' });
    const stored = (await store.listEvents({ provider: 'backend', eventType: 'beta' })).items;
    expect(stored.map((e) => [e.dedupKey, e.configSha256])).toEqual([
      ['b-1', secondSha],
      ['b-0', firstSha],
    ]);

    // Now an invalid file: a route to a target that does not exist, on line 14.
    mark = router.logs.length;
    const invalid = `${withBeta}  - { name: to-c, from: backend, events: [gamma], to: nowhere }\n`;
    expect(invalid.split('\n')[13]).toContain('to: nowhere');
    dir.write('routes.yaml', invalid);
    await waitUntil(() => logged(router, 'reload refused: keeping the previous config', mark).length > 0, 10_000, 'reload refused');
    const refused = logged(router, 'config refused', mark);
    expect(refused).toHaveLength(1);
    const diagnostics = refused[0]!.diagnostics as string[];
    expect(diagnostics.some((d) => /routes\.yaml:14:\d+ error \S+ .*nowhere/.test(d))).toBe(true);
    expect(logged(router, 'reload refused: keeping the previous config', mark)[0]).toMatchObject({ reason: 'file changed' });

    // SIGHUP asks again, and is refused the same way.
    mark = router.logs.length;
    router.child.kill('SIGHUP');
    await waitUntil(() => logged(router, 'reload refused: keeping the previous config', mark).length > 0, 10_000, 'SIGHUP reload refused');
    expect(logged(router, 'reload refused: keeping the previous config', mark)[0]).toMatchObject({ reason: 'SIGHUP' });

    // Still routing by the previous (second) config.
    expect(await readySha()).toBe(secondSha);
    expect((await router.post('backend', ...signed({ kind: 'beta', ref: 'b-2' }))).json).toEqual({
      status: 'accepted',
      id: 'b-2',
      deliveries: 1,
    });
    expect((await router.post('backend', ...signed({ kind: 'gamma', ref: 'g-1' }))).json).toEqual({ status: 'ignored', id: 'g-1' });
    await sink.waitFor(() => sink.received('/b').length === 2, 10_000);
    expect(router.child.exitCode).toBeNull();
  });
});

describe('inbound rate limit', () => {
  let sink: Sink;
  let dir: TempDir;
  let router: RouterProcess;

  beforeAll(async () => {
    sink = await startSink();
    dir = tempDir('hookgate-ops-ratelimit-');
    const file = dir.write('routes.yaml', header(sink.url, 'server: { rateLimit: { requests: 5, per: 1m } }\n'));
    router = await startRouter(['-c', file], { BACKEND_SECRET: SECRET });
  });

  afterAll(async () => {
    await router?.stop();
    await sink?.close();
    dir?.remove();
  });

  it('answers the 6th request in the window with 429 and Retry-After, whatever X-Forwarded-For says', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await router.post('backend', ...signed({ kind: 'alpha', ref: `r-${i}` }))).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);

    const limited = await router.post('backend', ...signed({ kind: 'alpha', ref: 'r-5' }));
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(limited.json).toEqual({ error: expect.stringContaining('too many requests'), code: 'rate_limited' });

    // server.trustProxy is off: a forged X-Forwarded-For does not make a new client.
    const [payload, headers] = signed({ kind: 'alpha', ref: 'r-6' });
    expect((await router.post('backend', payload, { ...headers, 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
    // Every /webhooks/* request counts, whatever the provider.
    expect((await router.post('nobody', '{}', {})).status).toBe(429);

    const metrics = parseExposition(await (await fetch(`${router.url}/metrics`)).text());
    expect(metrics.value('hookgate_webhooks_rejected_total', { provider: 'backend', reason: 'rate_limited' })).toBe(2);
    expect(metrics.value('hookgate_webhooks_rejected_total', { provider: '(unknown)', reason: 'rate_limited' })).toBe(1);
    expect(metrics.value('hookgate_webhooks_received_total', { provider: 'backend', outcome: 'accepted' })).toBe(5);
  });
});
