/**
 * What a running router holds: the current compiled config (swapped atomically on reload), the
 * store, the logger, and the lifecycle flags the HTTP layer answers from.
 */
import type { Logger } from 'pino';
import type { CompiledConfig } from './pipeline/types.ts';
import type { Store } from './store/types.ts';

export interface Runtime {
  /** The config in force now. Read it once per request and keep that reference. */
  config(): CompiledConfig;
  readonly store: Store;
  readonly logger: Logger;
  /** Wake the delivery worker of this process after deliveries were committed. */
  notifyWorker(): void;
  readonly state: { ready: boolean; shuttingDown: boolean };
}
