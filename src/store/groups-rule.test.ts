import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { COOLDOWN_RULE, type Condition, conditionSql, type Expr, exprSql, holds, JOIN_RULE, negate, ruleValue } from './groups-rule.ts';
import { GROUP_SQL } from './groups-sql.ts';

const SEED = Number(process.env.HOOKGATE_PROPERTY_SEED ?? 20261130);

describe('group rules printed as SQL', () => {
  it('read as hand-written SQL', () => {
    expect(GROUP_SQL.joinOpenSqlite).toContain('fires_at = MIN(MAX(last_at, @at) + @waitMs, deadline_at),');
    expect(GROUP_SQL.joinOpenSqlite).toContain(
      "WHERE route = @route AND key = @key AND status = 'open' AND fires_at > @at AND count + 1 < @max",
    );
    expect(GROUP_SQL.joinOpenPostgres).toContain('fires_at = LEAST(GREATEST(last_at, @at) + @waitMs, deadline_at),');
    expect(GROUP_SQL.joinFillingPostgres).toContain("status = 'open' AND fires_at > @at AND count + 1 >= @max");
    expect(GROUP_SQL.takeCooldown).toContain('DO UPDATE SET until = excluded.until WHERE route_cooldowns.until <= @at');
  });
});

describe('group rules evaluated in memory decide as SQLite does on their printed form', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());

  // Times on a small grid so that equal values (the edges of every comparison) come up often.
  const time = fc.integer({ min: 0, max: 12 });
  const row = fc.record({
    status: fc.constantFrom('open', 'closed'),
    count: fc.integer({ min: 1, max: 6 }),
    last_at: time,
    fires_at: time,
    deadline_at: time,
    until: time,
  });
  const params = fc.record({ at: time, waitMs: fc.integer({ min: 0, max: 6 }), max: fc.integer({ min: 1, max: 6 }) });

  function inSqlite(select: string, r: Record<string, number | string>, p: Record<string, number>): unknown {
    const sql = `WITH g AS (SELECT @status AS status, @count AS count, @last_at AS last_at, @fires_at AS fires_at,
      @deadline_at AS deadline_at, @until AS until) SELECT ${select} AS v FROM g`;
    return (db.prepare(sql).get({ ...r, ...p }) as { v: unknown }).v;
  }

  const values: [string, Expr][] = [
    ['count', JOIN_RULE.count],
    ['lastAt', JOIN_RULE.lastAt],
    ['firesAt', JOIN_RULE.firesAt],
    ['firesAtFull', JOIN_RULE.firesAtFull],
  ];
  const conditions: [string, Condition[]][] = [
    ['takes', [...JOIN_RULE.takes]],
    ['fills', [JOIN_RULE.fills]],
    ['takes and not full', [...JOIN_RULE.takes, negate(JOIN_RULE.fills)]],
    ['cooling', [COOLDOWN_RULE.cooling]],
    ['cooldown ended', [negate(COOLDOWN_RULE.cooling)]],
  ];

  it.each(values)('value %s', (_name, e) => {
    fc.assert(
      fc.property(row, params, (r, p) => {
        expect(ruleValue(e, r, p)).toBe(inSqlite(exprSql(e, { dialect: 'sqlite' }), r, p));
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it.each(conditions)('condition %s', (_name, c) => {
    fc.assert(
      fc.property(row, params, (r, p) => {
        expect(holds(c, r, p)).toBe(inSqlite(`(${conditionSql(c, { dialect: 'sqlite' })})`, r, p) === 1);
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});
