/**
 * The listing filters are written once (sqlite-filters.ts) with @named parameters; PostgreSQL
 * wants $1, $2, ... This turns one into the other, so both backends filter identically.
 */
import type { SqlWhere } from './sqlite-filters.ts';

export type PgValue = string | number | boolean | Buffer | null | readonly string[];

export interface PgQuery {
  readonly text: string;
  readonly values: PgValue[];
}

/** Replaces each @name in `sql` by its positional $n; a name used twice gets one number. */
export function positional(sql: string, params: Readonly<Record<string, PgValue>>): PgQuery {
  const values: PgValue[] = [];
  const numbers = new Map<string, number>();
  const text = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, function toPositional(_match, name: string): string {
    let n = numbers.get(name);
    if (n === undefined) {
      if (!Object.hasOwn(params, name)) throw new Error(`SQL parameter @${name} has no value`);
      values.push(params[name] ?? null);
      n = values.length;
      numbers.set(name, n);
    }
    return `$${n}`;
  });
  return { text, values };
}

/** A filter's WHERE clause with extra parameters, as one positional query. */
export function withWhere(template: (where: string) => string, where: SqlWhere, extra: Readonly<Record<string, PgValue>> = {}): PgQuery {
  return positional(template(where.sql), { ...where.params, ...extra });
}
