import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedDelivery, pendingDelivery } from '../../test/support/admin-fixtures.ts';
import { T0 } from '../../test/support/store/contract-fixtures.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { alignColumns, type CliIo, runDeliveries } from './deliveries.ts';
import { chooseStore } from './store-url.ts';

const CONFIG = `version: 1
store: sqlite:./data/cli.db
providers:
  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
targets:
  a: { url: "http://127.0.0.1:9/a", auth: { bearer: "\${A_TOKEN}" } }
routes:
  - { name: r1, from: backend, to: a }
`;

let dir: string;
let store: Store;
let out: string[];
let err: string[];
let io: CliIo;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookgate-cli-'));
  writeFileSync(path.join(dir, 'routes.yaml'), CONFIG);
  mkdirSync(path.join(dir, 'data'));
  store = await openStore(`sqlite:${path.join(dir, 'data/cli.db')}`);
  out = [];
  err = [];
  // No secret in the environment: this command does not need them.
  io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: dir };
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('chooseStore', () => {
  it('takes --store over $HOOKGATE_STORE over the config, relative paths from the working directory or the config folder', () => {
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    writeFileSync(path.join(sub, 'routes.yaml'), CONFIG);
    expect(chooseStore({ config: 'sub/routes.yaml' }, { env: {}, cwd: dir }).url).toBe(`sqlite:${path.join(sub, 'data/cli.db')}`);
    expect(chooseStore({ config: 'sub/routes.yaml' }, { env: { HOOKGATE_STORE: 'sqlite:./x.db' }, cwd: dir }).url).toBe(
      `sqlite:${path.join(dir, 'x.db')}`,
    );
    expect(chooseStore({ store: 'sqlite:./y.db' }, { env: { HOOKGATE_STORE: 'sqlite:./x.db' }, cwd: dir }).url).toBe(
      `sqlite:${path.join(dir, 'y.db')}`,
    );
    expect(chooseStore({}, { env: { HOOKGATE_CONFIG: 'sub/routes.yaml' }, cwd: dir }).url).toBe(`sqlite:${path.join(sub, 'data/cli.db')}`);
  });

  it('refuses an invalid config with its diagnostics', () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'version: 1\nroutes:\n  - { name: r1, from: nobody, to: a }\n');
    expect(() => chooseStore({ config: 'bad.yaml' }, { env: {}, cwd: dir })).toThrow(/bad\.yaml:\d+:\d+ error/);
  });
});

describe('runDeliveries', () => {
  it('prints an aligned table with status, reason, attempts, last status code and time', async () => {
    const dead = await finishedDelivery(
      store,
      { status: 'dead', reason: 'rejected' },
      { now: T0 + 5_000, delivery: { route: 'r1', target: 'a' } },
    );
    const pending = await pendingDelivery(
      store,
      { route: 'route-with-long-name', target: 'a', nextAttemptAt: T0 + 60_000 },
      { receivedAt: T0 + 1 },
    );
    expect(await runDeliveries({}, io)).toBe(0);
    const lines = out.join('\n').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+REASON\s+ROUTE\s+TARGET\s+ATTEMPTS\s+LAST\s+WHEN$/);
    // Newest first.
    expect(lines[1]!.split(/\s+/)).toEqual([
      pending.deliveryId,
      'pending',
      '-',
      'route-with-long-name',
      'a',
      '0',
      '-',
      'next',
      '2023-11-14T22:14:20Z',
    ]);
    expect(lines[2]!.split(/\s+/)).toEqual([
      dead.deliveryId,
      'dead',
      'rejected',
      'r1',
      'a',
      '1',
      '400',
      'updated',
      expect.stringMatching(/Z$/),
    ]);
    // Aligned: every column starts at the same offset on every line. Offsets come from the
    // positions of the fields themselves, never from searching a value's text: a short value such
    // as `r1` can also occur inside a random delivery id.
    const headerStarts = fieldStarts(lines[0]!);
    for (const line of lines) expect(fieldStarts(line).slice(0, headerStarts.length)).toEqual(headerStarts);
  });

  it('filters and prints JSON lines in the admin API shape', async () => {
    const dead = await finishedDelivery(
      store,
      { status: 'dead', reason: 'exhausted' },
      { now: T0, delivery: { route: 'r1', target: 'a' } },
    );
    await pendingDelivery(store, { route: 'r1', target: 'a' });
    expect(await runDeliveries({ status: 'dead', json: true }, io)).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toMatchObject({
      id: dead.deliveryId,
      status: 'dead',
      dead_reason: 'exhausted',
      attempt_count: 1,
      last_status_code: 400,
    });
  });

  it('says when nothing matches, and when more would', async () => {
    expect(await runDeliveries({ target: 'nobody' }, io)).toBe(0);
    expect(out).toEqual(['no deliveries match']);
    for (let i = 0; i < 3; i++) await pendingDelivery(store);
    out.length = 0;
    expect(await runDeliveries({ limit: 2, json: true }, io)).toBe(0);
    expect(out).toHaveLength(2);
    expect(err.join('\n')).toContain('raise --limit');
  });

  it('fails with 1 when the store file does not exist, instead of creating an empty one', async () => {
    expect(await runDeliveries({ store: 'sqlite:./missing.db' }, io)).toBe(1);
    expect(err.join('\n')).toMatch(/no store at missing\.db/);
  });
});

/** Where each whitespace-separated field of a line starts. */
function fieldStarts(line: string): number[] {
  return [...line.matchAll(/\S+/g)].map((m) => m.index);
}

describe('alignColumns', () => {
  it('pads every column but the last', () => {
    expect(
      alignColumns([
        ['a', 'bb', 'c'],
        ['ccc', 'd', 'eeee'],
      ]),
    ).toBe('a    bb  c\nccc  d   eeee');
  });
});
