/** Budgets in routes.yaml: each broken config gives one finding at its exact position. */
import { describe, expect, it } from 'vitest';
import { compileConfig } from '../pipeline/compile.ts';
import { loadConfigText } from './load.ts';

const ENV = { STRIPE_SECRET: 'whsec_test_value_1' };

/** Line numbers below refer to this text (1-based). */
function config(budgets: string[], targetExtra: string[] = ['      budget: runs']): string {
  return [
    'version: 1',
    'providers:',
    '  stripe:',
    '    verify: { type: stripe, secret: "${STRIPE_SECRET}" }',
    ...budgets,
    'targets:',
    '  crm:',
    '    url: https://crm.example/hooks',
    ...targetExtra.map((l) => l.slice(2)),
    'routes:',
    '  - name: to-crm',
    '    from: stripe',
    '    to: crm',
    '',
  ].join('\n');
}

const RUNS = ['budgets:', '  runs:', '    limit: 15', '    per: 1d'];

function load(yaml: string) {
  return loadConfigText(yaml, 'routes.yaml', process.cwd(), { env: ENV });
}

describe('budgets in routes.yaml', () => {
  it('a budget named by a target loads clean, with over defaulting to hold and the target listed', () => {
    const result = load(config(RUNS));
    expect(result.diagnostics).toEqual([]);
    const compiled = compileConfig(result.config!, { path: '/x/routes.yaml', dir: '/x', sha256: 'x' });
    expect(compiled.budgets?.get('runs')).toEqual({ name: 'runs', limit: 15, perMs: 86_400_000, over: 'hold', targets: ['crm'] });
    expect(compiled.targets.get('crm')?.budget).toBe('runs');
  });

  const cases: Array<{
    name: string;
    yaml: string;
    code: string;
    severity: 'error' | 'warning';
    line: number;
    col: number;
    message?: RegExp;
  }> = [
    {
      name: 'unknown budget name, with a suggestion',
      yaml: config(RUNS, ['      budget: rnus']),
      code: 'unknown-budget',
      severity: 'error',
      line: 12,
      col: 13,
      message: /unknown budget `rnus`.*did you mean `runs`/,
    },
    {
      name: 'budget named while none are declared',
      yaml: config([]),
      code: 'unknown-budget',
      severity: 'error',
      line: 8,
      col: 13,
      message: /no budgets are declared/,
    },
    {
      name: 'a bad duration',
      yaml: config(['budgets:', '  runs:', '    limit: 15', '    per: 1 day']),
      code: 'duration',
      severity: 'error',
      line: 8,
      col: 10,
    },
    {
      name: 'a zero window',
      yaml: config(['budgets:', '  runs:', '    limit: 15', '    per: 0s']),
      code: 'duration',
      severity: 'error',
      line: 8,
      col: 10,
      message: /budgets\.runs\.per must be more than zero/,
    },
    {
      name: 'a limit below 1',
      yaml: config(['budgets:', '  runs:', '    limit: 0', '    per: 1d']),
      code: 'schema',
      severity: 'error',
      line: 7,
      col: 12,
    },
    {
      name: 'an unknown over mode',
      yaml: config([...RUNS, '    over: queue']),
      code: 'schema',
      severity: 'error',
      line: 9,
      col: 11,
    },
    {
      name: 'a budget no target names',
      yaml: config([...RUNS, '  spare:', '    limit: 1', '    per: 1h'], []),
      code: 'unused-budget',
      severity: 'warning',
      line: 6,
      col: 3,
      message: /budget `runs` is not named by any target/,
    },
  ];

  it.each(cases)('$name', (c) => {
    const result = load(c.yaml);
    const summary = result.diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}`).join('\n');
    const match = result.diagnostics.find((d) => d.code === c.code && d.line === c.line && d.col === c.col && d.severity === c.severity);
    expect(match, `expected ${c.severity} ${c.code} at ${c.line}:${c.col}, got:\n${summary}`).toBeDefined();
    if (c.message) expect(match!.message).toMatch(c.message);
    expect(result.config === null).toBe(c.severity === 'error');
  });
});
