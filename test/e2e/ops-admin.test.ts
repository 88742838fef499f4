/**
 * The operator's side, against a real `hookgate serve` child process: the admin API's
 * token check, an event with its attempts, a dead letter replayed (admin API and `hookgate
 * replay` as a child process on the same SQLite file) reaching the sink with its original
 * Idempotency-Key, a bulk dry run that changes nothing, and /metrics moving with the traffic.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exposition, parseExposition } from '../support/metrics-parse.ts';
import { BIN, type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SECRET = 'ops-admin-backend-secret';
const ADMIN_TOKEN = 'ops-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

function config(sinkUrl: string): string {
  return `version: 1
store: sqlite:./data/ops.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, algorithm: sha256, encoding: hex, prefix: "sha256=", secret: "\${BACKEND_SECRET}" }
    event: kind
    id: ref
targets:
  flaky:
    url: "${sinkUrl}/flaky"
    auth: { bearer: "\${FLAKY_TOKEN}" }
    retry: { maxAttempts: 3, initialDelay: 100ms, maxDelay: 500ms }
routes:
  - { name: orders, from: backend, events: [order], map: '{"ref": ref, "n": n}', to: flaky }
`;
}

function signed(body: object): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify(body);
  return { payload, headers: { 'x-signature': `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}` } };
}

interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `hookgate <args>` as a child process, the way an on-call engineer runs it beside `serve`. */
function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('admin API, replay and metrics, end to end', () => {
  let sink: Sink;
  let dir: TempDir;
  let router: RouterProcess;
  let dbUrl: string;
  /** Idempotency-Keys the sink has answered 400 once already: it answers 200 from then on. */
  const refusedOnce = new Set<string>();

  beforeAll(async () => {
    sink = await startSink();
    sink.on('/flaky', function firstRefusedThenOk(req) {
      const key = String(req.headers['idempotency-key']);
      if (refusedOnce.has(key)) return { status: 200, body: '{"ok":true}' };
      refusedOnce.add(key);
      return { status: 400, body: '{"error":"not yet"}' };
    });
    dir = tempDir('hookgate-ops-admin-');
    const file = dir.write('routes.yaml', config(sink.url));
    router = await startRouter(['-c', file], { BACKEND_SECRET: SECRET, FLAKY_TOKEN: 'flaky-token', HOOKGATE_ADMIN_TOKEN: ADMIN_TOKEN });
    dbUrl = `sqlite:${path.join(dir.dir, 'data/ops.db')}`;
  });

  afterAll(async () => {
    await router?.stop();
    await sink?.close();
    dir?.remove();
  });

  async function admin(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = AUTH) {
    const res = await fetch(`${router.url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
  }

  async function scrape(): Promise<Exposition> {
    const res = await fetch(`${router.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  }

  /** Posts an order the sink refuses (400) and waits until its delivery is dead-lettered. */
  async function deadLetterOf(ref: string): Promise<{ eventId: string; deliveryId: string; key: string }> {
    const { payload, headers } = signed({ kind: 'order', ref, n: 1 });
    expect((await router.post('backend', payload, headers)).status).toBe(202);
    const listed = await admin('GET', '/admin/events?provider=backend&event=order');
    const eventId = String(listed.json.items?.find((e) => e.dedup_key === ref)?.id);
    let delivery: Record<string, unknown> | undefined;
    await waitUntil(
      async () => {
        const event = await admin('GET', `/admin/events/${eventId}`);
        delivery = (event.json.deliveries as Array<Record<string, unknown>>)[0];
        return delivery?.status === 'dead';
      },
      10_000,
      `a dead letter for ${ref}`,
    );
    return { eventId, deliveryId: String(delivery!.id), key: String(delivery!.idempotency_key) };
  }

  it('refuses the admin API without the token or with a wrong one (401)', async () => {
    const none = await admin('GET', '/admin/events', undefined, {});
    expect(none.status).toBe(401);
    const wrong = await admin('GET', '/admin/events', undefined, { authorization: 'Bearer not-it' });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify([none.json, wrong.json])).not.toContain(ADMIN_TOKEN);
    expect((await admin('POST', '/admin/replay', { status: 'dead' }, { authorization: 'Bearer not-it' })).status).toBe(401);
  });

  it('lists the event with the right token and shows each delivery with every attempt; replays the dead letter to the sink with the same Idempotency-Key', async () => {
    const before = await scrape();
    const forgedBody = '{"kind":"order","ref":"x"}';
    const forged = await router.post('backend', forgedBody, {
      'x-signature': `sha256=${createHmac('sha256', 'not-the-secret').update(forgedBody).digest('hex')}`,
    });
    expect(forged.status).toBe(400);
    expect((await router.post('nobody', '{}', {})).status).toBe(404);

    const dead = await deadLetterOf('ord-1');
    const events = await admin('GET', '/admin/events?provider=backend&event=order&since=1h');
    expect(events.status).toBe(200);
    expect(events.json.items?.map((e) => e.id)).toContain(dead.eventId);
    expect(events.json).toHaveProperty('next_cursor', null);

    const detail = await admin('GET', `/admin/events/${dead.eventId}`);
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({
      id: dead.eventId,
      provider: 'backend',
      event_type: 'order',
      dedup_key: 'ord-1',
      status: 'accepted',
      config_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      body: { kind: 'order', ref: 'ord-1', n: 1 },
      deliveries: [
        {
          id: dead.deliveryId,
          route: 'orders',
          target: 'flaky',
          status: 'dead',
          dead_reason: 'rejected',
          idempotency_key: dead.key,
          body: { ref: 'ord-1', n: 1 },
          attempts: [
            { number: 1, status_code: 400, outcome: 'dead', response_snippet: '{"error":"not yet"}', duration_ms: expect.any(Number) },
          ],
        },
      ],
    });
    // The signature header was not stored; the target's token is never part of a record.
    expect(detail.json.headers).not.toHaveProperty('x-signature');
    expect(JSON.stringify(detail.json)).not.toContain('flaky-token');

    const replay = await admin('POST', `/admin/deliveries/${dead.deliveryId}/replay`);
    expect(replay).toEqual({ status: 202, json: { replayed: 1 } });
    await sink.waitFor(() => sink.received('/flaky').filter((r) => r.headers['idempotency-key'] === dead.key).length === 2, 10_000);
    const sent = sink.received('/flaky').filter((r) => r.headers['idempotency-key'] === dead.key);
    expect(sent[1]!.body).toBe(sent[0]!.body);
    expect(sent[1]!.headers.authorization).toBe('Bearer flaky-token');
    await waitUntil(
      async () => (await admin('GET', `/admin/deliveries/${dead.deliveryId}`)).json.status === 'delivered',
      10_000,
      'delivered',
    );
    const after = (await admin('GET', `/admin/deliveries/${dead.deliveryId}`)).json as { attempts: Array<{ status_code: number }> };
    expect(after.attempts.map((a) => a.status_code)).toEqual([400, 200]);
    expect((await admin('POST', '/admin/deliveries/dlv_nope/replay')).status).toBe(404);

    const metrics = await scrape();
    const delta = (name: string, labels: Record<string, string>) => metrics.value(name, labels) - before.value(name, labels);
    expect(delta('hookgate_webhooks_received_total', { provider: 'backend', outcome: 'accepted' })).toBe(1);
    expect(delta('hookgate_webhooks_received_total', { provider: 'backend', outcome: 'rejected' })).toBe(1);
    expect(delta('hookgate_webhooks_rejected_total', { provider: 'backend', reason: 'signature_invalid' })).toBe(1);
    expect(delta('hookgate_webhooks_rejected_total', { provider: '(unknown)', reason: 'unknown_provider' })).toBe(1);
    expect(delta('hookgate_delivery_attempts_total', { target: 'flaky', outcome: 'dead' })).toBe(1);
    expect(delta('hookgate_delivery_attempts_total', { target: 'flaky', outcome: 'success' })).toBe(1);
    expect(delta('hookgate_delivery_duration_seconds_count', { target: 'flaky' })).toBe(2);
    expect(delta('hookgate_dead_letters_total', { target: 'flaky', reason: 'rejected' })).toBe(1);
    expect(metrics.value('hookgate_queue_depth', { target: 'flaky', state: 'dead' })).toBe(0);
    const ready = (await (await fetch(`${router.url}/readyz`)).json()) as { config_sha256: string };
    expect(metrics.value('hookgate_config_info', { sha256: ready.config_sha256 })).toBe(1);
    expect(
      metrics.types.get('hookgate_process_resident_memory_bytes') ?? metrics.types.get('hookgate_process_cpu_user_seconds_total'),
    ).toBeDefined();
  });

  it('counts a bulk replay on a dry run without changing anything', async () => {
    const dead = await deadLetterOf('ord-2');
    const sentBefore = sink.received('/flaky').length;
    const dry = await admin('POST', '/admin/replay', { status: 'dead', route: 'orders', target: 'flaky', since: '1h', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ count: 1, items: [{ id: dead.deliveryId, status: 'dead' }] });
    expect((await scrape()).value('hookgate_queue_depth', { target: 'flaky', state: 'dead' })).toBe(1);
    // A dry run queued nothing: the delivery is still dead in the store, and a worker only ever
    // sends what the store holds as pending, so nothing can reach the sink later either.
    expect((await admin('GET', `/admin/deliveries/${dead.deliveryId}`)).json.status).toBe('dead');
    expect(sink.received('/flaky')).toHaveLength(sentBefore);
    const bad = await admin('POST', '/admin/replay', { dryRun: true });
    expect(bad.status).toBe(400);
    expect(bad.json.parameter).toBe('status');
  });

  it('lists and replays from the CLI while serve runs, on the same SQLite file', async () => {
    const dead = (await admin('GET', '/admin/deliveries?status=dead')).json.items!;
    expect(dead).toHaveLength(1);
    const id = String(dead[0]!.id);
    const key = String(dead[0]!.idempotency_key);

    // Read-only commands, side by side (each is a process start).
    const [listed, table, dry, usage] = await Promise.all([
      runCli(['deliveries', '--store', dbUrl, '--status', 'dead', '--json'], dir.dir),
      runCli(['deliveries', '-c', 'routes.yaml'], dir.dir),
      runCli(['replay', '--store', dbUrl, '--status', 'dead', '--dry-run'], dir.dir),
      runCli(['replay', '--store', dbUrl, id, '--status', 'dead'], dir.dir),
    ]);
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; last_status_code: number }),
    ).toMatchObject([{ id, last_status_code: 400 }]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+dead\\s+rejected\\s+orders\\s+flaky\\s+1\\s+400\\s+updated `, 'm'));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^${id}\\s+dead\\s+rejected\\s+orders\\s+flaky\\s`, 'm'));
    expect(dry.stdout).toMatch(/^would re-queue 1 delivery \(dry run: nothing changed\)$/m);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('not both');
    expect((await admin('GET', `/admin/deliveries/${id}`)).json.status).toBe('dead');

    // -c routes.yaml finds the store; the secrets serve needs are not needed here.
    const replayed = await runCli(['replay', '-c', 'routes.yaml', id], dir.dir);
    expect(replayed).toMatchObject({ code: 0, stdout: 're-queued 1 delivery\n' });
    await sink.waitFor(() => sink.received('/flaky').filter((r) => r.headers['idempotency-key'] === key).length === 2, 10_000);
    await waitUntil(
      async () => (await admin('GET', `/admin/deliveries/${id}`)).json.status === 'delivered',
      10_000,
      'delivered after CLI replay',
    );
  });
});
