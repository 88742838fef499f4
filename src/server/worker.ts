/** The delivery worker of a router, and the recovery of what a previous run left in flight. */
import type { Logger } from 'pino';
import { DeliveryWorker } from '../delivery/worker.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { Store } from '../store/types.ts';
import type { StartSettings } from './settings.ts';

export function createWorker(
  store: Store,
  config: () => CompiledConfig,
  logger: Logger,
  settings: Pick<StartSettings, 'leaseMs' | 'leaseGraceMs'>,
  metrics: Metrics,
): DeliveryWorker {
  // Replicas on PostgreSQL pace each target together, through the database.
  const limiter = store.sharedLimiter() ?? undefined;
  return new DeliveryWorker({
    store,
    getConfig: config,
    logger,
    leaseMs: settings.leaseMs,
    leaseGraceMs: settings.leaseGraceMs,
    ...(limiter ? { limiter } : {}),
    onAttempt: metrics.onAttempt,
  });
}

/** One process owns a SQLite file: whatever was in flight when it last stopped is retried now. */
export async function recoverInFlight(store: Store, logger: Logger): Promise<void> {
  if (store.kind !== 'sqlite') return;
  const recovered = await store.recoverInFlight(Date.now());
  if (recovered > 0) logger.warn({ recovered }, 'deliveries left in flight by the previous run are queued again');
}
