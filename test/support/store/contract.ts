/**
 * The behaviour every Store backend must have, as one vitest suite. A backend's test file calls
 * storeContract with a function that opens a fresh, migrated, empty store per test; `cleanup`
 * runs after each test's store is closed (delete the file, drop the schema). Times are passed
 * explicitly everywhere except release(), which is due at the store's own "now".
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../../src/store/types.ts';
import { activityContract } from './contract-activity.ts';
import { budgetContract } from './contract-budget.ts';
import { claimContract } from './contract-claim.ts';
import { completeContract } from './contract-complete.ts';
import { groupsContract } from './contract-groups.ts';
import { insertContract } from './contract-insert.ts';
import { listContract } from './contract-list.ts';
import { pauseContract } from './contract-pause.ts';
import { purgeContract } from './contract-purge.ts';
import { queueContract } from './contract-queue.ts';
import { replayContract } from './contract-replay.ts';
import { rerouteContract } from './contract-reroute.ts';
import { sendingContract } from './contract-sending.ts';
import { targetHealthContract } from './contract-target-health.ts';

export interface ContractContext {
  /** The store of the running test. */
  readonly store: () => Store;
}

export function storeContract(name: string, open: () => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`Store contract: ${name}`, function contractSuite() {
    let current: Store | null = null;

    beforeEach(async function openStore() {
      current = await open();
    });

    afterEach(async function closeStore() {
      const store = current;
      current = null;
      await store?.close();
      await cleanup?.();
    });

    const ctx: ContractContext = {
      store() {
        if (!current) throw new Error('storeContract: no store is open (used outside a test?)');
        return current;
      },
    };

    insertContract(ctx);
    claimContract(ctx);
    completeContract(ctx);
    replayContract(ctx);
    rerouteContract(ctx);
    queueContract(ctx);
    targetHealthContract(ctx);
    listContract(ctx);
    purgeContract(ctx);
    pauseContract(ctx);
    activityContract(ctx);
    budgetContract(ctx);
    sendingContract(ctx);
    groupsContract(ctx);
  });
}
