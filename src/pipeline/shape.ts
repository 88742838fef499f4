/**
 * Fire shaping at ingest: which matched routes join a group instead of firing (`group:`), and
 * which fire only when their key is not cooling down (`cooldown:`). evaluate.ts asks planShape for
 * each matching route; ingest.ts turns the plans into the store's ShapeWrite, and the store's
 * answer back into the deliveries that were really created.
 */
import type { Expression } from 'jsonata';
import type { ShapeOutcome, ShapeWrite } from '../store/groups-types.ts';
import type { NewDelivery } from '../store/types.ts';
import type { CompiledRoute } from './types.ts';

export type ShapePlan =
  | { readonly kind: 'join'; readonly route: CompiledRoute; readonly key: string }
  | { readonly kind: 'gate'; readonly route: CompiledRoute; readonly key: string };

/**
 * A group or cooldown key as text: strings as they are, numbers and booleans printed, anything
 * else as JSON. A key expression that finds nothing gives the empty key (those events share one
 * group), as does a route without `by`.
 */
export function shapeKey(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export async function evaluateKey(expression: Expression | null, body: unknown, vars: Record<string, unknown>): Promise<string> {
  if (expression === null) return '';
  return shapeKey(await expression.evaluate(body, vars));
}

export interface StoreShape {
  /** Deliveries stored unconditionally with the event. */
  readonly plain: NewDelivery[];
  /** Null when no route of the event is shaped (the plain insertEvent path). */
  readonly write: ShapeWrite | null;
}

export function storeShape(plans: readonly ShapePlan[], deliveries: readonly NewDelivery[]): StoreShape {
  if (plans.length === 0) return { plain: [...deliveries], write: null };
  const gated = new Set<string>();
  const joins: ShapeWrite['joins'][number][] = [];
  const gates: ShapeWrite['gates'][number][] = [];
  for (const plan of plans) {
    const route = plan.route;
    if (plan.kind === 'join' && route.group) {
      joins.push({
        route: route.name,
        key: plan.key,
        waitMs: route.group.waitMs,
        maxWaitMs: route.group.maxWaitMs,
        max: route.group.max,
        cooldownMs: route.cooldown?.forMs ?? null,
      });
    } else if (plan.kind === 'gate' && route.cooldown) {
      gated.add(route.name);
      gates.push({
        route: route.name,
        key: plan.key,
        forMs: route.cooldown.forMs,
        deliveries: deliveries.filter((d) => d.route === route.name),
      });
    }
  }
  return { plain: deliveries.filter((d) => !gated.has(d.route)), write: { joins, gates } };
}

/** The planned deliveries that were stored: a route held back by its cooldown created none. */
export function storedDeliveries<D extends { readonly route: string }>(planned: readonly D[], shaped: readonly ShapeOutcome[]): D[] {
  const cooling = new Set(shaped.filter((s) => s.outcome === 'cooldown').map((s) => s.route));
  return cooling.size === 0 ? [...planned] : planned.filter((d) => !cooling.has(d.route));
}

export function groupedCount(shaped: readonly ShapeOutcome[]): number {
  let n = 0;
  for (const s of shaped) if (s.outcome === 'grouped') n++;
  return n;
}
