/**
 * The one request door: a node:http listener whose routing function (destinationOf) decides, for
 * every request, which handler answers it. The URL that carries the load, POST /webhooks/:provider,
 * goes straight to the webhook handler on plain node objects: express's router, request/response
 * decoration and res.send cost ~60 us per request, more than verifying and mapping a webhook.
 * /healthz, /readyz and /metrics are answered here too. The admin API (and the demo echo target)
 * are express routers: for them express is the engine, but the door still decides they go there.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type express from 'express';
import type { Logger } from 'pino';
import { flattenQuery, type WebhookHandler } from './ingress.ts';
import { sendError } from './reply.ts';

/** Where a request goes; `webhook` carries the decoded `:provider` and the raw query string. */
export type Destination =
  | { readonly to: 'webhook'; readonly provider: string; readonly search: string }
  | { readonly to: 'healthz' | 'readyz' | 'metrics' | 'admin' | 'demo' | 'not_found' };

const WEBHOOKS = '/webhooks/';
const FIXED: Readonly<Record<string, Destination>> = {
  '/healthz': { to: 'healthz' },
  '/readyz': { to: 'readyz' },
  '/metrics': { to: 'metrics' },
};
const NOT_FOUND: Destination = { to: 'not_found' };
const ADMIN: Destination = { to: 'admin' };
const DEMO: Destination = { to: 'demo' };

/**
 * The routing decision, from the request's URL alone (methods are each handler's business, so a
 * GET on a webhook URL gets the 405 with `Allow: POST` the contract asks for). Paths match
 * case-insensitively with an optional trailing slash, as express's routes did.
 */
export function destinationOf(url: string): Destination {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const provider = webhookProvider(path);
  if (provider !== null) return { to: 'webhook', provider, search: q === -1 ? '' : url.slice(q + 1) };
  let lower = path.toLowerCase();
  if (lower.length > 1 && lower.endsWith('/')) lower = lower.slice(0, -1);
  const fixed = FIXED[lower];
  if (fixed) return fixed;
  if (lower === '/admin' || lower.startsWith('/admin/')) return ADMIN;
  if (lower.startsWith('/_demo/')) return DEMO;
  return NOT_FOUND;
}

/** The `:provider` of a `/webhooks/:provider` path (one segment, percent-decoded), else null. */
export function webhookProvider(path: string): string | null {
  if (path.length <= WEBHOOKS.length || path.slice(0, WEBHOOKS.length).toLowerCase() !== WEBHOOKS) return null;
  let segment = path.slice(WEBHOOKS.length);
  if (segment.endsWith('/')) segment = segment.slice(0, -1);
  if (segment === '' || segment.includes('/')) return null;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface DoorOptions {
  /** null: no webhook ingress in this process (serve --worker-only); /webhooks/* answers 404. */
  readonly webhooks: WebhookHandler | null;
  readonly healthz: NodeHandler;
  readonly readyz: NodeHandler;
  /** null: no /metrics. */
  readonly metrics: NodeHandler | null;
  /** The express engine that serves /admin and /_demo; also reads X-Forwarded-For for `trust proxy`. */
  readonly engine: express.Express;
  /** false: /admin answers 404 (no admin token is set). */
  readonly admin: boolean;
  /** false: /_demo answers 404 (not in demo mode). */
  readonly demo: boolean;
  readonly logger: Logger;
}

const READ_METHODS = 'GET, HEAD';

export function createDoor(options: DoorOptions): RequestListener {
  const { webhooks, engine, logger } = options;
  // The inbound rate limit keys on the client address as express's req.ip has it: the socket's,
  // or with `trust proxy` set, express's own reading of X-Forwarded-For.
  const trustsProxy = engine.get('trust proxy') !== false;
  function clientIp(req: IncomingMessage): string {
    if (!trustsProxy) return req.socket.remoteAddress ?? 'unknown';
    Object.setPrototypeOf(req, engine.request);
    return (req as express.Request).ip ?? 'unknown';
  }

  function failed(res: ServerResponse) {
    return function unhandled(err: unknown): void {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'unhandled error');
      if (!res.headersSent) sendError(res, 'INTERNAL_ERROR');
      else res.destroy();
    };
  }

  function read(handler: NodeHandler, req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('Allow', READ_METHODS);
      sendError(res, 'METHOD_NOT_ALLOWED', `${method} is not accepted here; use GET`);
      return;
    }
    try {
      const done = handler(req, res);
      if (done) done.catch(failed(res));
    } catch (err) {
      failed(res)(err);
    }
  }

  return function hookgateDoor(req: IncomingMessage, res: ServerResponse): void {
    const destination = destinationOf(req.url ?? '/');
    switch (destination.to) {
      case 'webhook':
        if (webhooks === null) break;
        webhooks(req, res, {
          provider: destination.provider,
          query: destination.search === '' ? {} : flattenQuery(parseQuery(destination.search)),
          clientIp: () => clientIp(req),
        }).catch(failed(res));
        return;
      case 'healthz':
        read(options.healthz, req, res);
        return;
      case 'readyz':
        read(options.readyz, req, res);
        return;
      case 'metrics':
        if (options.metrics === null) break;
        read(options.metrics, req, res);
        return;
      case 'admin':
        if (!options.admin) break;
        engine(req, res);
        return;
      case 'demo':
        if (!options.demo) break;
        engine(req, res);
        return;
      case 'not_found':
        break;
    }
    req.resume();
    sendError(res, 'NOT_FOUND', `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`);
  };
}
