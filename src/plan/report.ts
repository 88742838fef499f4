/** What a plan reports: the shape `--format json` prints (and the text and markdown formats read). */
import type { BudgetUse } from './budget-sim.ts';
import type { Change } from './diff.ts';

export const CHANGE_KINDS = ['newly-firing', 'stop-firing', 'mapped-differently', 'map-error'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface EventRef {
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
  readonly receivedAt: string;
}

export interface Example {
  readonly kind: ChangeKind;
  readonly event: EventRef;
  /** The mapped value under the base config, when the route fired there. */
  readonly before?: unknown;
  /** The mapped value under the head config, when the route fires there. */
  readonly after?: unknown;
  /** mapped-differently: where the two values differ. */
  readonly diff?: readonly Change[];
  readonly diffTruncated?: boolean;
  /** map-error: the filter or map error under the head config. */
  readonly error?: string;
  /** stop-firing: why the head config does not take it; newly-firing: why the base did not. */
  readonly reason?: string;
}

/** One route's fire shaping over the events: groups fired or held back by a cooldown, events grouped or held back. */
export interface ShapingUse {
  readonly groupsFired: number;
  readonly groupsCooledDown: number;
  readonly eventsGrouped: number;
  readonly eventsCooledDown: number;
}

export interface RoutePlan {
  readonly route: string;
  readonly newlyFiring: number;
  readonly stopFiring: number;
  readonly mappedDifferently: number;
  readonly mapErrors: number;
  readonly examples: readonly Example[];
  readonly provider: string;
  /** Whether the route exists in each config. */
  readonly inBase: boolean;
  readonly inHead: boolean;
  /** Targets in each config; null where the route does not exist. */
  readonly targets: { readonly before: readonly string[] | null; readonly after: readonly string[] | null };
  /** Events the route fires for (map errors not counted). */
  readonly fires: { readonly before: number; readonly after: number };
  readonly firesPerDay: { readonly before: number; readonly after: number };
  /** Every changed event, by kind. */
  readonly changed: Readonly<Record<ChangeKind, readonly EventRef[]>>;
  /** Groups and cooldowns under each config; null when neither config groups or cools down the route. */
  readonly shaping: { readonly before: ShapingUse; readonly after: ShapingUse } | null;
}

export interface BudgetRuleView {
  readonly limit: number;
  readonly per: string;
  readonly over: 'hold' | 'drop';
  readonly targets: readonly string[];
}

/** A budget's use under each config (null where the config has no such budget). */
export interface BudgetPlan {
  readonly budget: string;
  readonly rule: { readonly before: BudgetRuleView | null; readonly after: BudgetRuleView | null };
  readonly before: BudgetUse | null;
  readonly after: BudgetUse | null;
}

export interface PlanReport {
  /** Every event of the window, ignored ones included. */
  readonly events: number;
  readonly routes: readonly RoutePlan[];
  readonly base: string;
  readonly head: string;
  /** The span the events cover (first to last arrival) and its length in days (at least 1). */
  readonly window: { readonly from: string | null; readonly until: string | null; readonly days: number };
  /** Events a config would refuse outright (unknown provider, missing event type header). */
  readonly refused: { readonly base: number; readonly head: number };
  /** Events whose body does not parse (they reach no route under either config). */
  readonly unparseable: number;
  /** Every budget of either config, head order first. */
  readonly budgets: readonly BudgetPlan[];
}

/** The kinds of change the plan found anywhere, for --fail-on. */
export function kindsFound(report: PlanReport): Set<ChangeKind> {
  const found = new Set<ChangeKind>();
  for (const r of report.routes) {
    if (r.newlyFiring > 0) found.add('newly-firing');
    if (r.stopFiring > 0) found.add('stop-firing');
    if (r.mappedDifferently > 0) found.add('mapped-differently');
    if (r.mapErrors > 0) found.add('map-error');
  }
  return found;
}

export function routeChanged(route: RoutePlan): boolean {
  return route.newlyFiring + route.stopFiring + route.mappedDifferently + route.mapErrors > 0;
}
