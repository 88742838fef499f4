/**
 * A plan as a pull-request comment (GitHub-flavoured Markdown): a table of every route, then per
 * changed route the events by kind and a few examples in a collapsed block.
 */

import type { Change } from './diff.ts';
import {
  beforeAfter,
  budgetNumbers,
  KIND_FIELDS,
  KIND_ORDER,
  KIND_TITLES,
  ruleText,
  shortValue,
  summaryLine,
  windowText,
} from './format-text.ts';
import { CHANGE_KINDS, type Example, type PlanReport, type RoutePlan, routeChanged } from './report.ts';

/** Changed events named per kind before "and N more", tried in turn until the comment fits. */
const LISTED_PER_KIND_STEPS = [30, 10, 3, 0] as const;

/** GitHub refuses comments over 65,536 characters; stay below with room for a workflow's own text. */
export const MARKDOWN_MAX_CHARS = 60_000;

/** A first line that tools (and the README's workflow) can find to update the same comment. */
export const MARKDOWN_MARKER = '<!-- hookgate-plan -->';

/** Inline code that survives backticks and table pipes in the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const body = text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Plain text for a table cell or a list item: no HTML, no line breaks. */
function plain(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c).replace(/\r?\n/g, ' ');
}

function perDay(route: RoutePlan): string {
  const { before, after } = route.firesPerDay;
  return before === after ? String(after) : `${before} → ${after}`;
}

function routeCell(route: RoutePlan): string {
  const status = !route.inBase ? ' (new)' : !route.inHead ? ' (removed)' : '';
  return `${code(route.route)}${status}`;
}

function routeSection(route: RoutePlan, listed: number, withExamples: boolean): string[] {
  const lines = ['', `#### ${code(route.route)}`];
  const { before, after } = route.targets;
  if (before !== null && after !== null && before.join(',') !== after.join(',')) {
    lines.push('', `Targets: ${before.map(code).join(', ')} → ${after.map(code).join(', ')}`);
  }
  for (const kind of KIND_ORDER) {
    const events = route.changed[kind];
    if (events.length === 0) continue;
    const named = events.slice(0, listed).map((e) => code(e.dedupKey));
    const more = events.length > listed ? `${listed > 0 ? ', and ' : ''}${events.length - listed} more` : '';
    lines.push('', `**${capitalize(KIND_TITLES[kind])} (${events.length}):** ${named.join(', ')}${more}`);
    const examples = withExamples ? route.examples.filter((e) => e.kind === kind) : [];
    if (examples.length === 0) continue;
    lines.push('', `<details><summary>${examples.length === 1 ? 'Example' : 'Examples'}</summary>`, '');
    for (const example of examples) {
      const e = example.event;
      lines.push(`- ${code(e.dedupKey)} (${plain(e.provider)} ${code(e.eventType)}, ${e.receivedAt})`);
      for (const detail of exampleLines(example)) lines.push(`  - ${detail}`);
    }
    lines.push('', '</details>');
  }
  return lines;
}

function changeItem(change: Change): string {
  if (change.kind === 'added') return `${code(change.path)} added: ${code(shortValue(change.after))}`;
  if (change.kind === 'removed') return `${code(change.path)} removed (was ${code(shortValue(change.before))})`;
  return `${code(change.path)}: ${code(shortValue(change.before))} → ${code(shortValue(change.after))}`;
}

function exampleLines(example: Example): string[] {
  switch (example.kind) {
    case 'stop-firing':
      return [`why: ${plain(example.reason ?? 'not matched')}`, `was sending: ${code(shortValue(example.before))}`];
    case 'newly-firing':
      return [`before: ${plain(example.reason ?? 'not matched')}`, `would send: ${code(shortValue(example.after))}`];
    case 'map-error':
      return [
        `error: ${code(example.error ?? '')}`,
        ...(example.before !== undefined ? [`was sending: ${code(shortValue(example.before))}`] : []),
      ];
    case 'mapped-differently':
      return [...(example.diff ?? []).map(changeItem), ...(example.diffTruncated ? ['… more differences'] : [])];
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The whole comment, naming fewer events (and at last no examples) while it is too long for GitHub. */
export function formatMarkdown(report: PlanReport): string {
  let text = '';
  for (const listed of LISTED_PER_KIND_STEPS) {
    text = markdownWith(report, listed, true);
    if (text.length <= MARKDOWN_MAX_CHARS) return text;
  }
  text = markdownWith(report, 0, false);
  if (text.length <= MARKDOWN_MAX_CHARS) return text;
  const cut = text.lastIndexOf('\n', MARKDOWN_MAX_CHARS - 200);
  return `${text.slice(0, cut)}\n\n… cut to fit a comment: \`--format json\` has the whole plan.`;
}

function markdownWith(report: PlanReport, listed: number, withExamples: boolean): string {
  const lines = [MARKDOWN_MARKER, '### hookgate plan', ''];
  lines.push(
    `Base ${code(report.base)} → head ${code(report.head)}: **${report.events} events**${windowText(report)}, routed through both configs. Nothing was sent.`,
    '',
    `**${plain(summaryLine(report))}**`,
  );
  const notes: string[] = [];
  if (report.unparseable > 0) notes.push(`${report.unparseable} events with a body that does not parse reach no route.`);
  for (const side of ['base', 'head'] as const) {
    if (report.refused[side] > 0)
      notes.push(`The ${side} config would refuse ${report.refused[side]} events (unknown provider or missing event type).`);
  }
  if (notes.length > 0) lines.push('', ...notes.map((n) => `> ${n}`));
  if (report.routes.length > 0) {
    const kinds = CHANGE_KINDS.map((k) => KIND_TITLES[k]);
    lines.push('', `| route | ${kinds.join(' | ')} | fires/day |`, `|---|${kinds.map(() => '---:').join('|')}|---|`);
    for (const route of report.routes) {
      const counts = CHANGE_KINDS.map((k) => String(route[KIND_FIELDS[k]]));
      lines.push(`| ${routeCell(route)} | ${counts.join(' | ')} | ${perDay(route)} |`);
    }
  }
  if (report.budgets.length > 0) {
    lines.push('', '| budget | limit | requests | busiest window | over the limit |', '|---|---|---:|---:|---|');
    for (const budget of report.budgets) {
      const a = budgetNumbers(budget.before);
      const b = budgetNumbers(budget.after);
      const rule = beforeAfter(ruleText(budget.rule.before), ruleText(budget.rule.after));
      lines.push(
        `| ${code(budget.budget)} | ${plain(rule)} | ${beforeAfter(a.requests, b.requests)} | ${beforeAfter(a.busiest, b.busiest)} | ${plain(beforeAfter(a.over, b.over))} |`,
      );
    }
  }
  for (const route of report.routes.filter(routeChanged)) lines.push(...routeSection(route, listed, withExamples));
  if (listed < LISTED_PER_KIND_STEPS[0]) lines.push('', `_Shortened to fit a comment: \`--format json\` names every event._`);
  return lines.join('\n');
}
