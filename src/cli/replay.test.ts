import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { finishedDelivery, pendingDelivery } from '../../test/support/admin-fixtures.ts';
import { T0 } from '../../test/support/store/contract-fixtures.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import type { CliIo } from './deliveries.ts';
import { planReplay, runReplay } from './replay.ts';

const NOW = T0 + 3_600_000;

describe('planReplay', () => {
  it.each([
    ['ids and --status', ['dlv_1'], { status: 'dead' as const }, /not both \(got ids and --status\)/],
    ['ids and --route', ['dlv_1'], { route: 'r' }, /not both/],
    ['nothing at all', [], {}, /give delivery ids, or --status dead/],
    ['filters without --status', [], { route: 'r', target: 't' }, /--route, --target need --status/],
    ['a bad --since', [], { status: 'dead' as const, since: 'last week' }, /--since "last week" is not/],
  ])('is a usage error with %s', (_name, ids, options, message) => {
    const plan = planReplay(ids, options, NOW);
    expect(plan.kind).toBe('usage');
    expect(plan.kind === 'usage' && plan.message).toMatch(message);
  });

  it('dedupes ids, and builds a filter with since resolved', () => {
    expect(planReplay(['dlv_1', 'dlv_2', 'dlv_1'], {}, NOW)).toEqual({ kind: 'ids', ids: ['dlv_1', 'dlv_2'] });
    expect(planReplay([], { status: 'dead', route: 'r', since: '1h', dryRun: true }, NOW)).toEqual({
      kind: 'filter',
      filter: { status: 'dead', route: 'r', since: T0 },
    });
  });
});

describe('runReplay', () => {
  let dir: string;
  let store: Store;
  let out: string[];
  let err: string[];
  let io: CliIo;
  let url: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hookgate-replay-'));
    url = `sqlite:${path.join(dir, 'replay.db')}`;
    store = await openStore(url);
    out = [];
    err = [];
    io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: dir };
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function statuses(ids: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const id of ids) out.push((await store.getDelivery(id))?.status ?? 'missing');
    return out;
  }

  it('re-queues dead letters by id; reports unknown and pending ids and exits 1', async () => {
    const dead = await finishedDelivery(store, { status: 'dead', reason: 'unknown' }, { now: T0 });
    const pending = await pendingDelivery(store);
    const code = await runReplay([dead.deliveryId, pending.deliveryId, 'dlv_nope'], { store: url }, io, () => NOW);
    expect(code).toBe(1);
    expect(out).toEqual(['re-queued 1 delivery']);
    expect(err).toEqual([`${pending.deliveryId}: pending, queued already`, 'dlv_nope: no such delivery']);
    expect(await store.getDelivery(dead.deliveryId)).toMatchObject({ status: 'pending', nextAttemptAt: NOW, attemptCount: 1 });
  });

  it('exits 0 when every id was re-queued', async () => {
    const a = await finishedDelivery(store, { status: 'dead', reason: 'rejected' }, { now: T0 });
    const b = await finishedDelivery(store, { status: 'delivered' }, { now: T0 });
    expect(await runReplay([a.deliveryId, b.deliveryId], { store: url }, io, () => NOW)).toBe(0);
    expect(out).toEqual(['re-queued 2 deliveries']);
    expect(await statuses([a.deliveryId, b.deliveryId])).toEqual(['pending', 'pending']);
  });

  it('counts on --dry-run, by ids or by filter, and changes nothing', async () => {
    const a = await finishedDelivery(store, { status: 'dead', reason: 'rejected' }, { now: T0, delivery: { target: 'x' } });
    const b = await finishedDelivery(store, { status: 'dead', reason: 'exhausted' }, { now: T0, delivery: { target: 'y' } });
    expect(await runReplay([a.deliveryId], { store: url, dryRun: true }, io, () => NOW)).toBe(0);
    expect(await runReplay([], { store: url, status: 'dead', dryRun: true }, io, () => NOW)).toBe(0);
    expect(await runReplay([], { store: url, status: 'dead', target: 'y', dryRun: true }, io, () => NOW)).toBe(0);
    const summaries = out.filter((line) => line.startsWith('would'));
    expect(summaries).toEqual([
      'would re-queue 1 delivery (dry run: nothing changed)',
      'would re-queue 2 deliveries (dry run: nothing changed)',
      'would re-queue 1 delivery (dry run: nothing changed)',
    ]);
    // A filtered dry run lists the deliveries it would re-queue, not only their number.
    const lists = out.filter((line) => line.startsWith('ID'));
    expect(lists).toHaveLength(2);
    expect(lists[0]).toContain(a.deliveryId);
    expect(lists[0]).toContain(b.deliveryId);
    expect(lists[1]).toContain(b.deliveryId);
    expect(lists[1]).not.toContain(a.deliveryId);
    expect(await statuses([a.deliveryId, b.deliveryId])).toEqual(['dead', 'dead']);
  });

  it('leaves unknown outcomes out of a bulk replay, says so, and replays them only with --reason unknown', async () => {
    const unknown = await finishedDelivery(store, { status: 'dead', reason: 'unknown' }, { now: T0 });
    const rejected = await finishedDelivery(store, { status: 'dead', reason: 'rejected' }, { now: T0 });
    expect(await runReplay([], { store: url, status: 'dead', json: true, dryRun: true }, io, () => NOW)).toBe(0);
    const dry = JSON.parse(out[0]!) as { count: number; items: Array<{ id: string }>; unknown_left_out: number };
    expect(dry.count).toBe(1);
    expect(dry.items.map((d) => d.id)).toEqual([rejected.deliveryId]);
    expect(dry.unknown_left_out).toBe(1);

    expect(await runReplay([], { store: url, status: 'dead' }, io, () => NOW)).toBe(0);
    expect(out[1]).toBe('re-queued 1 delivery');
    expect(err.join('\n')).toMatch(/left out 1 delivery whose outcome is unknown .* --reason unknown/);
    expect(await statuses([unknown.deliveryId, rejected.deliveryId])).toEqual(['dead', 'pending']);

    expect(await runReplay([], { store: url, status: 'dead', reason: 'unknown', json: true }, io, () => NOW)).toBe(0);
    expect(JSON.parse(out[2]!)).toEqual({ replayed: 1, unknown_left_out: 0 });
    expect(await statuses([unknown.deliveryId])).toEqual(['pending']);
  });

  it('re-queues by filter', async () => {
    const a = await finishedDelivery(store, { status: 'dead', reason: 'rejected' }, { now: T0, delivery: { target: 'x' } });
    const b = await finishedDelivery(store, { status: 'dead', reason: 'rejected' }, { now: T0, delivery: { target: 'y' } });
    expect(await runReplay([], { store: url, status: 'dead', target: 'x' }, io, () => NOW)).toBe(0);
    expect(out).toEqual(['re-queued 1 delivery']);
    expect(await statuses([a.deliveryId, b.deliveryId])).toEqual(['pending', 'dead']);
  });

  it('exits 2 on a usage error without opening the store', async () => {
    expect(await runReplay(['dlv_1'], { store: 'sqlite:./does-not-exist.db', status: 'dead' }, io, () => NOW)).toBe(2);
    expect(err.join('\n')).toMatch(/not both/);
  });
});
