/**
 * The express app (it does not listen): webhook ingress, health, and the optional demo echo.
 * Admin and metrics mount here too.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Runtime } from '../runtime.ts';
import { createDemoEcho } from './demo-echo.ts';
import { createReadyz, healthz } from './health.ts';
import { createIngressHandler, type IngressOptions, type WebhookHandler } from './ingress.ts';

export interface AppOptions extends IngressOptions {
  /** Serve the demo routine endpoint under /_demo (HOOKGATE_DEMO_ECHO=1). */
  readonly demoEcho?: boolean;
  /** Mount POST /webhooks/:provider (false for serve --worker-only). Default true. */
  readonly ingress?: boolean;
  /**
   * The webhook handler to mount, when the caller shares one with the lean listener (one inbound
   * rate limiter for every /webhooks/* request, whichever door it came through).
   */
  readonly webhooks?: WebhookHandler;
  /** Extra routers (admin API, metrics) mounted before the 404 handler. */
  readonly mount?: (app: express.Express) => void;
}

export function createApp(runtime: Runtime, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', runtime.config().server.trustProxy);

  if (options.ingress !== false) {
    const ingress = createIngressHandler(runtime, options);
    app.all('/webhooks/:provider', function webhookRoute(req, res, next) {
      ingress(req, res).catch(next);
    });
  }
  app.get('/healthz', healthz);
  app.get('/readyz', createReadyz(runtime));
  if (options.demoEcho) app.post('/_demo/routines/:trigger/fire', express.json(), createDemoEcho(runtime.logger));
  options.mount?.(app);

  app.use(function notFound(_req: Request, res: Response) {
    res.status(404).json({ error: 'not found' });
  });
  app.use(function errorHandler(err: Error, _req: Request, res: Response, _next: NextFunction) {
    runtime.logger.error({ err: err.message }, 'unhandled error');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  });
  return app;
}
