import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anEvent, T0 } from '../../test/support/store/contract-fixtures.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { storedEvents } from './source.ts';

const HOUR = 3_600_000;

describe('storedEvents', () => {
  let dir: string;
  let store: Store;
  const times: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hookgate-plan-source-'));
    store = await openStore(`sqlite:${path.join(dir, 's.db')}`);
    // 600 events in one hour (more than a page), events exactly on slice edges, and a quiet gap.
    for (let i = 0; i < 600; i++) times.push(T0 + i * 5000);
    times.push(T0 + HOUR - 1, T0 + HOUR, T0 + 5 * HOUR, T0 + 5 * HOUR + 1);
    let n = 0;
    for (const at of times) await store.insertEvent(anEvent({ dedupKey: `k${n++}`, receivedAt: at }), []);
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives every event of the window once, oldest first, across pages and slices', async () => {
    const seen: number[] = [];
    for await (const event of storedEvents(store, T0, T0 + 6 * HOUR)) seen.push(event.receivedAt);
    expect(seen).toEqual([...times].sort((a, b) => a - b));
  });

  it('leaves out what arrived before since or after until', async () => {
    const seen: number[] = [];
    for await (const event of storedEvents(store, T0 + HOUR - 1, T0 + 5 * HOUR)) seen.push(event.receivedAt);
    expect(seen).toEqual([T0 + HOUR - 1, T0 + HOUR, T0 + 5 * HOUR]);
  });
});
