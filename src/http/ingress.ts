/** POST /webhooks/:provider: read the raw bytes, hand them to ingest(), answer per spec section 3. */
import type { Request, Response } from 'express';
import { HookgateError, type ErrorCode } from '../errors.ts';
import { httpReply, ingest, type IngestOutcome } from '../pipeline/ingest.ts';
import type { WebhookRequest } from '../providers/types.ts';
import type { Runtime } from '../runtime.ts';
import { ClientRateLimiter } from './client-rate-limit.ts';
import { readBody } from './read-body.ts';

export interface IngressOptions {
  readonly onOutcome?: (outcome: IngestOutcome) => void;
  readonly onRejectedEarly?: (provider: string, code: ErrorCode) => void;
}

export function createIngressHandler(runtime: Runtime, options: IngressOptions = {}) {
  // One limiter per (requests, per) setting: a reload that changes the limit starts a new one.
  let limiter: { key: string; limiter: ClientRateLimiter } | null = null;

  function clientLimiter(requests: number, perMs: number): ClientRateLimiter {
    const key = `${requests}/${perMs}`;
    if (limiter?.key !== key) limiter = { key, limiter: new ClientRateLimiter(requests, perMs) };
    return limiter.limiter;
  }

  function fail(res: Response, provider: string, code: ErrorCode, detail?: string): void {
    const error = new HookgateError(code, detail);
    options.onRejectedEarly?.(provider, code);
    res.status(error.status).json({ error: error.message });
  }

  return async function handleWebhook(req: Request, res: Response): Promise<void> {
    const provider = String(req.params.provider);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      fail(res, provider, 'METHOD_NOT_ALLOWED', `${req.method} is not accepted here; use POST`);
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
      const decision = clientLimiter(requests, perMs).check(req.ip ?? 'unknown', now);
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
      if (body.reason === 'too_large') fail(res, provider, 'BODY_TOO_LARGE', `the limit is ${config.server.bodyLimitBytes} bytes`);
      else if (body.reason === 'dropped') options.onRejectedEarly?.(provider, 'BODY_TOO_LARGE');
      return;
    }
    const webhook: WebhookRequest = {
      method: req.method,
      headers: flattenHeaders(req.headers),
      query: flattenQuery(req.query),
      rawBody: body.body,
      receivedAt: new Date(now),
    };
    const outcome = await ingest(
      { config, store: runtime.store, logger: runtime.logger, onStored: runtime.notifyWorker, ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}) },
      provider,
      webhook,
    );
    const reply = httpReply(outcome);
    res.status(reply.status).set(reply.headers).send(reply.body);
  };
}

function flattenHeaders(headers: Request['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function flattenQuery(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string') out[name] = value;
    else if (Array.isArray(value)) out[name] = value.map(String).join(',');
  }
  return out;
}
