/**
 * Routes indexed by event type. Which of a provider's routes list an event type depends on the
 * type alone, so it is worked out once per distinct type (with eventMatches, the one definition of
 * segment-prefix and `*` matching) and kept: a request then costs one map lookup instead of a
 * pattern match per route, and the "not in events" reasons are shared, frozen objects instead of
 * one new object per route per request.
 *
 * The index hangs off the compiled routes array (a WeakMap), so it lives and dies with the config
 * that compiled it; compileConfig builds it up front. Event types are remembered up to a bound, so
 * a provider inventing a new type per request cannot grow it without limit.
 */
import type { IgnoredReason } from '../store/types.ts';
import { eventMatches } from './match-event.ts';
import type { CompiledRoute } from './types.ts';

export interface RouteSelection {
  /** Routes whose `events` match the type, in declaration order. */
  readonly matching: readonly CompiledRoute[];
  /** Declaration position of each matching route (to merge reasons back in order). */
  readonly positions: readonly number[];
  /** One reason per route that does not list the type, in declaration order. */
  readonly notListed: readonly IgnoredReason[];
  /** Declaration position of each of those. */
  readonly notListedPositions: readonly number[];
}

/** Distinct event types remembered per provider before the memo starts over. */
export const MAX_EVENT_TYPES = 1_000;

class RouteIndex {
  readonly #routes: readonly CompiledRoute[];
  readonly #byType = new Map<string, RouteSelection>();

  constructor(routes: readonly CompiledRoute[]) {
    this.#routes = routes;
  }

  select(eventType: string): RouteSelection {
    let selection = this.#byType.get(eventType);
    if (selection === undefined) {
      selection = selectFor(this.#routes, eventType);
      if (this.#byType.size >= MAX_EVENT_TYPES) this.#byType.clear();
      this.#byType.set(eventType, selection);
    }
    return selection;
  }
}

function selectFor(routes: readonly CompiledRoute[], eventType: string): RouteSelection {
  const matching: CompiledRoute[] = [];
  const positions: number[] = [];
  const notListed: IgnoredReason[] = [];
  const notListedPositions: number[] = [];
  const reason = `event type "${eventType}" is not in events`;
  routes.forEach(function sort(route, position) {
    if (eventMatches(route.events, eventType)) {
      matching.push(route);
      positions.push(position);
    } else {
      notListed.push(Object.freeze({ route: route.name, reason }));
      notListedPositions.push(position);
    }
  });
  return Object.freeze({
    matching: Object.freeze(matching),
    positions: Object.freeze(positions),
    notListed: Object.freeze(notListed),
    notListedPositions: Object.freeze(notListedPositions),
  });
}

const indexes = new WeakMap<readonly CompiledRoute[], RouteIndex>();

/** The index of one provider's compiled routes (built on first use if compile did not). */
export function routeIndexFor(routes: readonly CompiledRoute[]): { select(eventType: string): RouteSelection } {
  let index = indexes.get(routes);
  if (!index) {
    index = new RouteIndex(routes);
    indexes.set(routes, index);
  }
  return index;
}

export function selectRoutes(routes: readonly CompiledRoute[], eventType: string): RouteSelection {
  return routeIndexFor(routes).select(eventType);
}
