import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load.ts';
import { jsonataError, nonPredicateKind } from './semantic-jsonata.ts';
import { isBarePath, JSONATA_FUNCTIONS, unknownFunctionCalls } from './semantic-jsonata-ast.ts';
import { eventPatternProblem } from './semantic-values.ts';

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

function jsonataFinding(text: string): string {
  const d = loadConfigText(text, 'routes.yaml', '.', { env: {} }).diagnostics.find((x) => x.code === 'jsonata');
  return d ? `${d.line}:${d.col}` : 'none';
}

describe('jsonataError', () => {
  it('is undefined for an expression that compiles', () => {
    expect(jsonataError('data.object.status in ["active", "trialing"]')).toBeUndefined();
  });

  it.each([
    ['foo bar', 4],
    ['a = = 1', 4],
    ['"abc', 3],
    ['{ "a": 1, }', 10],
    ['(1 + 2', 5],
  ])('points %j at index %i', (expression, index) => {
    expect(jsonataError(expression)?.index).toBe(index);
  });
});

describe('JSONata error positions in the file', () => {
  it('inside a literal block scalar', () => {
    expect(jsonataFinding(withRoute('    map: |', '      {', '        "a": a,', '        "b": b c', '      }'))).toBe('10:16');
  });

  it('inside a folded block scalar', () => {
    expect(jsonataFinding(withRoute('    filter: >', '      a = 1 and', '      b = = 2'))).toBe('9:11');
  });

  it('inside a double-quoted scalar with escapes', () => {
    expect(jsonataFinding(withRoute('    filter: "a = \\"x\\" and b = = 2"'))).toBe('7:32');
  });

  it("inside a single-quoted scalar with ''", () => {
    expect(jsonataFinding(withRoute("    filter: 'a = ''x'' and ) b'"))).toBe('7:28');
  });

  it('inside a plain scalar', () => {
    expect(jsonataFinding(withRoute('    filter: a = = 1'))).toBe('7:17');
  });
});

describe('nonPredicateKind', () => {
  it.each([
    ['{"a": 1}', 'an object constructor'],
    ['[1, 2]', 'an array constructor'],
    ['"active"', 'a string literal'],
    ['42', 'a number'],
    ['status = "active"', undefined],
    ['$exists(data.object)', undefined],
    ['true', undefined],
    ['a in ["x"]', undefined],
  ])('%s → %s', (expression, kind) => {
    expect(nonPredicateKind(expression)).toBe(kind);
  });
});

describe('eventPatternProblem', () => {
  it.each([
    ['customer.subscription.created', false],
    ['customer.subscription', false],
    ['*', false],
    ['customer.*.created', false],
    ['orders/create', false],
    ['pull_request.opened', false],
    ['customer..created', true],
    ['.created', true],
    ['customer.', true],
    ['cust*.created', true],
    ['**', true],
    ['a b', true],
  ])('%s invalid: %s', (pattern, invalid) => {
    expect(eventPatternProblem(pattern) !== undefined).toBe(invalid);
  });
});

describe('unknownFunctionCalls', () => {
  const calls = (expression: string) => unknownFunctionCalls(jsonata(expression).ast(), new Set(['event', 'headers']));

  it('finds a call of a function that does not exist, at its `$`, wherever it sits', () => {
    expect(calls('$substrin(x, 1)')).toEqual([{ name: 'substrin', index: 0 }]);
    expect(calls('{ "a": a.$uppercas() }')).toEqual([{ name: 'uppercas', index: 9 }]);
    expect(calls('x ~> $substrin(1)')).toEqual([{ name: 'substrin', index: 5 }]);
    expect(calls('$map(items, function($i) { $strng($i) })')).toEqual([{ name: 'strng', index: 27 }]);
  });

  it("leaves JSONata's own functions, the router's variables and functions the expression defines alone", () => {
    expect(calls('$substring($uppercase(a), 0, 2) & $now() & $millis()')).toEqual([]);
    expect(calls('$event() & $headers("x")')).toEqual([]);
    expect(calls('($twice := function($x) { $x * 2 }; $twice(2))')).toEqual([]);
    expect(calls('$map(items, function($v, $i, $all) { $all($v) })')).toEqual([]);
    expect(calls('items@$o.children#$n.$o($n)')).toEqual([]);
  });

  it('knows exactly the functions the installed jsonata binds', () => {
    const source = readFileSync(createRequire(import.meta.url).resolve('jsonata'), 'utf8');
    const bound = new Set([...source.matchAll(/\.bind\('([A-Za-z]+)'/g)].map((m) => m[1]!));
    expect([...JSONATA_FUNCTIONS].sort()).toEqual([...bound].sort());
  });
});

describe('unknown functions in the file', () => {
  it('is an error at the call inside a map block, with the nearest real function', () => {
    const d = loadConfigText(withRoute('    map: |', '      {', '        "a": $substrin(id, 0, 2)', '      }'), 'routes.yaml', '.', {
      env: {},
    }).diagnostics.find((x) => x.code === 'unknown-function');
    expect(d).toMatchObject({
      line: 9,
      col: 14,
      severity: 'error',
      message: 'routes[0].map calls $substrin, which is not a JSONata function (did you mean `$substring`?)',
    });
  });
});

describe('isBarePath', () => {
  it.each([
    ['data.object.status', true],
    ['status', true],
    ['`odd name`.x', true],
    ['data.object.status = "active"', false],
    ['items[price > 5]', false],
    ['a.b[0]', false],
    ['$exists(data.object)', false],
    ['$event', false],
    ['$.a', false],
    ['not(a)', false],
  ])('%s → %s', (expression, bare) => {
    expect(isBarePath(jsonata(expression).ast())).toBe(bare);
  });
});
