import { afterEach, describe, expect, it } from 'vitest';
import { freshSchemaName, storeTracker } from '../../test/support/store/postgres-schema.ts';
import { createPgLimiter } from './pg-limiter.ts';

const T0 = 1_700_000_000_000;

describe('createPgLimiter', () => {
  const tracker = storeTracker();
  afterEach(() => tracker.dispose());

  it('answers the wait until the next slot, takes nothing meanwhile, and keeps targets apart', async () => {
    const store = await tracker.openMigrated();
    const limiter = createPgLimiter(store.pool, { marginMs: () => 0 });
    const limit = { requests: 10, perMs: 1000 }; // one start every 100 ms

    expect(await limiter.reserve('a', limit, T0)).toBe(0);
    expect(await limiter.reserve('a', limit, T0 + 30)).toBe(70);
    expect(await limiter.reserve('a', limit, T0 + 99)).toBe(1);
    expect(await limiter.reserve('b', limit, T0 + 30)).toBe(0);
    expect(await limiter.reserve('a', limit, T0 + 100)).toBe(0);
    expect(await limiter.reserve('a', limit, T0 + 150)).toBe(50);
    // Idle time does not save up into a burst.
    expect(await limiter.reserve('a', limit, T0 + 10_000)).toBe(0);
    expect(await limiter.reserve('a', limit, T0 + 10_001)).toBe(99);
  });

  it('holds one budget across three replicas on three pools: no window of per ever holds more than requests', async () => {
    const schema = freshSchemaName();
    const stores = [tracker.open(schema), tracker.open(schema), tracker.open(schema)];
    await stores[0]!.migrate();
    const limiters = stores.map((store) => createPgLimiter(store.pool));
    const limit = { requests: 4, perMs: 100 };

    // A simulated clock: every replica asks twice at each instant, all at once; instants are
    // 1-10 ms apart (deterministic), so slots are contended and often just missed.
    const grants: number[] = [];
    let now = T0;
    let seed = 7;
    for (let round = 0; round < 150; round++) {
      const answers = await Promise.all(
        limiters.flatMap((limiter) => [limiter.reserve('t', limit, now), limiter.reserve('t', limit, now)]),
      );
      const granted = answers.filter((wait) => wait === 0).length;
      expect(granted).toBeLessThanOrEqual(1);
      if (granted === 1) grants.push(now);
      for (const wait of answers) expect(wait).toBeGreaterThanOrEqual(0);
      seed = (seed * 1103515245 + 12345) % 2147483648;
      now += 1 + (seed % 10);
    }

    const elapsed = now - T0;
    // Paced at (100 ms + 5 ms margin) / 4, i.e. one start per 27 ms, minus at most one step lost per slot.
    expect(grants.length).toBeGreaterThanOrEqual(Math.floor(elapsed / (27 + 10)));
    for (let i = 0; i + limit.requests < grants.length; i++) {
      // Any requests + 1 consecutive starts span more than per: no window of length per holds them all.
      expect(grants[i + limit.requests]! - grants[i]!).toBeGreaterThan(limit.perMs);
    }
  });
});
