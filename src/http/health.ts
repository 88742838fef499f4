/** /healthz (the process answers) and /readyz (config loaded, store reachable, not draining). */
import type { Request, Response } from 'express';
import type { Runtime } from '../runtime.ts';

export function healthz(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

export function createReadyz(runtime: Runtime) {
  return async function readyz(_req: Request, res: Response): Promise<void> {
    if (!runtime.state.ready || runtime.state.shuttingDown) {
      res.status(503).json({ status: runtime.state.shuttingDown ? 'shutting_down' : 'starting' });
      return;
    }
    try {
      await runtime.store.ping();
    } catch {
      res.status(503).json({ status: 'unavailable', error: 'store unreachable' });
      return;
    }
    res.json({ status: 'ready', config_sha256: runtime.config().sha256, store: runtime.store.kind });
  };
}
