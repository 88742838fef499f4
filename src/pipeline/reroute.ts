/**
 * Route a stored event again through the current config, as if it had just arrived but without
 * a second signature check (it was verified when it was received): for an event every route
 * ignored before a fix to routes.yaml, or one that should now reach a route added since. Only
 * the (route, target) pairs the event does not have yet get a delivery, so a reroute never sends
 * what was already sent, and a routine it already fired is not fired again.
 */
import type { Logger } from 'pino';
import { HookgateError, wireCode } from '../errors.ts';
import type { ShapeOutcome } from '../store/groups-types.ts';
import type { EventFilter, IgnoredReason, Store, StoredEvent } from '../store/types.ts';
import { evaluateRoutes, type PlannedDelivery } from './evaluate.ts';
import { toNewDeliveries } from './new-deliveries.ts';
import { parseBody } from './parse-body.ts';
import { groupedCount, storeShape } from './shape.ts';
import type { CompiledConfig } from './types.ts';

export interface RerouteContext {
  readonly config: CompiledConfig;
  readonly store: Store;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Called when pending deliveries were added (wakes the delivery worker). */
  readonly onStored?: () => void;
}

interface RerouteBase {
  readonly eventId: string;
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
}

export type RerouteOutcome =
  | (RerouteBase & {
      readonly kind: 'accepted';
      readonly added: readonly PlannedDelivery[];
      readonly ignored: readonly IgnoredReason[];
      /** Grouped and cooled-down routes: joined a group, held back by a cooldown, or fired through it. */
      readonly shaped?: readonly ShapeOutcome[];
    })
  | (RerouteBase & { readonly kind: 'ignored'; readonly ignored: readonly IgnoredReason[] })
  | { readonly kind: 'not_found'; readonly eventId: string }
  | { readonly kind: 'unroutable'; readonly eventId: string; readonly error: HookgateError };

export async function rerouteStoredEvent(ctx: RerouteContext, event: StoredEvent): Promise<RerouteOutcome> {
  const { config, store, logger } = ctx;
  const base: RerouteBase = { eventId: event.id, provider: event.provider, eventType: event.eventType, dedupKey: event.dedupKey };
  if (!config.providers.has(event.provider)) {
    return { kind: 'unroutable', eventId: event.id, error: new HookgateError('UNKNOWN_PROVIDER', `no provider named "${event.provider}"`) };
  }
  let body: unknown;
  try {
    body = parseBody(event.rawBody, event.headers['content-type']);
  } catch (err) {
    if (err instanceof HookgateError) return { kind: 'unroutable', eventId: event.id, error: err };
    throw err;
  }
  const routes = config.routesByProvider.get(event.provider) ?? [];
  const evaluation = await evaluateRoutes(routes, config, {
    body,
    provider: event.provider,
    eventType: event.eventType,
    dedupKey: event.dedupKey,
    // The query string is not stored; the stored headers hold no credentials.
    req: { method: 'POST', headers: event.headers, query: {}, rawBody: event.rawBody, receivedAt: new Date(event.receivedAt) },
  });
  const now = ctx.now?.() ?? Date.now();
  const planned = toNewDeliveries(evaluation.deliveries, now);
  // Grouped routes join a group, and cooled-down routes pass their gate, as if the event arrived now.
  const shape = storeShape(evaluation.shapes, planned);
  const matched = planned.length > 0 || evaluation.shapes.length > 0;
  const result = await store.rerouteEvent(
    event.id,
    { configSha256: config.sha256, ignored: matched ? evaluation.filteredOut : evaluation.ignored, now },
    shape.plain,
  );
  if (result === null) return { kind: 'not_found', eventId: event.id };
  const shaped = shape.write ? ((await store.groups.shapeStoredEvent(event.id, now, shape.write)) ?? []) : [];
  const gated = new Set(shaped.filter((o) => o.outcome === 'fired').map((o) => o.route));
  const added = evaluation.deliveries.filter((d) => result.added.includes(d.deliveryId) || gated.has(d.route));
  if (groupedCount(shaped) > 0) ctx.onStored?.();
  if (added.some((d) => d.error === null)) ctx.onStored?.();
  logger.info(
    {
      ...base,
      outcome: result.status,
      added: added.map((d) => ({ id: d.deliveryId, route: d.route, target: d.target })),
      ...(shaped.length > 0 ? { shaped } : {}),
    },
    'event rerouted',
  );
  if (result.status === 'accepted' || shaped.some((o) => o.outcome !== 'cooldown')) {
    return { kind: 'accepted', ...base, added, ignored: evaluation.ignored, shaped };
  }
  return { kind: 'ignored', ...base, ignored: evaluation.ignored };
}

function errorReply(error: HookgateError): { status: number; body: Record<string, unknown> } {
  return { status: error.status, body: { error: error.message, code: wireCode(error.code) } };
}

/** The answer of a reroute, shaped like the ingress answer for the same outcome. */
export function rerouteReply(outcome: RerouteOutcome): { status: number; body: Record<string, unknown> } {
  switch (outcome.kind) {
    case 'accepted':
      return {
        status: 202,
        body: {
          status: 'accepted',
          id: outcome.dedupKey,
          deliveries: outcome.added.length,
          ...(groupedCount(outcome.shaped ?? []) > 0 ? { grouped: groupedCount(outcome.shaped ?? []) } : {}),
        },
      };
    case 'ignored':
      return { status: 200, body: { status: 'ignored', id: outcome.dedupKey, ignored: outcome.ignored } };
    case 'not_found':
      return errorReply(new HookgateError('NOT_FOUND', `no event with id "${outcome.eventId}"`));
    case 'unroutable':
      return errorReply(new HookgateError('EVENT_UNROUTABLE', outcome.error.message));
  }
}

/** At most this many events per bulk reroute: a larger set is done in several calls (with `since`). */
export const BULK_REROUTE_CAP = 5_000;

export interface BulkRerouteResult {
  /** Events matching the filter (up to the cap). */
  readonly matched: readonly StoredEvent[];
  /** True when more events match than the cap allowed. */
  readonly truncated: boolean;
  /** Per event, when not a dry run. */
  readonly outcomes: readonly RerouteOutcome[];
}

/** Reroute every stored event the filter matches (oldest first), or only list them on a dry run. */
export async function rerouteMatching(ctx: RerouteContext, filter: EventFilter, dryRun: boolean): Promise<BulkRerouteResult> {
  const matched: StoredEvent[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = await ctx.store.listEvents({ ...filter, limit: 500, ...(cursor ? { cursor } : {}) });
    for (const event of page.items) {
      if (matched.length === BULK_REROUTE_CAP) {
        truncated = true;
        break;
      }
      matched.push(event);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && !truncated);
  // Oldest first, so deliveries are created (and sent) in arrival order.
  matched.reverse();
  if (dryRun) return { matched, truncated, outcomes: [] };
  const outcomes: RerouteOutcome[] = [];
  for (const event of matched) outcomes.push(await rerouteStoredEvent(ctx, event));
  return { matched, truncated, outcomes };
}
