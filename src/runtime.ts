/**
 * What a running router holds: the current compiled config (swapped atomically on reload), the
 * store, the logger, and the lifecycle flags the HTTP layer answers from.
 */
import type { Logger } from 'pino';
import type { CompiledConfig } from './pipeline/types.ts';
import type { Store } from './store/types.ts';

/** The outcome of the last reload, as /readyz shows it. */
export interface ReloadStatus {
  readonly result: 'applied' | 'unchanged' | 'refused';
  /** ISO time of the attempt. */
  readonly at: string;
  /** SIGHUP, file changed, ... */
  readonly reason: string;
  /** A refused reload's findings (`file:line:col error code message`). */
  readonly errors?: readonly string[];
  /** Settings changed in the file that only a restart applies. */
  readonly needsRestart?: readonly string[];
}

export interface Runtime {
  /** The config in force now. Read it once per request and keep that reference. */
  config(): CompiledConfig;
  readonly store: Store;
  readonly logger: Logger;
  /** Wake the delivery worker of this process after deliveries were committed. */
  notifyWorker(): void;
  readonly state: { ready: boolean; shuttingDown: boolean; lastReload?: ReloadStatus };
}
