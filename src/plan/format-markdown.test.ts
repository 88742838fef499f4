import { describe, expect, it } from 'vitest';
import { code, formatMarkdown, MARKDOWN_MARKER, MARKDOWN_MAX_CHARS } from './format-markdown.ts';
import { formatText } from './format-text.ts';
import type { PlanReport, RoutePlan } from './report.ts';

function routePlan(overrides: Partial<RoutePlan>): RoutePlan {
  return {
    route: 'r',
    newlyFiring: 0,
    stopFiring: 0,
    mappedDifferently: 0,
    mapErrors: 0,
    examples: [],
    provider: 'p',
    inBase: true,
    inHead: true,
    targets: { before: ['t'], after: ['t'] },
    fires: { before: 0, after: 0 },
    firesPerDay: { before: 0, after: 0 },
    changed: { 'newly-firing': [], 'stop-firing': [], 'mapped-differently': [], 'map-error': [] },
    ...overrides,
  };
}

const ref = (dedupKey: string) => ({ provider: 'p', eventType: 'order', dedupKey, receivedAt: '2026-11-30T00:00:00.000Z' });

function report(routes: RoutePlan[]): PlanReport {
  return {
    events: 3,
    routes,
    base: 'git-ref:origin/main:routes.yaml',
    head: 'routes.yaml',
    window: { from: '2026-11-30T00:00:00.000Z', until: '2026-11-30T12:00:00.000Z', days: 1 },
    refused: { base: 0, head: 0 },
    unparseable: 0,
    budgets: [],
  };
}

describe('markdown', () => {
  it.each([
    ['plain', '`plain`'],
    ['has `tick` here', '``has `tick` here``'],
    ['ends `tick`', '`` ends `tick` ``'],
    ['`edge', '`` `edge ``'],
    ['a|b', '`a\\|b`'],
    ['two\nlines', '`two lines`'],
  ])('code(%j) survives backticks, table pipes and line breaks', (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  it('starts with a marker a workflow can find, has one table row per route and a section per changed route', () => {
    const changed = routePlan({
      route: 'a|b',
      stopFiring: 1,
      changed: { 'newly-firing': [], 'stop-firing': [ref('k<1>')], 'mapped-differently': [], 'map-error': [] },
      examples: [{ kind: 'stop-firing', event: ref('k<1>'), reason: 'filter returned <false>', before: { x: 1 } }],
      fires: { before: 2, after: 1 },
      firesPerDay: { before: 2, after: 1 },
    });
    const text = formatMarkdown(
      report([changed, routePlan({ route: 'quiet', fires: { before: 4, after: 4 }, firesPerDay: { before: 4, after: 4 } })]),
    );
    expect(text.split('\n')[0]).toBe(MARKDOWN_MARKER);
    expect(text).toContain('| `a\\|b` | 0 | 1 | 0 | 0 | 2 → 1 |');
    expect(text).toContain('| `quiet` | 0 | 0 | 0 | 0 | 4 |');
    expect(text).toContain('#### `a\\|b`');
    expect(text).not.toContain('#### `quiet`');
    // Reasons are text, never HTML.
    expect(text).toContain('why: filter returned &lt;false&gt;');
    expect(text).toContain('**Stop firing (1):** `k<1>`');
  });

  it('says so plainly when nothing changes, in both formats', () => {
    const quiet = report([routePlan({})]);
    expect(formatMarkdown(quiet)).toContain('No change');
    expect(formatText(quiet)).toContain('No change');
  });

  it('names fewer events while the comment would be too long for GitHub, keeping every count', () => {
    const refs = Array.from({ length: 400 }, (_, i) => ref(`evt_${'k'.repeat(30)}_${i}`));
    const routes = Array.from({ length: 40 }, (_, i) =>
      routePlan({
        route: `route-${i}`,
        stopFiring: refs.length,
        changed: { 'newly-firing': [], 'stop-firing': refs, 'mapped-differently': [], 'map-error': [] },
        examples: [{ kind: 'stop-firing', event: refs[0]!, reason: 'filter returned false', before: { x: 'y'.repeat(200) } }],
      }),
    );
    const text = formatMarkdown(report(routes));
    expect(text.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    for (let i = 0; i < 40; i++) expect(text).toContain(`| \`route-${i}\` | 0 | 400 | 0 | 0 |`);
    expect(text).toContain('--format json` names every event');
  });
});
