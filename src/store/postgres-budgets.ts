/**
 * Shared budgets on PostgreSQL. A reservation runs in one transaction that first takes an advisory
 * lock on the budget's name: replicas claiming for one budget at once queue on it, and each one,
 * once it holds the lock, counts the units the one before committed. Every statement runs in READ
 * COMMITTED, so it sees what was committed before the lock was granted.
 */
import type { Pool, PoolClient } from 'pg';
import type { BudgetUnit } from '../delivery/budget-window.ts';
import { budgetWindow, heldUntil, planBudgetClaim } from '../delivery/budget-window.ts';
import { overBudgetError, RESERVATION_TTL_MS, type Reservation } from './budget-claim.ts';
import type { BudgetClaimRequest, BudgetStats } from './budget-types.ts';
import type { DeliveryRow } from './postgres-rows.ts';
import { toDelivery } from './postgres-rows.ts';
import { inTransaction } from './postgres-tx.ts';

/** First half of the advisory lock key of a budget claim ("hookgate budget"); the second is the name's hash. */
const BUDGET_LOCK_CLASS = 0x686b6267;

const SQL = {
  lock: `SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))`,
  /** See the SQLite statement of the same name: a unit its worker stopped settling ends when its delivery last changed. */
  closeStale: `
    UPDATE budget_units u
    SET ends_at = GREATEST(u.spent_at, COALESCE((SELECT d.updated_at FROM deliveries d WHERE d.id = u.delivery_id), u.spent_at))
    WHERE u.budget = $1 AND u.ends_at IS NULL AND u.delivery_id IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM deliveries d
        WHERE d.id = u.delivery_id AND d.status = 'in_flight' AND d.lease_owner = u.worker_id)`,
  dropStaleReservations: `DELETE FROM budget_units WHERE budget = $1 AND delivery_id IS NULL AND spent_at <= $2`,
  dropOld: `DELETE FROM budget_units WHERE budget = $1 AND ends_at IS NOT NULL AND ends_at <= $2`,
  pause: `SELECT until FROM budget_pauses WHERE budget = $1`,
  units: `SELECT spent_at, ends_at FROM budget_units WHERE budget = $1`,
  /** Two scans the partial indexes answer (deliveries_pending, deliveries_leases), not one OR. */
  candidates: `
    SELECT id, target, created_at, status FROM deliveries
    WHERE status = 'pending' AND target = ANY($1::text[]) AND next_attempt_at <= $2
    UNION ALL
    SELECT id, target, created_at, status FROM deliveries
    WHERE status = 'in_flight' AND target = ANY($1::text[]) AND lease_expires_at <= $2`,
  reserve: `
    INSERT INTO budget_units (budget, delivery_id, worker_id, claim_token, spent_at, ends_at)
    SELECT $1, NULL, $2, $3, $4, NULL FROM generate_series(1, $5::int)`,
  /** $1 ids, $2 lease expiry per id (same order), $3 worker, $4 now: the picked pending deliveries, claimed with a unit each. */
  claimPending: `
    WITH picked AS (SELECT * FROM unnest($1::text[], $2::bigint[]) AS p(id, lease_expires_at)),
      claimed AS (
        UPDATE deliveries d
        SET status = 'in_flight', lease_owner = $3, lease_expires_at = picked.lease_expires_at, updated_at = $4,
          held_by = NULL, held_until = NULL
        FROM picked
        WHERE d.id = picked.id AND d.status = 'pending' AND d.next_attempt_at <= $4
        RETURNING d.*),
      spent AS (
        INSERT INTO budget_units (budget, delivery_id, worker_id, claim_token, spent_at, ends_at)
        SELECT $5, claimed.id, $3, $6, $4, NULL FROM claimed)
    SELECT * FROM claimed`,
  hold: `
    UPDATE deliveries SET held_by = $1, held_until = $2, next_attempt_at = $2
    WHERE id = ANY($3::text[]) AND status = 'pending'`,
  drop: `
    UPDATE deliveries
    SET status = 'dead', dead_reason = 'over_budget', error = $2, held_by = NULL, held_until = NULL, updated_at = $3
    WHERE id = ANY($1::text[]) AND status = 'pending'
    RETURNING *`,
  bind: `
    WITH claimed AS (SELECT id, row_number() OVER () AS n FROM unnest($2::text[]) AS id),
      units AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM budget_units WHERE claim_token = $1 AND delivery_id IS NULL)
    UPDATE budget_units b SET delivery_id = claimed.id
    FROM units JOIN claimed ON claimed.n = units.n
    WHERE b.id = units.id`,
  closeEarlier: `
    UPDATE budget_units SET ends_at = $3
    WHERE delivery_id = ANY($2::text[]) AND ends_at IS NULL AND claim_token <> $1`,
  dropUnbound: `DELETE FROM budget_units WHERE claim_token = $1 AND delivery_id IS NULL`,
  unhold: `UPDATE deliveries SET held_by = NULL, held_until = NULL WHERE id = ANY($1::text[]) AND held_by IS NOT NULL`,
  spend: `
    UPDATE budget_units SET ends_at = GREATEST(spent_at, $3::bigint)
    WHERE delivery_id = $1 AND worker_id = $2 AND ends_at IS NULL`,
  giveBack: `DELETE FROM budget_units WHERE delivery_id = $1 AND worker_id = $2 AND ends_at IS NULL`,
  pauseBudget: `
    INSERT INTO budget_pauses AS p (budget, until, reason, since) VALUES ($1, $2, $3, $4)
    ON CONFLICT (budget) DO UPDATE SET
      until = GREATEST(EXCLUDED.until, CASE WHEN p.until > $4 THEN p.until ELSE 0 END),
      reason = EXCLUDED.reason, since = EXCLUDED.since`,
  held: `SELECT held_by AS budget, COUNT(*)::int AS n FROM deliveries WHERE held_by = ANY($1::text[]) AND status = 'pending' GROUP BY held_by`,
  allUnits: `SELECT budget, spent_at, ends_at FROM budget_units WHERE budget = ANY($1::text[])`,
  allPauses: `SELECT budget, until FROM budget_pauses WHERE budget = ANY($1::text[])`,
} as const;

interface UnitRow {
  spent_at: number;
  ends_at: number | null;
}

function toUnit(row: UnitRow): BudgetUnit {
  return { spentAt: Number(row.spent_at), endsAt: row.ends_at === null ? null : Number(row.ends_at) };
}

export function reserveOnPostgres(pool: Pool, request: BudgetClaimRequest, token: string): Promise<Reservation> {
  return inTransaction(pool, 'read write', async function reserve(client: PoolClient): Promise<Reservation> {
    const { budget, now } = request;
    const per = budget.perMs;
    await client.query(SQL.lock, [BUDGET_LOCK_CLASS, budget.name]);
    await client.query(SQL.closeStale, [budget.name]);
    await client.query(SQL.dropStaleReservations, [budget.name, now - RESERVATION_TTL_MS]);
    await client.query(SQL.dropOld, [budget.name, now - per]);
    const pause = await client.query<{ until: number }>(SQL.pause, [budget.name]);
    const pausedAt = pause.rows[0] ? Number(pause.rows[0].until) : null;
    const pausedUntil = pausedAt !== null && pausedAt > now ? pausedAt : null;
    const units = (await client.query<UnitRow>(SQL.units, [budget.name])).rows.map(toUnit);
    const before = budgetWindow(units, budget.limit, per, now);

    const caps = new Map(request.targets.map((t) => [t.target, Math.max(0, Math.floor(t.limit))] as const));
    const rows = await client.query<{ id: string; target: string; created_at: number; status: string }>(SQL.candidates, [
      request.targets.map((t) => t.target),
      now,
    ]);
    const candidates = rows.rows.map((r) => ({ id: r.id, target: r.target, createdAt: Number(r.created_at), status: r.status }));
    const plan = planBudgetClaim(candidates, caps, pausedUntil === null ? before.room : 0);

    const leases = new Map(request.targets.map((t) => [t.target, t.leaseMs] as const));
    const pending = plan.picked.filter((c) => c.status === 'pending');
    let claimed: DeliveryRow[] = [];
    if (pending.length > 0) {
      const expiries = pending.map((c) => now + (leases.get(c.target) ?? 0));
      claimed = (
        await client.query<DeliveryRow>(SQL.claimPending, [pending.map((c) => c.id), expiries, request.workerId, now, budget.name, token])
      ).rows;
    }
    // Lapsed leases: a unit is reserved here; the store's own claim takes the deliveries over.
    const grants = new Map<string, number>();
    for (const lapsed of plan.picked.filter((c) => c.status !== 'pending')) {
      grants.set(lapsed.target, (grants.get(lapsed.target) ?? 0) + 1);
    }
    const reserved = plan.picked.length - pending.length;
    if (reserved > 0) await client.query(SQL.reserve, [budget.name, request.workerId, token, now, reserved]);
    for (let i = 0; i < claimed.length + reserved; i++) units.push({ spentAt: now, endsAt: null });
    const after = budgetWindow(units, budget.limit, per, now);
    const until = heldUntil(after, pausedUntil, now, request.recheckMs);
    const over = plan.over.filter((c) => c.status === 'pending').map((c) => c.id);
    let held = 0;
    let dropped: DeliveryRow[] = [];
    if (over.length > 0) {
      if (pausedUntil !== null || budget.over === 'hold') {
        held = (await client.query(SQL.hold, [budget.name, until, over])).rowCount ?? 0;
      } else {
        dropped = (await client.query<DeliveryRow>(SQL.drop, [over, overBudgetError(budget), now])).rows;
      }
    }
    return {
      claimed: claimed.map(toDelivery),
      grants,
      held,
      heldUntil: held > 0 ? until : null,
      dropped: dropped.map(toDelivery),
      used: after.used,
      pausedUntil,
    };
  });
}

export function bindOnPostgres(pool: Pool, token: string, deliveryIds: readonly string[], now: number): Promise<void> {
  return inTransaction(pool, 'read write', async function bind(client: PoolClient): Promise<void> {
    if (deliveryIds.length > 0) {
      await client.query(SQL.bind, [token, deliveryIds]);
      // A delivery taken over from a lapsed lease: its earlier unit ends now at the latest.
      await client.query(SQL.closeEarlier, [token, deliveryIds, now]);
      await client.query(SQL.unhold, [deliveryIds]);
    }
    await client.query(SQL.dropUnbound, [token]);
  });
}

export async function settleUnitOnPostgres(pool: Pool, deliveryId: string, workerId: string, spent: boolean, at: number): Promise<void> {
  if (spent) await pool.query(SQL.spend, [deliveryId, workerId, at]);
  else await pool.query(SQL.giveBack, [deliveryId, workerId]);
}

export async function pauseBudgetOnPostgres(pool: Pool, budget: string, until: number, reason: string, now: number): Promise<void> {
  await pool.query(SQL.pauseBudget, [budget, until, reason, now]);
}

export async function budgetStatsOnPostgres(
  pool: Pool,
  budgets: readonly { readonly name: string; readonly perMs: number }[],
  now: number,
): Promise<BudgetStats[]> {
  const names = budgets.map((b) => b.name);
  const [units, pauses, held] = await Promise.all([
    pool.query<UnitRow & { budget: string }>(SQL.allUnits, [names]),
    pool.query<{ budget: string; until: number }>(SQL.allPauses, [names]),
    pool.query<{ budget: string; n: number }>(SQL.held, [names]),
  ]);
  return budgets.map(function statsOf(budget): BudgetStats {
    const own = units.rows.filter((u) => u.budget === budget.name).map(toUnit);
    const until = pauses.rows.find((p) => p.budget === budget.name)?.until;
    return {
      name: budget.name,
      used: budgetWindow(own, Number.POSITIVE_INFINITY, budget.perMs, now).used,
      held: held.rows.find((h) => h.budget === budget.name)?.n ?? 0,
      pausedUntil: until !== undefined && Number(until) > now ? Number(until) : null,
    };
  });
}
