import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.ts';
import { loadConfigText } from './load.ts';
import { groupVariableIndex } from './shape-checks.ts';

/** A config whose first route has the given lines (from line 7 on). */
function withRoute(...lines: string[]): string {
  return [
    'version: 1',
    'providers: { p: { verify: { type: github, secret: "${S:-x}" } } }',
    'targets: { t: { url: "https://t.example" } }',
    'routes:',
    '  - name: r',
    '    from: p',
    ...lines,
    '    to: t',
    '',
  ].join('\n');
}

function findings(text: string, codes: readonly string[]): string[] {
  return loadConfigText(text, 'routes.yaml', '.', { env: {} })
    .diagnostics.filter((d) => codes.includes(d.code))
    .map(formatDiagnostic);
}

describe('fire-shaping checks', () => {
  it('accepts a well-formed group and cooldown', () => {
    const text = withRoute(
      '    group: { by: data.issue.id, wait: 30s, maxWait: 5m, max: 100 }',
      '    cooldown: 1h',
      '    map: $group.count',
    );
    expect(findings(text, ['group-max-wait', 'group-unbound', 'jsonata', 'duration', 'schema'])).toEqual([]);
  });

  it('flags maxWait shorter than wait at the maxWait value', () => {
    expect(findings(withRoute('    group: { wait: 5m, maxWait: 30s }'), ['group-max-wait'])).toEqual([
      'routes.yaml:7:33 error group-max-wait routes[0].group.maxWait (30s) is shorter than wait (5m): a group would fire before it could go quiet',
    ]);
  });

  it('flags zero windows', () => {
    expect(findings(withRoute('    group: { wait: 0s }', '    cooldown: { for: 0m }'), ['duration'])).toEqual([
      'routes.yaml:7:20 error duration routes[0].group.wait must be more than zero',
      'routes.yaml:8:22 error duration routes[0].cooldown.for must be more than zero',
    ]);
  });

  it('flags a bad duration through the schema, at its position', () => {
    expect(findings(withRoute('    group: { wait: soon }'), ['duration'])).toEqual([
      'routes.yaml:7:20 error duration routes[0].group.wait (`soon`) must be a duration such as 500ms, 30s, 5m, 1h or 1d',
    ]);
  });

  it('flags a group.by that does not compile, at the character at fault', () => {
    expect(findings(withRoute('    group: { by: "data.issue.(id", wait: 30s }'), ['jsonata'])).toEqual([
      expect.stringMatching(/^routes\.yaml:7:\d+ error jsonata routes\[0\]\.group\.by is not valid JSONata/),
    ]);
  });

  it('flags $group in the map of a route without group, at the variable', () => {
    expect(findings(withRoute('    map: \'"n=" & $group.count\''), ['group-unbound'])).toEqual([
      'routes.yaml:7:18 error group-unbound routes[0].map uses $group, which is bound only in the map of a grouped route: the route has no `group:`',
    ]);
  });

  it('flags $group in a filter even on a grouped route', () => {
    const found = findings(withRoute('    group: { wait: 1s }', '    filter: $group.count > 1'), ['group-unbound']);
    expect(found).toEqual([expect.stringMatching(/^routes\.yaml:8:13 error group-unbound routes\[0\]\.filter uses \$group/)]);
  });

  it('warns when a group may outlive the retention of its events', () => {
    expect(findings(`retention: 1d\n${withRoute('    group: { wait: 1h, maxWait: 2d }')}`, ['group-max-wait'])).toEqual([
      expect.stringMatching(/^routes\.yaml:8:33 warning group-max-wait routes\[0\]\.group may stay open longer than retention/),
    ]);
    expect(findings(withRoute('    group: { wait: 1d }'), ['group-max-wait'])).toHaveLength(1);
    expect(findings(withRoute('    group: { wait: 1h }'), ['group-max-wait'])).toEqual([]);
  });

  it('warns that cooldown.by is not used on a grouped route', () => {
    expect(findings(withRoute('    group: { wait: 1s }', '    cooldown: { by: x, for: 1h }'), ['cooldown-by-ignored'])).toHaveLength(1);
  });
});

describe('groupVariableIndex', () => {
  it.each([
    ['$group.count', 0],
    ['"a" & $group.key', 6],
    ['$count($group.events)', 7],
    ['$groups', undefined],
    ['group', undefined],
  ])('%j -> %j', (expression, index) => {
    expect(groupVariableIndex(expression)).toBe(index);
  });
});
