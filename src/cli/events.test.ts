import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedDelivery } from '../../test/support/admin-fixtures.ts';
import { aDelivery, anEvent, T0 } from '../../test/support/store/contract-fixtures.ts';
import { EVENT_FILE_FORMAT, parseEventFile } from '../plan/event-file.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import type { CliIo } from './deliveries.ts';
import { runEvents } from './events.ts';
import { runEventsExport } from './events-export.ts';
import { runEventsShow } from './events-show.ts';

const CONFIG = `version: 1
store: sqlite:./data/cli.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
targets:
  a: { routine: { url: "http://127.0.0.1:9/a", token: "\${A_TOKEN}" } }
routes:
  - { name: r1, from: backend, to: a }
`;

let dir: string;
let store: Store;
let out: string[];
let err: string[];
let io: CliIo;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookgate-cli-events-'));
  writeFileSync(path.join(dir, 'routes.yaml'), CONFIG);
  mkdirSync(path.join(dir, 'data'));
  store = await openStore(`sqlite:${path.join(dir, 'data/cli.db')}`);
  out = [];
  err = [];
  io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: dir };
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function seedThree(): Promise<{ delivered: string; dead: string; ignored: string }> {
  const delivered = await finishedDelivery(
    store,
    { status: 'delivered' },
    {
      now: T0 + 10_000,
      event: { dedupKey: 'key-delivered', receivedAt: T0, provider: 'backend' },
      delivery: { route: 'r1', target: 'a' },
      attempt: { statusCode: 200, sessionId: 'session_01abc', sessionUrl: 'https://claude.ai/code/session_01abc' },
    },
  );
  const dead = await finishedDelivery(
    store,
    { status: 'dead', reason: 'rejected' },
    {
      now: T0 + 20_000,
      event: { dedupKey: 'key-dead', receivedAt: T0 + 1000, provider: 'backend' },
      delivery: { route: 'r1', target: 'a' },
    },
  );
  const ignoredEvent = anEvent({
    dedupKey: 'key-ignored',
    receivedAt: T0 + 2000,
    provider: 'other',
    status: 'ignored',
    ignored: [{ route: 'r1', reason: 'filter returned false' }],
  });
  await store.insertEvent(ignoredEvent, []);
  return { delivered: delivered.eventId, dead: dead.eventId, ignored: ignoredEvent.id };
}

describe('hookgate events', () => {
  it('lists events newest first with what became of each, and needs no secret in the environment', async () => {
    await seedThree();
    expect(await runEvents({}, io)).toBe(0);
    const [header, ...rows] = out.join('\n').split('\n');
    expect(header).toMatch(/^ID\s+RECEIVED\s+PROVIDER\s+EVENT\s+STATUS\s+DELIVERIES\s+DEDUP KEY$/);
    expect(rows.map((r) => r.split(/\s{2,}/).at(-1))).toEqual(['key-ignored', 'key-dead', 'key-delivered']);
    expect(rows[0]).toMatch(/ignored\s+-\s+key-ignored$/);
    expect(rows[1]).toMatch(/accepted\s+1 dead\s+key-dead$/);
    expect(rows[2]).toMatch(/accepted\s+1 delivered\s+key-delivered$/);
  });

  it('filters by dedup key, provider, status and --since, and prints the admin API fields with --json', async () => {
    await seedThree();
    const keysOf = async (options: Parameters<typeof runEvents>[0]): Promise<string[]> => {
      out = [];
      expect(await runEvents({ ...options, json: true }, io, () => T0 + 60_000)).toBe(0);
      return out.map((l) => (JSON.parse(l) as { dedup_key: string }).dedup_key);
    };
    expect(await keysOf({ dedupKey: 'key-dead' })).toEqual(['key-dead']);
    expect(await keysOf({ provider: 'other' })).toEqual(['key-ignored']);
    expect(await keysOf({ status: 'accepted' })).toEqual(['key-dead', 'key-delivered']);
    expect(await keysOf({ since: '59500ms' })).toEqual(['key-ignored', 'key-dead']);
    out = [];
    await runEvents({ dedupKey: 'key-ignored', json: true }, io);
    expect(Object.keys(JSON.parse(out[0]!) as object)).toEqual([
      'id',
      'provider',
      'event_type',
      'dedup_key',
      'status',
      'received_at',
      'config_sha256',
      'ignored',
    ]);
  });

  it('prints a hostile dedup key with its control characters escaped, on one row', async () => {
    await store.insertEvent(anEvent({ dedupKey: 'k\u001b[2J\nevt_forged  stripe', receivedAt: T0 }), []);
    expect(await runEvents({}, io)).toBe(0);
    const text = out.join('\n');
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('k\\u001b[2J\\nevt_forged  stripe');
    expect(text).not.toContain('\u001b');
  });

  it('says when more match than the limit, and refuses a bad --since as a usage error', async () => {
    await seedThree();
    expect(await runEvents({ limit: 2 }, io)).toBe(0);
    expect(err.join('\n')).toMatch(/more events match: showing the newest 2/);
    expect(await runEvents({ since: 'last week' }, io)).toBe(2);
    expect(err.at(-1)).toMatch(/--since "last week" is not/);
  });
});

describe('hookgate events show', () => {
  it('shows what arrived and per route what became of it: deliveries, attempts, session link, reasons', async () => {
    const ids = await seedThree();
    expect(await runEventsShow('key-delivered', {}, io)).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`event ${ids.delivered}`);
    expect(text).toMatch(/r1 -> a {2}delivered/);
    expect(text).toMatch(/attempt 1 .* HTTP 200 {2}success/);
    expect(text).toContain('routine session https://claude.ai/code/session_01abc');

    out = [];
    expect(await runEventsShow(ids.dead, {}, io)).toBe(0);
    expect(out.join('\n')).toMatch(/r1 -> a {2}dead \(rejected\)/);
    expect(out.join('\n')).toMatch(/error: rejected: HTTP 400/);

    out = [];
    expect(await runEventsShow('key-ignored', {}, io)).toBe(0);
    expect(out.join('\n')).toMatch(/routes that did not take it:\n {2}r1 {2}filter returned false/);
  });

  it('says which budget holds a pending delivery back, and until when', async () => {
    const event = anEvent({ dedupKey: 'key-held', receivedAt: T0 });
    await store.insertEvent(event, [aDelivery({ target: 'a', nextAttemptAt: T0 }), aDelivery({ target: 'a', nextAttemptAt: T0 })]);
    const claim = await store.claimBudget({
      budget: { name: 'runs', limit: 1, perMs: 3_600_000, over: 'hold' },
      targets: [{ target: 'a', limit: 10, leaseMs: 30_000, concurrency: 10 }],
      now: T0 + 1000,
      workerId: 'w',
      recheckMs: 1000,
    });
    expect(claim.held).toBe(1);
    expect(await runEventsShow('key-held', {}, io)).toBe(0);
    expect(out.join('\n')).toContain(`held by budget runs until ${new Date(claim.heldUntil!).toISOString()}`);
  });

  it('prints the admin API detail with --json, and fails naming what it looked for', async () => {
    const ids = await seedThree();
    expect(await runEventsShow('key-dead', { json: true }, io)).toBe(0);
    const detail = JSON.parse(out[0]!) as { id: string; deliveries: Array<{ dead_reason: string; attempts: unknown[] }> };
    expect(detail.id).toBe(ids.dead);
    expect(detail.deliveries[0]!.dead_reason).toBe('rejected');
    expect(detail.deliveries[0]!.attempts).toHaveLength(1);
    expect(await runEventsShow('key-dead', { provider: 'other' }, io)).toBe(1);
    expect(err.at(-1)).toBe('no event with id or dedup key "key-dead" from provider other (hookgate events lists them)');
  });
});

describe('hookgate events export', () => {
  it('writes one file per event of the window, oldest first by name, that plan reads back', async () => {
    await seedThree();
    const old = anEvent({ dedupKey: 'too-old', receivedAt: T0 - 3_600_000 });
    await store.insertEvent(old, []);
    expect(await runEventsExport({ since: '30m', out: 'exported' }, io, () => T0 + 60_000)).toBe(0);
    const files = readdirSync(path.join(dir, 'exported')).sort();
    expect(files.map((f) => f.replace(/^\d{8}T\d{6}\.\d{3}Z_/, ''))).toEqual([
      'backend_key-delivered.json',
      'backend_key-dead.json',
      'other_key-ignored.json',
    ]);
    const read = parseEventFile(readFileSync(path.join(dir, 'exported', files[0]!), 'utf8'), files[0]!);
    expect(read).toMatchObject({ provider: 'backend', dedupKey: 'key-delivered', receivedAt: T0 });
    expect(out.at(-1)).toMatch(/^exported 3 events received since .* to exported$/);
  });

  it('redacts the config secrets a sender echoed, keeps other bytes exact, and replaces only an earlier export', async () => {
    const secret = 'backend-secret-from-env-123';
    await store.insertEvent(
      anEvent({ dedupKey: 'echo', receivedAt: T0, headers: { 'x-echo': secret }, rawBody: Buffer.from(`{"token":"${secret}","n":1}`) }),
      [],
    );
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x01]);
    await store.insertEvent(anEvent({ dedupKey: 'binary', receivedAt: T0 + 1, rawBody: binary }), []);
    const target = path.join(dir, 'exported');
    mkdirSync(target);
    writeFileSync(path.join(target, 'stale.json'), JSON.stringify({ format: EVENT_FILE_FORMAT }));
    writeFileSync(path.join(target, 'notes.json'), '{"mine": true}');
    const withEnv: CliIo = { ...io, env: { BACKEND_SECRET: secret } };
    expect(await runEventsExport({ since: '1h', out: 'exported' }, withEnv, () => T0 + 60_000)).toBe(0);
    const files = readdirSync(target).sort();
    expect(files).toContain('notes.json');
    expect(files).not.toContain('stale.json');
    const texts = files.filter((f) => f !== 'notes.json').map((f) => readFileSync(path.join(target, f), 'utf8'));
    expect(texts.join('\n')).not.toContain(secret);
    const echo = JSON.parse(texts.find((t) => t.includes('"echo"'))!) as { headers: Record<string, string>; body: unknown };
    expect(echo.headers['x-echo']).toBe('[redacted]');
    expect(echo.body).toEqual({ token: '[redacted]', n: 1 });
    const bin = texts.find((t) => t.includes('"binary"'))!;
    expect(parseEventFile(bin, 'bin').rawBody.equals(binary)).toBe(true);
    expect(err.join('\n')).toContain('replaced 2 occurrences of secret values');
  });
});
