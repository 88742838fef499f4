/**
 * The rules of joining a group and of a cooldown, written once as small expressions over a row
 * and the event's parameters. The store prints them into its SQL (groups-sql.ts), and the
 * in-memory simulation of `hookgate plan` (groups-decide.ts) and the stores' own checks in
 * TypeScript evaluate the very same expressions, so neither can drift from the other.
 */

export type Column = 'status' | 'count' | 'last_at' | 'fires_at' | 'deadline_at' | 'until';
export type Param = 'at' | 'waitMs' | 'max';
export type Dialect = 'sqlite' | 'postgres';

export type Expr =
  | { readonly kind: 'column'; readonly name: Column }
  | { readonly kind: 'param'; readonly name: Param }
  | { readonly kind: 'literal'; readonly value: number | string }
  | { readonly kind: 'plus' | 'greatest' | 'least'; readonly a: Expr; readonly b: Expr };

type Comparison = '=' | '<>' | '>' | '>=' | '<' | '<=';

export interface Condition {
  readonly op: Comparison;
  readonly a: Expr;
  readonly b: Expr;
}

const column = (name: Column): Expr => ({ kind: 'column', name });
const param = (name: Param): Expr => ({ kind: 'param', name });
const literal = (value: number | string): Expr => ({ kind: 'literal', value });
const plus = (a: Expr, b: Expr): Expr => ({ kind: 'plus', a, b });
const greatest = (a: Expr, b: Expr): Expr => ({ kind: 'greatest', a, b });
const least = (a: Expr, b: Expr): Expr => ({ kind: 'least', a, b });
const cond = (op: Comparison, a: Expr, b: Expr): Condition => ({ op, a, b });

/** An event joining the open group of its key. Columns are the group's row before the update. */
export const JOIN_RULE = {
  /** The open group takes the event only while its time has not come. */
  takes: [cond('=', column('status'), literal('open')), cond('>', column('fires_at'), param('at'))],
  /** The event brings the group to `max`: it fires at once and takes no more. */
  fills: cond('>=', plus(column('count'), literal(1)), param('max')),
  count: plus(column('count'), literal(1)),
  lastAt: greatest(column('last_at'), param('at')),
  /** A group not full fires once no event joined it for `wait`, at the latest at its deadline. */
  firesAt: least(plus(greatest(column('last_at'), param('at')), param('waitMs')), column('deadline_at')),
  /** A full group fires when its last event arrived. */
  firesAtFull: param('at'),
} as const;

/** A key's cooldown row: it holds events and fires back while its window has not ended at `at`. */
export const COOLDOWN_RULE = {
  cooling: cond('>', column('until'), param('at')),
} as const;

const NEGATED: Record<Comparison, Comparison> = { '=': '<>', '<>': '=', '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

export function negate(c: Condition): Condition {
  return { ...c, op: NEGATED[c.op] };
}

// --- as SQL -------------------------------------------------------------------------------------

export interface SqlOptions {
  readonly dialect: Dialect;
  /** Qualifies every column (an upsert's conflict clause must say which row it reads). */
  readonly table?: string;
}

export function exprSql(e: Expr, o: SqlOptions): string {
  switch (e.kind) {
    case 'column':
      return o.table ? `${o.table}.${e.name}` : e.name;
    case 'param':
      return `@${e.name}`;
    case 'literal':
      return typeof e.value === 'number' ? String(e.value) : `'${e.value}'`;
    case 'plus':
      return `${exprSql(e.a, o)} + ${exprSql(e.b, o)}`;
    case 'greatest':
    case 'least': {
      const name = o.dialect === 'sqlite' ? (e.kind === 'greatest' ? 'MAX' : 'MIN') : e.kind.toUpperCase();
      return `${name}(${exprSql(e.a, o)}, ${exprSql(e.b, o)})`;
    }
  }
}

/** Conditions joined by AND. */
export function conditionSql(conditions: readonly Condition[], o: SqlOptions): string {
  return conditions.map((c) => `${exprSql(c.a, o)} ${c.op} ${exprSql(c.b, o)}`).join(' AND ');
}

// --- in memory ----------------------------------------------------------------------------------

export type RuleRow = Partial<Readonly<Record<Column, number | string>>>;
export type RuleParams = Partial<Readonly<Record<Param, number>>>;

type Value = number | string;

function evaluate(e: Expr, row: RuleRow, params: RuleParams): Value {
  switch (e.kind) {
    case 'column':
    case 'param': {
      const value = e.kind === 'column' ? row[e.name] : params[e.name];
      if (value === undefined) throw new Error(`rule needs ${e.kind} ${e.name}`);
      return value;
    }
    case 'literal':
      return e.value;
    case 'plus':
      return numeric(evaluate(e.a, row, params)) + numeric(evaluate(e.b, row, params));
    case 'greatest':
      return Math.max(numeric(evaluate(e.a, row, params)), numeric(evaluate(e.b, row, params)));
    case 'least':
      return Math.min(numeric(evaluate(e.a, row, params)), numeric(evaluate(e.b, row, params)));
  }
}

function numeric(v: Value): number {
  if (typeof v !== 'number') throw new Error(`rule expected a number, got "${v}"`);
  return v;
}

function compare(op: Comparison, a: Value, b: Value): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

export function ruleValue(e: Expr, row: RuleRow, params: RuleParams): number {
  return numeric(evaluate(e, row, params));
}

/** Whether every condition holds, as the SQL WHERE would decide it. */
export function holds(conditions: readonly Condition[], row: RuleRow, params: RuleParams): boolean {
  return conditions.every((c) => compare(c.op, evaluate(c.a, row, params), evaluate(c.b, row, params)));
}

/** Whether a key whose cooldown ends at `until` is still cooling down at `at` (ingest checks this per shaped event). */
export function stillCooling(until: number, at: number): boolean {
  return holds(COOLING, { until }, { at });
}

const COOLING = [COOLDOWN_RULE.cooling];
