/**
 * The express engine behind the door (door.ts) for what is not on the hot path: the admin API
 * under /admin and, in demo mode, the demo routine endpoint under /_demo. It does not listen and
 * does not route webhooks or health: the door decides which requests reach it.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { createDemoEcho } from './demo-echo.ts';
import { sendError } from './reply.ts';

export type TrustProxy = boolean | number | string | readonly string[];

export interface EngineOptions {
  readonly logger: Logger;
  /** express's `trust proxy` (server.trustProxy): how req.ip reads X-Forwarded-For. */
  readonly trustProxy: TrustProxy;
  /** The admin API router, mounted at /admin; null when no admin token is set. */
  readonly admin?: Router | null;
  /** Serve the demo routine endpoint under /_demo (demo mode only). */
  readonly demoEcho?: boolean;
  /** Extra routers (e.g. the inspector under /admin/), mounted before the admin API. */
  readonly mount?: (app: express.Express) => void;
}

export function createEngine(options: EngineOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  if (options.demoEcho) app.post('/_demo/routines/:trigger/fire', express.json(), createDemoEcho(options.logger));
  // Extra routers first: a page under /admin/ (the inspector) may answer before the admin API's
  // token check, and hands every request it does not serve on with next().
  options.mount?.(app);
  if (options.admin) app.use('/admin', options.admin);

  app.use(function notFound(req: Request, res: Response) {
    sendError(res, 'NOT_FOUND', `${req.method} ${req.path}`);
  });
  app.use(function errorHandler(err: Error, _req: Request, res: Response, _next: NextFunction) {
    // body-parser's refusals carry the 4xx they stand for: the client's mistake, not ours.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (!res.headersSent) sendError(res, status === 413 ? 'BODY_TOO_LARGE' : 'BAD_REQUEST', err.message);
      return;
    }
    options.logger.error({ err: err.message }, 'unhandled error');
    if (!res.headersSent) sendError(res, 'INTERNAL_ERROR');
  });
  return app;
}
