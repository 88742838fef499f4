/**
 * /healthz (the process answers) and /readyz (config loaded, store reachable, not draining). Plain
 * node handlers: they answer without express, so they keep answering while the admin engine or
 * the log destination is in trouble. /readyz also tells whether the last reload was refused: the
 * process stays ready (it serves the previous config) but says so, for whoever watches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Runtime } from '../runtime.ts';
import { StoreNotReadyError } from '../store/not-ready.ts';
import { sendError, sendJson } from './reply.ts';

export function healthz(_req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

export function createReadyz(runtime: Runtime) {
  return async function readyz(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (runtime.state.shuttingDown) {
      sendError(res, 'SHUTTING_DOWN', undefined, { status: 'shutting_down' });
      return;
    }
    if (!runtime.state.ready) {
      sendError(res, 'NOT_READY', 'starting', { status: 'starting' });
      return;
    }
    try {
      await runtime.store.ping();
    } catch (error) {
      const reason = error instanceof StoreNotReadyError ? error.reason : 'the store did not answer a ping';
      sendError(res, 'STORE_UNAVAILABLE', reason, { status: 'unavailable' });
      return;
    }
    const reload = runtime.state.lastReload;
    sendJson(res, 200, {
      status: 'ready',
      config_sha256: runtime.config().sha256,
      store: runtime.store.kind,
      ...(reload ? { last_reload: reload } : {}),
    });
  };
}
