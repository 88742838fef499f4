/**
 * POST /webhooks/:provider: read the raw bytes, hand them to ingest(), answer with the contract's
 * status table. Works on plain node:http objects; the door (door.ts) calls it for every webhook.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors.ts';
import { httpReply, type IngestOutcome, ingest } from '../pipeline/ingest.ts';
import type { WebhookRequest } from '../providers/types.ts';
import type { Runtime } from '../runtime.ts';
import { ClientRateLimiter } from './client-rate-limit.ts';
import { readBody, refuseOversized } from './read-body.ts';
import { sendError, writeReply } from './reply.ts';

export interface IngressOptions {
  readonly onOutcome?: (outcome: IngestOutcome) => void;
  readonly onRejectedEarly?: (provider: string, code: ErrorCode) => void;
}

/** What the door in front knows about a webhook request beyond the node request itself. */
export interface WebhookCall {
  /** The decoded `:provider` path segment. */
  readonly provider: string;
  /** Query parameters, flattened to strings (`a=1&a=2` → `1,2`). */
  readonly query: Readonly<Record<string, string>>;
  /** The client's address for the inbound rate limit; asked only when a limit is configured. */
  clientIp(): string;
}

export type WebhookHandler = (req: IncomingMessage, res: ServerResponse, call: WebhookCall) => Promise<void>;

export function createWebhookHandler(runtime: Runtime, options: IngressOptions = {}): WebhookHandler {
  // One limiter per (requests, per) setting: a reload that changes the limit starts a new one.
  let limiter: { key: string; limiter: ClientRateLimiter } | null = null;
  const onOutcome = options.onOutcome;

  function clientLimiter(requests: number, perMs: number): ClientRateLimiter {
    const key = `${requests}/${perMs}`;
    if (limiter?.key !== key) limiter = { key, limiter: new ClientRateLimiter(requests, perMs) };
    return limiter.limiter;
  }

  function fail(res: ServerResponse, provider: string, code: ErrorCode, detail?: string): void {
    options.onRejectedEarly?.(provider, code);
    sendError(res, code, detail);
  }

  return async function handleWebhook(req: IncomingMessage, res: ServerResponse, call: WebhookCall): Promise<void> {
    const provider = call.provider;
    const method = req.method ?? 'GET';
    if (method !== 'POST') {
      res.setHeader('Allow', 'POST');
      fail(res, provider, 'METHOD_NOT_ALLOWED', `${method} is not accepted here; use POST`);
      return;
    }
    if (runtime.state.shuttingDown) {
      res.setHeader('Retry-After', '5');
      fail(res, provider, 'SHUTTING_DOWN');
      return;
    }
    const config = runtime.config();
    const now = Date.now();
    if (config.server.rateLimit) {
      const { requests, perMs } = config.server.rateLimit;
      const decision = clientLimiter(requests, perMs).check(call.clientIp(), now);
      if (!decision.allowed) {
        res.setHeader('Retry-After', String(decision.retryAfterSeconds));
        fail(res, provider, 'RATE_LIMITED', `more than ${requests} requests in ${perMs / 1000}s from this client`);
        return;
      }
    }
    if (!config.providers.has(provider)) {
      req.resume();
      fail(res, provider, 'UNKNOWN_PROVIDER', `no provider named "${provider}"`);
      return;
    }
    const body = await readBody(req, config.server.bodyLimitBytes);
    if (!body.ok) {
      if (body.reason === 'too_large') {
        refuseOversized(res);
        fail(res, provider, 'BODY_TOO_LARGE', `the limit is ${config.server.bodyLimitBytes} bytes`);
      }
      return;
    }
    const webhook: WebhookRequest = {
      method,
      headers: flattenHeaders(req.headers),
      query: call.query,
      ...(req.url !== undefined ? { url: req.url } : {}),
      rawBody: body.body,
      receivedAt: new Date(now),
    };
    const outcome = await ingest(
      { config, store: runtime.store, logger: runtime.logger, onStored: runtime.notifyWorker, ...(onOutcome ? { onOutcome } : {}) },
      provider,
      webhook,
    );
    const reply = httpReply(outcome);
    writeReply(res, reply.status, reply.headers, reply.body);
  };
}

export function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Express's and node's querystring.parse shapes: a string, or an array for a repeated name. */
export function flattenQuery(query: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in query) {
    const value = query[name];
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.map(String).join(',');
  }
  return out;
}
