/**
 * One recorded event through one config, as ingest would route it had it arrived under that
 * config: the provider's event type (its `event` expression applies), match, filter and map,
 * with the original `$receivedAt`. No signature check (it was checked on arrival), nothing sent,
 * nothing stored.
 */
import { HookgateError } from '../errors.ts';
import { evaluateRoutes } from '../pipeline/evaluate.ts';
import { normalize } from '../pipeline/normalize.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { WebhookRequest } from '../providers/types.ts';
import type { PlanEvent } from './event-file.ts';

/** What one route does with the event. */
export type RouteResult =
  | { readonly kind: 'fired'; readonly mapped: unknown; readonly targets: readonly string[] }
  | { readonly kind: 'error'; readonly error: string; readonly targets: readonly string[] };

export interface Replayed {
  /** The routes that took the event. */
  readonly routes: ReadonlyMap<string, RouteResult>;
  /** Why each other route of the event's provider did not take it. */
  readonly reasons: ReadonlyMap<string, string>;
  /** Why the config would refuse the event outright (unknown provider, no event type); null when it routes it. */
  readonly refused: string | null;
  /** The event type under this config. */
  readonly eventType: string;
}

function refusal(reason: string, eventType: string): Replayed {
  return { routes: new Map(), reasons: new Map(), refused: reason, eventType };
}

/**
 * `body` is the event's parsed body (parsed once by the caller: it does not depend on the config).
 * The dedup key stays the recorded one unless the config's provider computes its own with `id`:
 * defaults such as a hash of the raw body were taken on the exact bytes when the event arrived.
 */
export async function replayEvent(config: CompiledConfig, event: PlanEvent, body: unknown): Promise<Replayed> {
  const provider = config.providers.get(event.provider);
  if (!provider) return refusal(`no provider named "${event.provider}"`, event.eventType);
  const req: WebhookRequest = {
    method: 'POST',
    headers: event.headers,
    // The query string is not recorded.
    query: {},
    rawBody: event.rawBody,
    receivedAt: new Date(event.receivedAt),
  };
  let eventType: string;
  let dedupKey = event.dedupKey;
  try {
    const normalized = await normalize(provider, req, body);
    eventType = normalized.eventType;
    if (provider.idExpr) dedupKey = normalized.dedupKey;
  } catch (error) {
    if (error instanceof HookgateError) return refusal(`refused on arrival: ${error.message}`, event.eventType);
    throw error;
  }
  const evaluation = await evaluateRoutes(config.routesByProvider.get(event.provider) ?? [], config, {
    body,
    provider: event.provider,
    eventType,
    dedupKey,
    req,
  });
  const routes = new Map<string, RouteResult>();
  for (const d of evaluation.deliveries) {
    const seen = routes.get(d.route);
    if (seen) {
      routes.set(d.route, { ...seen, targets: [...seen.targets, d.target] });
      continue;
    }
    routes.set(
      d.route,
      d.error === null ? { kind: 'fired', mapped: d.mapped, targets: [d.target] } : { kind: 'error', error: d.error, targets: [d.target] },
    );
  }
  const reasons = new Map<string, string>();
  for (const r of evaluation.ignored) reasons.set(r.route, r.reason);
  return { routes, reasons, refused: null, eventType };
}
