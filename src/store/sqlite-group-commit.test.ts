/**
 * Group commit in the SQLite store: writes issued together share one transaction, each caller
 * still gets its own answer (dedup included), one failing write does not sink the others, and a
 * promise resolves only once its write is committed (visible to another connection).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDelivery, anAttempt, anEvent, T0 } from '../../test/support/store/contract-fixtures.ts';
import { countCommittedEvents } from '../../test/support/store/sqlite-helpers.ts';
import { openSqliteStore, type SqliteStore } from './sqlite.ts';

describe('SqliteStore group commit', () => {
  let dir = '';
  let file = '';
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookgate-group-'));
    file = join(dir, 'store.db');
    store = openSqliteStore(file);
    await store.migrate();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function countEvents(): number {
    return countCommittedEvents(file);
  }

  it('commits inserts issued in the same turn of the event loop in one transaction', async () => {
    const before = store.writeStats();
    const events = Array.from({ length: 25 }, () => anEvent());
    const results = await Promise.all(events.map((e) => store.insertEvent(e, [aDelivery()])));
    expect(results).toEqual(events.map((e) => ({ duplicate: false, eventId: e.id })));
    const after = store.writeStats();
    expect(after.commits - before.commits).toBe(1);
    expect(after.writes - before.writes).toBe(25);
    expect(countEvents()).toBe(25);
  });

  it('answers the second insert of one key in the same batch as a duplicate of the first', async () => {
    const first = anEvent({ dedupKey: 'twice' });
    const second = anEvent({ dedupKey: 'twice' });
    const lost = aDelivery();
    const [a, b] = await Promise.all([store.insertEvent(first, [aDelivery()]), store.insertEvent(second, [lost])]);
    expect(a).toEqual({ duplicate: false, eventId: first.id });
    expect(b).toEqual({ duplicate: true, eventId: first.id });
    expect(await store.getDelivery(lost.id)).toBeNull();
    expect(countEvents()).toBe(1);
  });

  it('rejects only the write that failed; the rest of its batch is committed', async () => {
    const shared = aDelivery();
    const ok1 = anEvent();
    const bad = anEvent();
    const ok2 = anEvent();
    const outcomes = await Promise.allSettled([
      store.insertEvent(ok1, [shared]),
      // The same delivery id again: a PRIMARY KEY violation inside this write's savepoint.
      store.insertEvent(bad, [aDelivery({ id: shared.id })]),
      store.insertEvent(ok2, [aDelivery()]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.getEvent(bad.id)).toBeNull();
    expect(await store.getEvent(ok1.id)).not.toBeNull();
    expect(await store.getEvent(ok2.id)).not.toBeNull();
  });

  it('keeps dedup right when a failed write makes the batch run again one write at a time', async () => {
    const first = anEvent({ dedupKey: 'again' });
    const second = anEvent({ dedupKey: 'again' });
    const shared = aDelivery();
    const outcomes = await Promise.allSettled([
      store.insertEvent(first, [shared]),
      store.insertEvent(second, [aDelivery()]),
      store.insertEvent(anEvent(), [aDelivery({ id: shared.id })]),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'rejected'))).toEqual([
      { duplicate: false, eventId: first.id },
      { duplicate: true, eventId: first.id },
      'rejected',
    ]);
    expect(countEvents()).toBe(1);
  });

  it('rejects a lone failing write with the database error', async () => {
    const shared = aDelivery();
    await store.insertEvent(anEvent(), [shared]);
    await expect(store.insertEvent(anEvent(), [aDelivery({ id: shared.id })])).rejects.toThrow(/UNIQUE/);
  });

  it('resolves only after the commit: another connection sees the row by then, and not before', async () => {
    const event = anEvent();
    const pending = store.insertEvent(event, [aDelivery()]);
    expect(countEvents()).toBe(0);
    await pending;
    expect(countEvents()).toBe(1);
  });

  it('keeps call order between queued writes and writes that bypass the queue', async () => {
    const delivery = aDelivery({ target: 't', nextAttemptAt: T0 });
    await store.insertEvent(anEvent(), [delivery]);
    const [claimed] = await store.claim({ target: 't', limit: 1, now: T0, leaseMs: 30_000, workerId: 'w' });
    expect(claimed?.id).toBe(delivery.id);
    const completed = store.completeAttempt(delivery.id, 'w', anAttempt(), { status: 'dead', deadReason: 'rejected', error: 'no' });
    // replay() writes directly: the queued completion must land first, or replay finds nothing to do.
    const replayed = await store.replay([delivery.id], T0 + 1);
    expect(await completed).toBe(true);
    expect(replayed).toBe(1);
    expect(await store.getDelivery(delivery.id)).toMatchObject({ status: 'pending', attemptCount: 1 });
  });

  it('commits what is queued when closed', async () => {
    const event = anEvent();
    const pending = store.insertEvent(event, [aDelivery()]);
    await store.close();
    await expect(pending).resolves.toEqual({ duplicate: false, eventId: event.id });
    expect(countEvents()).toBe(1);
  });
});
