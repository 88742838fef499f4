/**
 * The functions JSONata itself defines (the installed version's own list; a test compares it with
 * the names the jsonata package binds), and the calls an expression makes, so `validate` can name
 * a call to a function that does not exist (`$substrin`) at its position.
 */

/** Every function the jsonata package binds for all expressions. */
export const JSONATA_FUNCTIONS: ReadonlySet<string> = new Set([
  'abs',
  'append',
  'assert',
  'average',
  'boolean',
  'ceil',
  'clone',
  'contains',
  'count',
  'decodeUrl',
  'decodeUrlComponent',
  'distinct',
  'each',
  'encodeUrl',
  'encodeUrlComponent',
  'error',
  'eval',
  'exists',
  'filter',
  'floor',
  'formatBase',
  'formatInteger',
  'formatNumber',
  'fromMillis',
  'join',
  'keys',
  'length',
  'lookup',
  'lowercase',
  'map',
  'match',
  'max',
  'merge',
  'millis',
  'min',
  'not',
  'now',
  'number',
  'pad',
  'parseInteger',
  'power',
  'random',
  'reduce',
  'replace',
  'reverse',
  'round',
  'shuffle',
  'sift',
  'single',
  'sort',
  'split',
  'spread',
  'sqrt',
  'string',
  'substring',
  'substringAfter',
  'substringBefore',
  'sum',
  'toMillis',
  'trim',
  'type',
  'uppercase',
  'zip',
]);

/** A call of `$name(...)` and where its `$` is in the expression. */
export interface FunctionCall {
  readonly name: string;
  readonly index: number;
}

interface AstNode {
  readonly type?: unknown;
  readonly value?: unknown;
  readonly position?: unknown;
  readonly procedure?: unknown;
  readonly lhs?: unknown;
  readonly arguments?: unknown;
  readonly focus?: unknown;
  readonly index?: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every node of a JSONata AST, depth first (the AST is a tree of plain objects and arrays). */
function* nodes(value: unknown): Generator<AstNode> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodes(item);
  } else if (isNode(value)) {
    yield value;
    for (const child of Object.values(value)) if (typeof child === 'object' && child !== null) yield* nodes(child);
  }
}

/**
 * The calls of a named function that is neither JSONata's own, nor bound by the router, nor
 * defined in the expression itself (`$f := function(...)`, a lambda's parameter, `@$x`, `#$i`).
 * Where the expression defines names, scopes are not followed: a name defined anywhere counts as
 * defined everywhere, so a finding is never a false alarm.
 */
export function unknownFunctionCalls(ast: unknown, bound: ReadonlySet<string>): FunctionCall[] {
  const defined = new Set<string>();
  for (const node of nodes(ast)) {
    if (node.type === 'bind' && isNode(node.lhs) && typeof node.lhs.value === 'string') defined.add(node.lhs.value);
    if (node.type === 'lambda' && Array.isArray(node.arguments)) {
      for (const arg of node.arguments) if (isNode(arg) && typeof arg.value === 'string') defined.add(arg.value);
    }
    if (typeof node.focus === 'string') defined.add(node.focus);
    if (typeof node.index === 'string') defined.add(node.index);
  }
  const calls: FunctionCall[] = [];
  for (const node of nodes(ast)) {
    if (node.type !== 'function' && node.type !== 'partial') continue;
    const procedure = node.procedure;
    if (!isNode(procedure) || procedure.type !== 'variable' || typeof procedure.value !== 'string') continue;
    const name = procedure.value;
    if (name === '' || name === '$' || JSONATA_FUNCTIONS.has(name) || bound.has(name) || defined.has(name)) continue;
    // The parser's position is just past the name; the call starts at its `$`.
    const end = typeof procedure.position === 'number' ? procedure.position : name.length + 1;
    calls.push({ name, index: Math.max(0, end - name.length - 1) });
  }
  return calls.sort((a, b) => a.index - b.index);
}

/**
 * True when the expression is nothing but a path of plain field names (`data.object.status`):
 * as a filter it is true for any value the field holds, not a comparison.
 */
export function isBarePath(ast: unknown): boolean {
  if (!isNode(ast) || ast.type !== 'path') return false;
  const steps = (ast as { steps?: unknown }).steps;
  if (!Array.isArray(steps) || steps.length === 0) return false;
  return steps.every(function plainName(step) {
    if (!isNode(step) || step.type !== 'name') return false;
    const extras = step as Record<string, unknown>;
    return extras.stages === undefined && extras.predicate === undefined && extras.group === undefined;
  });
}
