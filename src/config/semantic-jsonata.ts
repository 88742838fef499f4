/**
 * JSONata checks: every `filter`, `map` and provider `event`/`id` must compile and call only
 * functions that exist; an error points at the line and column in the file where the expression
 * fails (inside a `map: |` block too). A filter that is visibly not a predicate (an object, a
 * list, a string or a number) or that is a bare path (true for any value) is a warning.
 */
import jsonata from 'jsonata';
import { isScalar } from 'yaml';
import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord, items } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { showPath } from './interpolate-document.ts';
import { isBarePath, JSONATA_FUNCTIONS, unknownFunctionCalls } from './semantic-jsonata-ast.ts';
import { didYouMean } from './suggest.ts';
import type { ConfigPath } from './yaml-source.ts';
import { scalarSourceOffset } from './yaml-source.ts';

/** The variables the router binds for every expression (calling one is not an unknown function). */
const BOUND_VARIABLES: ReadonlySet<string> = new Set(['event', 'provider', 'id', 'headers', 'query', 'receivedAt', 'route', 'group']);

interface JsonataFailure {
  readonly message: string;
  /** Index into the expression of the character at fault. */
  readonly index: number;
}

/** The compile error of an expression, or undefined when it compiles. */
export function jsonataError(expression: string): JsonataFailure | undefined {
  try {
    jsonata(expression);
    return undefined;
  } catch (err) {
    const e = isRecord(err) ? err : {};
    const message = typeof e.message === 'string' ? e.message : String(err);
    const code = typeof e.code === 'string' ? `${e.code}: ` : '';
    return { message: `${code}${message}`, index: errorIndex(expression, e) };
  }
}

/** JSONata's `position` is the offset just past the token at fault. */
function errorIndex(expression: string, e: Record<string, unknown>): number {
  const position = typeof e.position === 'number' ? e.position : expression.length;
  const token = typeof e.token === 'string' && e.token !== '(end)' ? e.token : '';
  if (token === '') return lastVisible(expression, Math.min(position, expression.length));
  return Math.max(0, position - token.length);
}

function lastVisible(expression: string, upTo: number): number {
  let i = Math.min(upTo, expression.length) - 1;
  while (i > 0 && /\s/.test(expression[i]!)) i--;
  return Math.max(0, i);
}

/** What kind of value an expression visibly is, when it cannot be a predicate. */
export function nonPredicateKind(expression: string): string | undefined {
  let root: { type?: string; value?: unknown };
  try {
    root = jsonata(expression).ast() as { type?: string; value?: unknown };
  } catch {
    return undefined;
  }
  if (root.type === 'unary' && root.value === '{') return 'an object constructor';
  if (root.type === 'unary' && root.value === '[') return 'an array constructor';
  if (root.type === 'string') return 'a string literal';
  if (root.type === 'number') return 'a number';
  return undefined;
}

export function jsonataChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  for (const [name, provider] of entries(root.providers)) {
    if (!isRecord(provider)) continue;
    for (const field of ['event', 'id']) check(['providers', name, field], provider[field]);
  }
  items(root.routes).forEach(function checkRoute(route, i) {
    if (!isRecord(route)) return;
    const filterOk = check(['routes', i, 'filter'], route.filter);
    check(['routes', i, 'map'], route.map);
    if (filterOk && typeof route.filter === 'string' && isBarePath(jsonata(route.filter).ast())) {
      out.push(
        finding(
          ctx,
          ['routes', i, 'filter'],
          'value',
          'warning',
          'filter-bare-path',
          `${showPath(['routes', i, 'filter'])} is a bare path (\`${route.filter.trim()}\`): it is true for any value the field holds, so the route takes every event that has it; compare it instead, e.g. \`${route.filter.trim()} = "active"\` (or \`= true\` for a true/false field)`,
        ),
      );
    } else if (filterOk && typeof route.filter === 'string') {
      const kind = nonPredicateKind(route.filter);
      if (kind) {
        out.push(
          finding(
            ctx,
            ['routes', i, 'filter'],
            'value',
            'warning',
            'filter-not-predicate',
            `${showPath(['routes', i, 'filter'])} is ${kind}, not a true/false test: the route would take every event or none`,
          ),
        );
      }
    }
  });
  return out;

  function check(path: ConfigPath, expression: unknown): boolean {
    if (typeof expression !== 'string' || expression.trim() === '') return false;
    const failure = jsonataError(expression);
    if (failure) {
      out.push({
        file: ctx.file,
        ...positionIn(path, failure.index),
        severity: 'error',
        code: 'jsonata',
        message: `${showPath(path)} is not valid JSONata: ${failure.message}`,
      });
      return false;
    }
    const calls = unknownFunctionCalls(jsonata(expression).ast(), BOUND_VARIABLES);
    for (const call of calls) {
      out.push({
        file: ctx.file,
        ...positionIn(path, call.index),
        severity: 'error',
        code: 'unknown-function',
        message: `${showPath(path)} calls $${call.name}, which is not a JSONata function${didYouMean(call.name, JSONATA_FUNCTIONS).replace(/`([^`]+)`/, '`$$$1`')}`,
      });
    }
    return calls.length === 0;
  }

  /** The file position of character `index` of the expression at `path`. */
  function positionIn(path: ConfigPath, index: number): { line: number; col: number } {
    const node = ctx.source.nodeAt(path);
    const offset = isScalar(node) ? scalarSourceOffset(ctx.source.text, node, index) : undefined;
    return offset === undefined ? ctx.source.locate(path, 'value') : ctx.source.position(offset);
  }
}
