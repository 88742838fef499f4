/**
 * The group scheduler of a router's worker role (delivery/group-scheduler.ts), and the recovery
 * of group fires a previous run left half done. An ingress-only process fires no group: the
 * worker role of another process (or replica) does, from the store.
 */
import type { Logger } from 'pino';
import { GroupScheduler } from '../delivery/group-scheduler.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { Store } from '../store/types.ts';
import type { StartSettings } from './settings.ts';

export function createGroupScheduler(
  store: Store,
  config: () => CompiledConfig,
  logger: Logger,
  settings: Pick<StartSettings, 'leaseMs'>,
  metrics: Metrics,
  notifyWorker: () => void,
): GroupScheduler {
  return new GroupScheduler({
    store,
    getConfig: config,
    logger,
    leaseMs: settings.leaseMs,
    onFired(fired) {
      metrics.onGroupFired(fired);
      if (fired.deliveries.length > 0) notifyWorker();
    },
  });
}

/** One process owns a SQLite file: a group it was firing when it stopped is due again now. */
export async function recoverFiringGroups(store: Store, logger: Logger): Promise<void> {
  if (!store.capabilities.singleOwner) return;
  const recovered = await store.groups.recoverFiringGroups();
  if (recovered > 0) logger.warn({ groups: recovered }, 'groups left firing by the previous run are due again');
}
