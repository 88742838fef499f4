/**
 * Routes of one provider against one verified, normalized event: which match, and what each
 * sends. Pure apart from JSONata evaluation; no store, no network. A filter or map that throws
 * yields a delivery carrying the error (stored dead), and the other routes are unaffected.
 */
import { createHash } from 'node:crypto';
import type { Expression } from 'jsonata';
import { newId } from '../store/ids.ts';
import type { IgnoredReason } from '../store/types.ts';
import { targetKind } from '../targets/registry.ts';
import { routineText, truncationWarning } from '../targets/routine-text.ts';
import { type BindingInput, bindings } from './bindings.ts';
import { type RouteSelection, selectRoutes } from './route-index.ts';
import { evaluateKey, type ShapePlan } from './shape.ts';
import type { CompiledConfig, CompiledRoute, CompiledTarget } from './types.ts';

export interface PlannedDelivery {
  readonly deliveryId: string;
  readonly route: string;
  readonly target: string;
  readonly idempotencyKey: string;
  /** The route's mapped value, before a routine target wraps it as {"text": ...}. */
  readonly mapped: unknown;
  /** The exact bytes to send; null when the filter or map failed. */
  readonly payload: Buffer | null;
  readonly error: string | null;
  /** Set when the payload had to be changed to be sendable (a routine text cut to its limit). */
  readonly warning?: string;
}

export interface Evaluation {
  readonly deliveries: PlannedDelivery[];
  /** Every route that did not take the event, with why, in declaration order. May be shared between evaluations: never mutate it. */
  readonly ignored: readonly IgnoredReason[];
  /** The part of `ignored` from routes that list the event type but whose filter returned false. */
  readonly filteredOut: readonly IgnoredReason[];
  /** Matching routes with `group:` (they join a group, no delivery now) or `cooldown:` (their deliveries are gated). */
  readonly shapes: readonly ShapePlan[];
}

export interface EvaluateInput extends BindingInput {
  readonly body: unknown;
}

export async function evaluateRoutes(routes: readonly CompiledRoute[], config: CompiledConfig, input: EvaluateInput): Promise<Evaluation> {
  const deliveries: PlannedDelivery[] = [];
  if (routes.length === 0) {
    return {
      deliveries,
      ignored: [{ route: '*', reason: `no route is declared for provider ${input.provider}` }],
      filteredOut: [],
      shapes: [],
    };
  }
  // Only the routes that list this event type are looked at; the others' reasons come ready-made.
  const selection = selectRoutes(routes, input.eventType);
  const filteredOut: number[] = [];
  const shapes: ShapePlan[] = [];
  const shared = selection.matching.length > 0 ? bindings(input) : null;
  for (let i = 0; i < selection.matching.length; i++) {
    const route = selection.matching[i]!;
    const vars = { ...shared, route: route.name };
    let mapped: unknown;
    let error: string | null = null;
    let stage = 'filter';
    try {
      if (route.filter && !jsonataTruthy(await route.filter.evaluate(input.body, vars))) {
        filteredOut.push(i);
        continue;
      }
      if (route.group) {
        // A grouped route maps once, when its group fires (group-scheduler.ts), not per event.
        stage = 'group.by';
        shapes.push({ kind: 'join', route, key: await evaluateKey(route.group.by, input.body, vars) });
        continue;
      }
      stage = 'map';
      mapped = route.map ? await evaluateMap(route.map, input.body, vars) : input.body;
      if (route.cooldown) {
        stage = 'cooldown.by';
        shapes.push({ kind: 'gate', route, key: await evaluateKey(route.cooldown.by, input.body, vars) });
      }
    } catch (err) {
      error = `${stage} failed: ${jsonataMessage(err)}`;
    }
    for (const targetName of route.targets) {
      const target = config.targets.get(targetName)!;
      const encoded = error === null ? encodeChecked(target, mapped) : null;
      deliveries.push({
        deliveryId: newId('dlv'),
        route: route.name,
        target: targetName,
        idempotencyKey: idempotencyKey(input.provider, input.dedupKey, route.name, targetName),
        mapped: error === null ? mapped : null,
        payload: encoded?.payload ?? null,
        error,
        ...(encoded?.warning ? { warning: encoded.warning } : {}),
      });
    }
  }
  if (filteredOut.length === 0) return { deliveries, ignored: selection.notListed, filteredOut: [], shapes };
  return {
    deliveries,
    shapes,
    ignored: withFilteredOut(selection, filteredOut),
    filteredOut: filteredOut.map((i) => ({ route: selection.matching[i]!.name, reason: FILTERED_OUT })),
  };
}

const FILTERED_OUT = 'filter returned false';

/** The not-listed reasons with "filter returned false" for the given matching routes, in declaration order. */
function withFilteredOut(selection: RouteSelection, filteredOut: readonly number[]): IgnoredReason[] {
  const ignored: IgnoredReason[] = [];
  let next = 0;
  for (const i of filteredOut) {
    const position = selection.positions[i]!;
    while (next < selection.notListed.length && selection.notListedPositions[next]! < position) ignored.push(selection.notListed[next++]!);
    ignored.push({ route: selection.matching[i]!.name, reason: FILTERED_OUT });
  }
  while (next < selection.notListed.length) ignored.push(selection.notListed[next++]!);
  return ignored;
}

async function evaluateMap(map: Expression, body: unknown, vars: Record<string, unknown>): Promise<unknown> {
  const value: unknown = await map.evaluate(body, vars);
  if (value === undefined) throw new Error('map produced no value (an expression path matched nothing)');
  return value;
}

/** The request body the target's kind makes of the mapped value (a routine wraps it as {"text": ...}, cut to its limit). */
export function encodePayload(target: CompiledTarget, mapped: unknown): Buffer {
  return encodeChecked(target, mapped).payload;
}

/** encodePayload, and a warning when a routine's text had to be cut to the trigger's limit (routine-text.ts). */
export function encodeChecked(target: CompiledTarget, mapped: unknown): { payload: Buffer; warning: string | null } {
  if (target.kind !== 'routine') return { payload: targetKind(target.kind).encodeBody(mapped), warning: null };
  const { text, truncatedFrom } = routineText(mapped);
  // The text fits now: the routine kind wraps it as is.
  return { payload: targetKind(target.kind).encodeBody(text), warning: truncatedFrom === null ? null : truncationWarning(truncatedFrom) };
}

/** Stable per event × route × target, so every retry and replay sends the same key. */
export function idempotencyKey(provider: string, dedupKey: string, route: string, target: string): string {
  const digest = createHash('sha256').update(`${provider}\0${dedupKey}\0${route}\0${target}`).digest('base64url');
  return `hg_${digest.slice(0, 32)}`;
}

/** JSONata's $boolean casting rules, so a filter behaves as it would in JSONata itself. */
export function jsonataTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'function') return false;
  if (Array.isArray(value)) return value.some(jsonataTruthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}

function jsonataMessage(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: unknown; code?: unknown; position?: unknown };
    const code = typeof e.code === 'string' ? `${e.code} ` : '';
    const at = typeof e.position === 'number' ? ` (at character ${e.position})` : '';
    return `${code}${String(e.message ?? err)}${at}`;
  }
  return String(err);
}
