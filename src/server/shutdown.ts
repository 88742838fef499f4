/**
 * Draining on SIGTERM/SIGINT: /readyz and new webhooks answer 503 at once, the listener closes,
 * in-flight deliveries get up to 10 s, then the store closes and the log is flushed. Asking twice
 * returns the same drain.
 */
import type { Server } from 'node:http';
import type { DeliveryWorker } from '../delivery/worker.ts';
import type { Runtime } from '../runtime.ts';

export interface ShutdownParts {
  readonly runtime: Runtime;
  readonly server: Server;
  readonly worker: DeliveryWorker | null;
  /** Loops that finish what they started before the worker drains (the group scheduler). */
  readonly drains?: ReadonlyArray<() => Promise<void>>;
  /** Timers and watchers to stop first (retention purge, config watcher). */
  readonly stops: ReadonlyArray<() => void>;
  readonly flushLog?: () => Promise<void>;
  /** Run once the store is closed (gives up the SQLite file's claim). */
  readonly afterClose?: () => void;
}

const WORKER_GRACE_MS = 10_000;

export function createShutdown(parts: ShutdownParts): (signal: string) => Promise<void> {
  const { runtime, server, worker } = parts;
  const { logger, store } = runtime;
  let stopping: Promise<void> | null = null;
  return function shutdown(signal: string): Promise<void> {
    stopping ??= (async () => {
      logger.info({ signal }, 'shutting down');
      runtime.state.shuttingDown = true;
      for (const stop of parts.stops) stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A group being fired commits (or not) in one transaction: let it end before the store closes.
      for (const drain of parts.drains ?? []) await drain();
      await worker?.stop(WORKER_GRACE_MS);
      server.closeAllConnections();
      await closed;
      await store.close();
      parts.afterClose?.();
      logger.info({ signal }, 'stopped');
      await parts.flushLog?.();
    })();
    return stopping;
  };
}
