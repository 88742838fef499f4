/** Retention: every ten minutes (and once at start), finished work older than the config's retention is deleted. */
import type { Logger } from 'pino';
import { type CompiledConfig, DEFAULTS } from '../pipeline/types.ts';
import type { Store } from '../store/types.ts';

const EVERY_MS = 10 * 60_000;

export function startPurge(store: Store, config: () => CompiledConfig, logger: Logger): () => void {
  async function purge(): Promise<void> {
    try {
      const deleted = await store.purge(Date.now(), config().retentionMs, DEFAULTS.deadRetentionMs);
      if (deleted > 0) logger.info({ deleted }, 'retention purge');
    } catch (err) {
      logger.warn({ error: (err as Error).message }, 'retention purge failed');
    }
  }
  const timer = setInterval(() => void purge(), EVERY_MS);
  timer.unref();
  void purge();
  return function stopPurge() {
    clearInterval(timer);
  };
}
