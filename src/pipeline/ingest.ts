/**
 * One inbound webhook, start to commit: verify → parse → handshake → normalize → match → map →
 * store. Shared by the HTTP ingress and `hookgate test`, so a config test exercises exactly the
 * code a real request does. Knows no HTTP framework; httpReply() turns the outcome into a reply.
 */
import type { Logger } from 'pino';
import { errorJson, HookgateError } from '../errors.ts';
import { withoutSecretHeaders } from '../providers/redaction.ts';
import type { HandshakeReply, WebhookRequest } from '../providers/types.ts';
import type { ShapedInsertResult, ShapeOutcome } from '../store/groups-types.ts';
import { newId } from '../store/ids.ts';
import type { IgnoredReason, Store } from '../store/types.ts';
import { evaluateRoutes, type PlannedDelivery } from './evaluate.ts';
import { toNewDeliveries } from './new-deliveries.ts';
import { normalize } from './normalize.ts';
import { parseBody } from './parse-body.ts';
import { groupedCount, storedDeliveries, storeShape } from './shape.ts';
import type { CompiledConfig } from './types.ts';

export type { PlannedDelivery } from './evaluate.ts';

export interface IngestContext {
  readonly config: CompiledConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Called after deliveries were committed (wakes the delivery worker). */
  readonly onStored?: () => void;
  /** Called once per request with its outcome (metrics). */
  readonly onOutcome?: (outcome: IngestOutcome) => void;
}

interface EventOutcomeBase {
  readonly eventId: string;
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
}

export type IngestOutcome =
  | (EventOutcomeBase & {
      readonly kind: 'accepted';
      readonly deliveries: readonly PlannedDelivery[];
      readonly ignored: readonly IgnoredReason[];
      /** Per shaped route: joined a group, held back by a cooldown, or fired through it. */
      readonly shaped?: readonly ShapeOutcome[];
    })
  | (EventOutcomeBase & { readonly kind: 'ignored'; readonly ignored: readonly IgnoredReason[] })
  | (EventOutcomeBase & { readonly kind: 'duplicate' })
  | { readonly kind: 'handshake'; readonly provider: string; readonly reply: HandshakeReply }
  | { readonly kind: 'rejected'; readonly provider: string; readonly error: HookgateError };

export async function ingest(ctx: IngestContext, providerName: string, req: WebhookRequest): Promise<IngestOutcome> {
  const outcome = await ingestUnreported(ctx, providerName, req);
  ctx.onOutcome?.(outcome);
  return outcome;
}

async function ingestUnreported(ctx: IngestContext, providerName: string, req: WebhookRequest): Promise<IngestOutcome> {
  const { config, logger } = ctx;
  const provider = config.providers.get(providerName);
  if (!provider) return reject(ctx, providerName, new HookgateError('UNKNOWN_PROVIDER', `no provider named "${providerName}"`));

  try {
    await provider.verifier.verify(req);
  } catch (err) {
    if (err instanceof HookgateError) return reject(ctx, providerName, err);
    throw err;
  }

  let body: unknown;
  try {
    body = parseBody(req.rawBody, req.headers['content-type']);
  } catch (err) {
    if (err instanceof HookgateError) return reject(ctx, providerName, err);
    throw err;
  }

  // Credentials stop at verification: from here on (handshake, $headers, the stored event) the
  // request carries no Authorization, Cookie or signature header.
  const visible: WebhookRequest = { ...req, headers: withoutSecretHeaders(req.headers, provider.secretHeaders) };

  const reply = provider.verifier.handshake?.(visible, body);
  if (reply) {
    logger.info({ provider: providerName, status: reply.status }, 'handshake answered');
    return { kind: 'handshake', provider: providerName, reply };
  }

  let normalized: Awaited<ReturnType<typeof normalize>>;
  try {
    normalized = await normalize(provider, visible, body);
  } catch (err) {
    if (err instanceof HookgateError) return reject(ctx, providerName, err);
    throw err;
  }
  const { eventType, dedupKey } = normalized;
  const routes = config.routesByProvider.get(providerName) ?? [];
  const now = ctx.now?.() ?? Date.now();
  const evaluation = await evaluateRoutes(routes, config, {
    body,
    provider: providerName,
    eventType,
    dedupKey,
    req: visible,
  });

  const eventId = newId('evt');
  const status = evaluation.deliveries.length > 0 || evaluation.shapes.length > 0 ? 'accepted' : 'ignored';
  const deliveries = toNewDeliveries(evaluation.deliveries, now);

  const shape = storeShape(evaluation.shapes, deliveries);
  let inserted: ShapedInsertResult;
  try {
    const event = {
      id: eventId,
      provider: providerName,
      eventType,
      dedupKey,
      receivedAt: req.receivedAt.getTime(),
      configSha256: config.sha256,
      headers: visible.headers,
      rawBody: req.rawBody,
      status,
      // An ignored event keeps every route's reason ("why did my routine not fire?"). An accepted
      // one keeps the routes that listed its type but filtered it out; that every other route
      // does not list the type is not repeated on each accepted event (with 1,000 routes it
      // would be ~90 KB per event; the stored event type and config sha256 say it already).
      ignored: status === 'ignored' ? evaluation.ignored : evaluation.filteredOut,
    } as const;
    // A shaped event joins its groups (or passes its cooldowns) in the same transaction as its insert.
    inserted = shape.write
      ? await ctx.store.groups.insertShapedEvent(event, shape.plain, shape.write)
      : { ...(await ctx.store.insertEvent(event, shape.plain)), shaped: [] };
  } catch (err) {
    logger.error({ provider: providerName, err: (err as Error).message }, 'store unavailable');
    return reject(ctx, providerName, new HookgateError('STORE_UNAVAILABLE'));
  }

  const base = { eventId: inserted.eventId, provider: providerName, eventType, dedupKey };
  if (inserted.duplicate) {
    logger.info({ ...base, outcome: 'duplicate' }, 'event received');
    return { kind: 'duplicate', ...base };
  }
  if (status === 'ignored') {
    logger.info({ ...base, outcome: 'ignored', ignored: evaluation.ignored }, 'event received');
    return { kind: 'ignored', ...base, ignored: evaluation.ignored };
  }
  const stored = storedDeliveries(evaluation.deliveries, inserted.shaped);
  logger.info(
    {
      ...base,
      outcome: 'accepted',
      deliveries: stored.map((d) => ({
        id: d.deliveryId,
        route: d.route,
        target: d.target,
        ...(d.error ? { status: 'dead' } : {}),
      })),
      ...(inserted.shaped.length > 0 ? { shaped: inserted.shaped } : {}),
    },
    'event received',
  );
  // A route whose filter or map failed is a mistake in routes.yaml someone must fix: its own
  // line, at warn, naming the route (its delivery is stored dead with the same error).
  for (const d of stored) {
    if (d.error === null) continue;
    logger.warn(
      { ...base, route: d.route, target: d.target, deliveryId: d.deliveryId, error: d.error },
      'route failed: filter or map error',
    );
  }
  for (const d of stored) if (d.warning) logger.warn({ ...base, route: d.route, target: d.target, deliveryId: d.deliveryId }, d.warning);
  // A group that just became full is due now: the worker role's scheduler is woken too.
  if (stored.some((d) => d.error === null) || groupedCount(inserted.shaped) > 0) ctx.onStored?.();
  return { kind: 'accepted', ...base, deliveries: stored, ignored: evaluation.ignored, shaped: inserted.shaped };
}

function reject(ctx: IngestContext, provider: string, error: HookgateError): IngestOutcome {
  // A request that failed verification is counted and logged, never stored: it may be forged.
  const level = error.status >= 500 ? 'error' : 'warn';
  ctx.logger[level]({ provider, status: error.status, code: error.code, reason: error.message }, 'request rejected');
  return { kind: 'rejected', provider, error };
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' } as const;

/** The answer for each outcome: 202 accepted, 200 ignored or duplicate, the handshake reply, or the error. */
export function httpReply(outcome: IngestOutcome): HttpReply {
  switch (outcome.kind) {
    case 'accepted':
      return {
        status: 202,
        headers: JSON_TYPE,
        body: JSON.stringify({
          status: 'accepted',
          id: outcome.dedupKey,
          deliveries: outcome.deliveries.length,
          ...(groupedCount(outcome.shaped ?? []) > 0 ? { grouped: groupedCount(outcome.shaped ?? []) } : {}),
        }),
      };
    case 'ignored':
      return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ status: 'ignored', id: outcome.dedupKey }) };
    case 'duplicate':
      return { status: 200, headers: JSON_TYPE, body: JSON.stringify({ status: 'duplicate', id: outcome.dedupKey }) };
    case 'handshake':
      return {
        status: outcome.reply.status,
        headers: { 'content-type': `${outcome.reply.contentType}; charset=utf-8` },
        body: outcome.reply.body,
      };
    case 'rejected':
      return { status: outcome.error.status, headers: JSON_TYPE, body: errorJson(outcome.error) };
  }
}
