/** A plan for the terminal: one block per route that changes, one line per route that does not. */

import { formatDuration } from '../util/units.ts';
import type { BudgetUse } from './budget-sim.ts';
import type { Change } from './diff.ts';
import { printable, printableLine } from './printable.ts';
import {
  type BudgetPlan,
  type ChangeKind,
  type EventRef,
  type Example,
  type PlanReport,
  type RoutePlan,
  routeChanged,
  type ShapingUse,
} from './report.ts';

/** Changed events listed per kind before "and N more" (the JSON lists every one). */
export const LISTED_PER_KIND = 10;

export const KIND_TITLES: Readonly<Record<ChangeKind, string>> = {
  'newly-firing': 'newly firing',
  'stop-firing': 'stop firing',
  'mapped-differently': 'mapped differently',
  'map-error': 'map errors',
};

const KIND_MARKS: Readonly<Record<ChangeKind, string>> = {
  'newly-firing': '+',
  'stop-firing': '-',
  'mapped-differently': '~',
  'map-error': '!',
};

export const KIND_FIELDS: Readonly<
  Record<ChangeKind, keyof Pick<RoutePlan, 'newlyFiring' | 'stopFiring' | 'mappedDifferently' | 'mapErrors'>>
> = {
  'newly-firing': 'newlyFiring',
  'stop-firing': 'stopFiring',
  'mapped-differently': 'mappedDifferently',
  'map-error': 'mapErrors',
};

/** Sections in order of how much they hurt: silence first. */
export const KIND_ORDER: readonly ChangeKind[] = ['stop-firing', 'map-error', 'mapped-differently', 'newly-firing'];

export function windowText(report: PlanReport): string {
  const w = report.window;
  if (w.from === null) return '';
  return ` received ${w.from} to ${w.until} (${w.days === 1 ? '1 day' : `${w.days} days`})`;
}

/** A value on one line, cut to `max` characters. */
export function shortValue(value: unknown, max = 120): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function changeLine(change: Change): string {
  if (change.kind === 'added') return `${change.path}: added ${shortValue(change.after)}`;
  if (change.kind === 'removed') return `${change.path}: removed (was ${shortValue(change.before)})`;
  return `${change.path}: ${shortValue(change.before)} → ${shortValue(change.after)}`;
}

/** The detail lines of one example, without the event line. */
export function exampleDetail(example: Example): string[] {
  switch (example.kind) {
    case 'stop-firing':
      return [`why: ${example.reason ?? 'not matched'}`, `was sending: ${shortValue(example.before)}`];
    case 'newly-firing':
      return [`before: ${example.reason ?? 'not matched'}`, `would send: ${shortValue(example.after)}`];
    case 'map-error':
      return [`error: ${example.error ?? ''}`, ...(example.before !== undefined ? [`was sending: ${shortValue(example.before)}`] : [])];
    case 'mapped-differently':
      return [...(example.diff ?? []).map(changeLine), ...(example.diffTruncated ? ['… more differences'] : [])];
  }
}

export function eventLine(event: EventRef): string {
  return `${event.provider} ${printableLine(event.dedupKey)}  ${printableLine(event.eventType)}  ${event.receivedAt}`;
}

export function firesPerDay(route: RoutePlan): string {
  return `${beforeAfter(String(route.firesPerDay.before), String(route.firesPerDay.after))} fires/day`;
}

function routeHeading(route: RoutePlan): string {
  const targets = route.targets.after ?? route.targets.before ?? [];
  const status = !route.inBase ? ' (new route)' : !route.inHead ? ' (removed)' : '';
  return `${route.route}${status}  ${route.provider} → ${targets.join(', ')}  ${firesPerDay(route)}`;
}

/** One config's grouping and cooldown of a route, in words. */
export function shapingText(use: ShapingUse): string {
  const parts: string[] = [];
  if (use.eventsGrouped > 0 || use.groupsFired > 0)
    parts.push(`${plural(use.eventsGrouped, 'event')} grouped, ${plural(use.groupsFired, 'group')} fired`);
  if (use.groupsCooledDown > 0) parts.push(`${plural(use.groupsCooledDown, 'group')} held back by cooldown`);
  if (use.eventsCooledDown > 0) parts.push(`${plural(use.eventsCooledDown, 'event')} held back by cooldown`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** `shaping: before → after` for a route either config groups or cools down; null otherwise. */
export function shapingNote(route: RoutePlan): string | null {
  if (route.shaping === null) return null;
  return `shaping: ${beforeAfter(shapingText(route.shaping.before), shapingText(route.shaping.after))}`;
}

function targetsNote(route: RoutePlan): string | null {
  const { before, after } = route.targets;
  if (before === null || after === null || before.join(',') === after.join(',')) return null;
  return `targets: ${before.join(', ')} → ${after.join(', ')}`;
}

/** The whole plan for a terminal: text from events (keys, reasons, values) cannot carry control characters. */
export function formatText(report: PlanReport): string {
  return printable(formatTextRaw(report));
}

function formatTextRaw(report: PlanReport): string {
  const lines: string[] = [`hookgate plan: ${report.base} → ${report.head}`];
  lines.push(`${plural(report.events, 'event')}${windowText(report)}, routed through both configs; nothing was sent.`);
  if (report.unparseable > 0) lines.push(`${plural(report.unparseable, 'event')} with a body that does not parse reach no route.`);
  for (const side of ['base', 'head'] as const) {
    const n = report.refused[side];
    if (n > 0) lines.push(`the ${side} config would refuse ${plural(n, 'event')} (unknown provider or missing event type).`);
  }
  const changed = report.routes.filter(routeChanged);
  const unchanged = report.routes.filter((r) => !routeChanged(r));
  for (const route of changed) {
    lines.push('', `~ ${routeHeading(route)}`);
    const note = targetsNote(route);
    if (note) lines.push(`    ${note}`);
    const shaping = shapingNote(route);
    if (shaping) lines.push(`    ${shaping}`);
    for (const kind of KIND_ORDER) {
      const events = route.changed[kind];
      if (events.length === 0) continue;
      const title = kind === 'map-error' ? 'new map errors' : KIND_TITLES[kind];
      lines.push(`  ${KIND_MARKS[kind]} ${title}: ${plural(events.length, 'event')}`);
      for (const event of events.slice(0, LISTED_PER_KIND)) {
        lines.push(`      ${eventLine(event)}`);
        const example = route.examples.find((e) => e.kind === kind && e.event === event);
        if (example) for (const detail of exampleDetail(example)) lines.push(`          ${detail}`);
      }
      if (events.length > LISTED_PER_KIND)
        lines.push(`      … and ${events.length - LISTED_PER_KIND} more (--format json lists every one)`);
    }
  }
  if (unchanged.length > 0) {
    lines.push('', 'no change:');
    for (const route of unchanged) {
      const note = targetsNote(route);
      lines.push(`  = ${routeHeading(route)}${note ? `  (${note})` : ''}`);
      const shaping = shapingNote(route);
      if (shaping) lines.push(`      ${shaping}`);
    }
  }
  if (report.budgets.length > 0) {
    lines.push('', 'budgets (simulated on the fire times; a 429 that gives a unit back is not):');
    for (const budget of report.budgets) lines.push(`  ${budgetLine(budget)}`);
  }
  lines.push('', summaryLine(report));
  return lines.join('\n');
}

export function ruleText(rule: BudgetPlan['rule']['before']): string {
  return rule === null ? 'absent' : `${rule.limit} per ${rule.per}, ${rule.over}`;
}

/** `a → b`, or just `b` when both sides are the same. */
export function beforeAfter(before: string, after: string): string {
  return before === after ? after : `${before} → ${after}`;
}

export function budgetNumbers(use: BudgetUse | null): { requests: string; busiest: string; over: string } {
  if (use === null) return { requests: '-', busiest: '-', over: '-' };
  const over =
    use.dropped > 0
      ? `${use.dropped} dropped`
      : use.held > 0
        ? `${use.held} held (up to ${formatDuration(Math.ceil(use.maxDelayMs / 1000) * 1000)})`
        : 'none held';
  return { requests: String(use.requests), busiest: String(use.busiestWindow), over };
}

function budgetLine(budget: BudgetPlan): string {
  const rule = beforeAfter(ruleText(budget.rule.before), ruleText(budget.rule.after));
  const a = budgetNumbers(budget.before);
  const b = budgetNumbers(budget.after);
  return `${budget.budget} (${rule}): ${beforeAfter(a.requests, b.requests)} requests, busiest window ${beforeAfter(a.busiest, b.busiest)}, ${beforeAfter(a.over, b.over)}`;
}

export function summaryLine(report: PlanReport): string {
  const changed = report.routes.filter(routeChanged);
  if (changed.length === 0) return `No change: every route fires for the same events with the same values.`;
  const totals = KIND_ORDER.map((kind) => {
    const n = changed.reduce((sum, r) => sum + r[KIND_FIELDS[kind]], 0);
    if (n === 0) return null;
    return kind === 'map-error' ? plural(n, 'new map error') : `${n} ${KIND_TITLES[kind]}`;
  }).filter((t) => t !== null);
  return `${plural(changed.length, 'route')} of ${report.routes.length} change: ${totals.join(', ')}.`;
}
