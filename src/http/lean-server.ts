/**
 * The server's request listener: `POST /webhooks/:provider` goes straight to the webhook handler,
 * everything else (health, metrics, admin, demo echo, 404s) to the express app. Express's router,
 * request/response decoration and res.send cost ~60 us per request, more than verifying and
 * mapping a webhook; the one URL that carries the load skips them.
 *
 * It matches the URL as the app's route `/webhooks/:provider` does (one segment, case-insensitive,
 * an optional trailing slash, percent-decoded); anything it is not sure about (another shape, a
 * segment that does not decode) goes to express, which answers exactly as before.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type express from 'express';
import type { Runtime } from '../runtime.ts';
import { createWebhookHandler, flattenQuery, type IngressOptions, type WebhookHandler, writeReply } from './ingress.ts';

export interface LeanServerOptions extends IngressOptions {
  /** false (serve --worker-only): no webhook ingress, every request goes to express. */
  readonly ingress?: boolean;
  /** The handler to use (shared with the express app's route); built here when absent. */
  readonly webhooks?: WebhookHandler;
}

const PREFIX = '/webhooks/';

/** The `:provider` of a `/webhooks/:provider` path, or null when express should decide. */
export function webhookProvider(path: string): string | null {
  if (path.length <= PREFIX.length || path.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return null;
  let segment = path.slice(PREFIX.length);
  if (segment.endsWith('/')) segment = segment.slice(0, -1);
  if (segment === '' || segment.includes('/')) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export function createRequestListener(app: express.Express, runtime: Runtime, options: LeanServerOptions = {}): RequestListener {
  if (options.ingress === false) return app;
  const handle = options.webhooks ?? createWebhookHandler(runtime, options);
  // The inbound rate limit keys on the client address exactly as express's req.ip has it: the
  // socket's, or with `trust proxy` set, express's own reading of X-Forwarded-For.
  const trustsProxy = app.get('trust proxy') !== false;
  function clientIp(req: IncomingMessage): string {
    if (!trustsProxy) return req.socket.remoteAddress ?? 'unknown';
    // What express itself does to every request it handles: its getters (req.ip) apply from here on.
    Object.setPrototypeOf(req, app.request);
    return (req as express.Request).ip ?? 'unknown';
  }

  return function hookgateRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const provider = webhookProvider(q === -1 ? url : url.slice(0, q));
    if (provider === null) {
      app(req, res);
      return;
    }
    const query = q === -1 ? {} : flattenQuery(parseQuery(url.slice(q + 1)));
    handle(req, res, {
      provider,
      query,
      clientIp: () => clientIp(req),
    }).catch(function unhandled(err: unknown) {
      // As the app's error handler: log, and answer 500 if nothing was sent yet.
      runtime.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled error');
      if (!res.headersSent)
        writeReply(res, 500, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ error: 'internal error' }));
    });
  };
}
