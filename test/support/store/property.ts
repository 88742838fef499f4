/**
 * A property checked against the real stores: fast-check runs `check` for generated cases on an
 * in-memory SQLite store, then on a fresh PostgreSQL schema with a quarter of the cases. The seed
 * is fixed (printed by fast-check on a failure); HOOKGATE_PROPERTY_SEED and
 * HOOKGATE_PROPERTY_RUNS change it and the number of cases for a longer hunt by hand.
 */
import fc from 'fast-check';
import { afterEach, describe, it } from 'vitest';
import { openStore } from '../../../src/store/open.ts';
import type { Store } from '../../../src/store/types.ts';
import { freshSchemaName, storeTracker } from './postgres-schema.ts';

const SEED = Number(process.env.HOOKGATE_PROPERTY_SEED ?? 20261130);

export interface StoreProperty<T> {
  /** Cases on SQLite by default (PostgreSQL gets a quarter of them). */
  readonly runs: number;
  readonly arbitrary: fc.Arbitrary<T>;
  check(store: Store, value: T): Promise<void>;
}

export function propertyOnBothStores<T>(sqliteTitle: string, postgresTitle: string, property: StoreProperty<T>): void {
  const runs = Number(process.env.HOOKGATE_PROPERTY_RUNS ?? property.runs);
  const timeoutMs = 60_000 + runs * 200;
  const holds = (store: Store, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(property.arbitrary, (value) => property.check(store, value)),
      { numRuns, seed: SEED },
    );

  it(
    sqliteTitle,
    async () => {
      const store = await openStore('sqlite::memory:');
      try {
        await holds(store, runs);
      } finally {
        await store.close();
      }
    },
    timeoutMs,
  );

  describe('PostgreSQL', () => {
    const tracker = storeTracker();
    afterEach(() => tracker.dispose());
    it(postgresTitle, async () => holds(await tracker.openMigrated(freshSchemaName()), Math.ceil(runs / 4)), timeoutMs);
  });
}
