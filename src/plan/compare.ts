/**
 * The plan itself: every recorded event through the base and the head config, and per route
 * (every route of either config) the events that would newly fire, stop firing, be mapped
 * differently or newly fail their filter or map, with a few examples and fires per day before
 * and after. Pure apart from JSONata: no store, no network.
 */
import { HookgateError } from '../errors.ts';
import { parseBody } from '../pipeline/parse-body.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { formatDuration } from '../util/units.ts';
import { type BudgetUse, simulateBudget } from './budget-sim.ts';
import { ConfigRun, type EventOutcome } from './config-run.ts';
import { sameValue, structuralDiff } from './diff.ts';
import type { PlanEvent } from './event-file.ts';
import type { RouteResult } from './replay.ts';
import type { BudgetPlan, BudgetRuleView, ChangeKind, EventRef, Example, PlanReport, RoutePlan } from './report.ts';

/** How many examples of each kind a route keeps. */
export const EXAMPLES_PER_KIND = 2;

export interface PlanInput {
  readonly base: { readonly label: string; readonly config: CompiledConfig };
  readonly head: { readonly label: string; readonly config: CompiledConfig };
  /** Oldest first (the store and folder sources give them so). */
  readonly events: Iterable<PlanEvent> | AsyncIterable<PlanEvent>;
}

const DAY_MS = 86_400_000;

class RouteTally {
  readonly examples: Example[] = [];
  readonly changed: Record<ChangeKind, EventRef[]> = {
    'newly-firing': [],
    'stop-firing': [],
    'mapped-differently': [],
    'map-error': [],
  };
  constructor(
    readonly route: string,
    readonly provider: string,
  ) {}

  record(example: Example): void {
    this.changed[example.kind].push(example.event);
    if (this.examples.filter((e) => e.kind === example.kind).length < EXAMPLES_PER_KIND) this.examples.push(example);
  }
}

function eventRef(event: PlanEvent): EventRef {
  return {
    provider: event.provider,
    eventType: event.eventType,
    dedupKey: event.dedupKey,
    receivedAt: new Date(event.receivedAt).toISOString(),
  };
}

function whyNot(replayed: EventOutcome, route: string, exists: boolean, side: 'base' | 'head'): string {
  if (!exists) return side === 'base' ? 'a new route' : 'the route is removed';
  if (replayed.refused !== null) return replayed.refused;
  return replayed.reasons.get(route) ?? replayed.reasons.get('*') ?? 'not matched';
}

/** The routes of both configs, head order first, then the routes only the base has. */
function routeNames(base: CompiledConfig, head: CompiledConfig): Map<string, string> {
  const names = new Map<string, string>();
  for (const r of head.routes) names.set(r.name, r.provider);
  for (const r of base.routes) if (!names.has(r.name)) names.set(r.name, r.provider);
  return names;
}

function compareRoute(tally: RouteTally, ref: EventRef, before: EventOutcome, after: EventOutcome, inBase: boolean, inHead: boolean): void {
  const a: RouteResult | undefined = before.routes.get(tally.route);
  const b: RouteResult | undefined = after.routes.get(tally.route);
  if (b?.kind === 'error') {
    if (a?.kind === 'error') return;
    tally.record({ kind: 'map-error', event: ref, error: b.error, ...(a?.kind === 'fired' ? { before: a.mapped } : {}) });
    return;
  }
  if (b?.kind === 'fired' && a?.kind !== 'fired') {
    const reason = a?.kind === 'error' ? a.error : whyNot(before, tally.route, inBase, 'base');
    tally.record({ kind: 'newly-firing', event: ref, after: b.mapped, reason });
    return;
  }
  if (a?.kind === 'fired' && b === undefined) {
    tally.record({ kind: 'stop-firing', event: ref, before: a.mapped, reason: whyNot(after, tally.route, inHead, 'head') });
    return;
  }
  if (a?.kind === 'fired' && b?.kind === 'fired' && !sameValue(a.mapped, b.mapped)) {
    const { changes, truncated } = structuralDiff(a.mapped, b.mapped);
    tally.record({
      kind: 'mapped-differently',
      event: ref,
      before: a.mapped,
      after: b.mapped,
      diff: changes,
      ...(truncated ? { diffTruncated: true } : {}),
    });
  }
}

function parsedBody(event: PlanEvent): { ok: true; body: unknown } | { ok: false } {
  try {
    return { ok: true, body: parseBody(event.rawBody, event.headers['content-type']) };
  } catch (error) {
    if (error instanceof HookgateError) return { ok: false };
    throw error;
  }
}

const perDay = (fires: number, days: number): number => Math.round((fires / days) * 10) / 10;

function budgetPlans(baseRun: ConfigRun, headRun: ConfigRun): BudgetPlan[] {
  const names = [...(headRun.config.budgets?.keys() ?? []), ...(baseRun.config.budgets?.keys() ?? [])];
  return [...new Set(names)].map(function budgetPlan(name): BudgetPlan {
    const side = (run: ConfigRun): { rule: BudgetRuleView | null; use: BudgetUse | null } => {
      const budget = run.config.budgets?.get(name);
      if (!budget) return { rule: null, use: null };
      return {
        rule: { limit: budget.limit, per: formatDuration(budget.perMs), over: budget.over, targets: budget.targets },
        use: simulateBudget(budget, run.requestTimes(budget.targets)),
      };
    };
    const before = side(baseRun);
    const after = side(headRun);
    return { budget: name, rule: { before: before.rule, after: after.rule }, before: before.use, after: after.use };
  });
}

export async function buildPlan(input: PlanInput): Promise<PlanReport> {
  const base = input.base.config;
  const head = input.head.config;
  const names = routeNames(base, head);
  const baseRoutes = new Map(base.routes.map((r) => [r.name, r]));
  const headRoutes = new Map(head.routes.map((r) => [r.name, r]));
  const tallies = [...names].map(([route, provider]) => new RouteTally(route, provider));
  const tallyByName = new Map(tallies.map((t) => [t.route, t]));
  const byProvider = new Map<string, RouteTally[]>();
  for (const tally of tallies) byProvider.set(tally.provider, [...(byProvider.get(tally.provider) ?? []), tally]);

  const baseRun = new ConfigRun(base);
  const headRun = new ConfigRun(head);
  /** Events whose outcome under either config still waits for a group to fire, in arrival order. */
  const waiting: Array<{ readonly ref: EventRef; readonly provider: string; readonly before: EventOutcome; readonly after: EventOutcome }> =
    [];
  const settle = (all: boolean): void => {
    while (waiting.length > 0 && (all || (waiting[0]!.before.pending === 0 && waiting[0]!.after.pending === 0))) {
      const { ref, provider, before, after } = waiting.shift()!;
      // A route only sees its own provider's events; a route whose provider changed shows up through its results.
      const candidates = new Set<RouteTally>(byProvider.get(provider) ?? []);
      for (const name of [...before.routes.keys(), ...after.routes.keys()]) {
        const tally = tallyByName.get(name);
        if (tally) candidates.add(tally);
      }
      for (const tally of candidates) compareRoute(tally, ref, before, after, baseRoutes.has(tally.route), headRoutes.has(tally.route));
    }
  };

  let count = 0;
  let first: number | undefined;
  let last: number | undefined;
  let unparseable = 0;
  const refused = { base: 0, head: 0 };
  for await (const event of input.events) {
    count++;
    first = Math.min(first ?? event.receivedAt, event.receivedAt);
    last = Math.max(last ?? event.receivedAt, event.receivedAt);
    const parsed = parsedBody(event);
    if (!parsed.ok) {
      unparseable++;
      continue;
    }
    const before = await baseRun.push(event, parsed.body);
    const after = await headRun.push(event, parsed.body);
    if (before.refused !== null) refused.base++;
    if (after.refused !== null) refused.head++;
    waiting.push({ ref: eventRef(event), provider: event.provider, before, after });
    settle(false);
  }
  await baseRun.finish();
  await headRun.finish();
  settle(true);

  const days = first === undefined || last === undefined ? 1 : Math.max(1, (last - first) / DAY_MS);
  const routes = tallies.map(function routePlan(t): RoutePlan {
    return {
      route: t.route,
      newlyFiring: t.changed['newly-firing'].length,
      stopFiring: t.changed['stop-firing'].length,
      mappedDifferently: t.changed['mapped-differently'].length,
      mapErrors: t.changed['map-error'].length,
      examples: t.examples,
      provider: t.provider,
      inBase: baseRoutes.has(t.route),
      inHead: headRoutes.has(t.route),
      targets: { before: baseRoutes.get(t.route)?.targets ?? null, after: headRoutes.get(t.route)?.targets ?? null },
      fires: { before: baseRun.fires(t.route), after: headRun.fires(t.route) },
      firesPerDay: { before: perDay(baseRun.fires(t.route), days), after: perDay(headRun.fires(t.route), days) },
      changed: t.changed,
      shaping:
        baseRun.shapes(t.route) || headRun.shapes(t.route)
          ? { before: baseRun.shapingUse(t.route), after: headRun.shapingUse(t.route) }
          : null,
    };
  });
  return {
    events: count,
    routes,
    base: input.base.label,
    head: input.head.label,
    window: {
      from: first === undefined ? null : new Date(first).toISOString(),
      until: last === undefined ? null : new Date(last).toISOString(),
      days: Math.round(days * 100) / 100,
    },
    refused,
    unparseable,
    budgets: budgetPlans(baseRun, headRun),
  };
}
