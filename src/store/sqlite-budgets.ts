/**
 * Shared budgets on SQLite: the bodies of the budget transactions, as plain synchronous functions
 * over prepared statements (SqliteStore runs each in one IMMEDIATE transaction). One process owns
 * the file, so the write lock alone keeps two claims from counting the same room.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { BudgetUnit } from '../delivery/budget-window.ts';
import { budgetWindow, heldUntil, planBudgetClaim } from '../delivery/budget-window.ts';
import { overBudgetError, RESERVATION_TTL_MS, type Reservation } from './budget-claim.ts';
import type { BudgetClaimRequest, BudgetStats } from './budget-types.ts';
import type { DeliveryRow } from './sqlite-rows.ts';
import { toDelivery } from './sqlite-rows.ts';

type Params = Record<string, string | number | null>;
type Stmt<R = unknown> = Statement<[Params], R>;

interface CandidateRow {
  id: string;
  target: string;
  created_at: number;
  status: string;
}

export interface BudgetStatements {
  closeStale: Stmt;
  dropStaleReservations: Stmt;
  dropOld: Stmt;
  pause: Stmt<{ until: number }>;
  units: Stmt<{ spent_at: number; ends_at: number | null }>;
  candidates: Stmt<CandidateRow>;
  reserve: Stmt;
  claimPending: Stmt<DeliveryRow>;
  hold: Stmt;
  drop: Stmt<DeliveryRow>;
  bindOne: Stmt;
  closeEarlier: Stmt;
  dropUnbound: Stmt;
  unhold: Stmt;
  spend: Stmt;
  giveBack: Stmt;
  pauseBudget: Stmt;
  held: Stmt<{ n: number }>;
}

export function prepareBudgetStatements(db: Database): BudgetStatements {
  function stmt<R = unknown>(sql: string): Stmt<R> {
    return db.prepare<Params, R>(sql) as Stmt<R>;
  }
  return {
    // A unit still open whose delivery is no longer in flight under the worker that spent it: that
    // worker stopped before settling it (a crash, a record that failed, a lease taken over). Its
    // request ended at the latest when the delivery last changed.
    closeStale: stmt(`
      UPDATE budget_units
      SET ends_at = MAX(spent_at, COALESCE((SELECT d.updated_at FROM deliveries d WHERE d.id = budget_units.delivery_id), spent_at))
      WHERE budget = @budget AND ends_at IS NULL AND delivery_id IS NOT NULL
        AND NOT EXISTS (
          SELECT 1 FROM deliveries d
          WHERE d.id = budget_units.delivery_id AND d.status = 'in_flight' AND d.lease_owner = budget_units.worker_id)`),
    // A reservation is bound within its claim; one still unbound belongs to a claim that died
    // before sending anything.
    dropStaleReservations: stmt(`
      DELETE FROM budget_units WHERE budget = @budget AND delivery_id IS NULL AND spent_at <= @before`),
    dropOld: stmt(`DELETE FROM budget_units WHERE budget = @budget AND ends_at IS NOT NULL AND ends_at <= @before`),
    pause: stmt(`SELECT until FROM budget_pauses WHERE budget = @budget`),
    units: stmt(`SELECT spent_at, ends_at FROM budget_units WHERE budget = @budget`),
    // Two index range scans (deliveries_pending, deliveries_leases), not one OR that would read every row of the target.
    candidates: stmt(`
      SELECT id, target, created_at, status FROM deliveries
      WHERE status = 'pending' AND target = @target AND next_attempt_at <= @now
      UNION ALL
      SELECT id, target, created_at, status FROM deliveries
      WHERE status = 'in_flight' AND target = @target AND lease_expires_at <= @now`),
    reserve: stmt(`
      INSERT INTO budget_units (budget, delivery_id, worker_id, claim_token, spent_at, ends_at)
      VALUES (@budget, @deliveryId, @workerId, @token, @now, NULL)`),
    claimPending: stmt(`
      UPDATE deliveries
      SET status = 'in_flight', lease_owner = @workerId, lease_expires_at = @leaseExpiresAt, updated_at = @now,
        held_by = NULL, held_until = NULL
      WHERE id = @id AND status = 'pending' AND next_attempt_at <= @now
      RETURNING *`),
    hold: stmt(`
      UPDATE deliveries SET held_by = @budget, held_until = @until, next_attempt_at = @until
      WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'pending'`),
    drop: stmt(`
      UPDATE deliveries
      SET status = 'dead', dead_reason = 'over_budget', error = @error, held_by = NULL, held_until = NULL, updated_at = @now
      WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'pending'
      RETURNING *`),
    bindOne: stmt(`
      UPDATE budget_units SET delivery_id = @deliveryId
      WHERE id = (SELECT id FROM budget_units WHERE claim_token = @token AND delivery_id IS NULL LIMIT 1)`),
    closeEarlier: stmt(`
      UPDATE budget_units SET ends_at = @now
      WHERE delivery_id = @deliveryId AND ends_at IS NULL AND claim_token <> @token`),
    dropUnbound: stmt(`DELETE FROM budget_units WHERE claim_token = @token AND delivery_id IS NULL`),
    unhold: stmt(`UPDATE deliveries SET held_by = NULL, held_until = NULL WHERE id = @deliveryId AND held_by IS NOT NULL`),
    spend: stmt(`
      UPDATE budget_units SET ends_at = MAX(spent_at, @at)
      WHERE delivery_id = @deliveryId AND worker_id = @workerId AND ends_at IS NULL`),
    giveBack: stmt(`DELETE FROM budget_units WHERE delivery_id = @deliveryId AND worker_id = @workerId AND ends_at IS NULL`),
    pauseBudget: stmt(`
      INSERT INTO budget_pauses (budget, until, reason, since) VALUES (@budget, @until, @reason, @now)
      ON CONFLICT (budget) DO UPDATE SET
        until = MAX(excluded.until, CASE WHEN budget_pauses.until > @now THEN budget_pauses.until ELSE 0 END),
        reason = excluded.reason, since = excluded.since`),
    held: stmt(`SELECT COUNT(*) AS n FROM deliveries WHERE held_by = @budget AND status = 'pending'`),
  };
}

/** Decide and record one claim's reservation (see BudgetStore.claimBudget). */
export function reserveRows(s: BudgetStatements, request: BudgetClaimRequest, token: string): Reservation {
  const { budget, now } = request;
  const per = budget.perMs;
  s.closeStale.run({ budget: budget.name });
  s.dropStaleReservations.run({ budget: budget.name, before: now - RESERVATION_TTL_MS });
  s.dropOld.run({ budget: budget.name, before: now - per });
  const pausedAt = s.pause.get({ budget: budget.name })?.until ?? null;
  const pausedUntil = pausedAt !== null && pausedAt > now ? pausedAt : null;
  const units: BudgetUnit[] = s.units.all({ budget: budget.name }).map((u) => ({ spentAt: u.spent_at, endsAt: u.ends_at }));
  const before = budgetWindow(units, budget.limit, per, now);

  const caps = new Map(request.targets.map((t) => [t.target, Math.max(0, Math.floor(t.limit))] as const));
  const candidates = request.targets.flatMap((t) =>
    s.candidates
      .all({ target: t.target, now })
      .map((row) => ({ id: row.id, target: row.target, createdAt: row.created_at, status: row.status })),
  );
  const plan = planBudgetClaim(candidates, caps, pausedUntil === null ? before.room : 0);

  const leases = new Map(request.targets.map((t) => [t.target, t.leaseMs] as const));
  const grants = new Map<string, number>();
  const claimed: DeliveryRow[] = [];
  for (const picked of plan.picked) {
    const unit = { budget: budget.name, workerId: request.workerId, token, now };
    if (picked.status === 'pending') {
      const leaseExpiresAt = now + (leases.get(picked.target) ?? 0);
      const row = s.claimPending.get({ id: picked.id, workerId: request.workerId, leaseExpiresAt, now });
      if (!row) continue;
      claimed.push(row);
      s.reserve.run({ ...unit, deliveryId: picked.id });
    } else {
      s.reserve.run({ ...unit, deliveryId: null });
      grants.set(picked.target, (grants.get(picked.target) ?? 0) + 1);
    }
    units.push({ spentAt: now, endsAt: null });
  }
  const after = budgetWindow(units, budget.limit, per, now);
  const until = heldUntil(after, pausedUntil, now, request.recheckMs);
  // Only pending deliveries wait or drop here; an expired lease is the claim's to take over.
  const over = JSON.stringify(plan.over.filter((c) => c.status === 'pending').map((c) => c.id));
  let held = 0;
  let dropped: DeliveryRow[] = [];
  if (pausedUntil !== null || budget.over === 'hold') held = s.hold.run({ budget: budget.name, until, ids: over }).changes;
  else dropped = s.drop.all({ ids: over, error: overBudgetError(budget), now });
  return {
    claimed: claimed.map(toDelivery),
    grants,
    held,
    heldUntil: held > 0 ? until : null,
    dropped: dropped.map(toDelivery),
    used: after.used,
    pausedUntil,
  };
}

/** Tie the claim's reserved units to the deliveries it claimed; give back the ones it did not use. */
export function bindRows(s: BudgetStatements, token: string, deliveryIds: readonly string[], now: number): void {
  for (const deliveryId of deliveryIds) {
    s.bindOne.run({ token, deliveryId });
    // A delivery taken over from a lapsed lease: its earlier unit ends now at the latest.
    s.closeEarlier.run({ deliveryId, token, now });
    s.unhold.run({ deliveryId });
  }
  s.dropUnbound.run({ token });
}

export function settleUnitRows(s: BudgetStatements, deliveryId: string, workerId: string, spent: boolean, at: number): void {
  if (spent) s.spend.run({ deliveryId, workerId, at });
  else s.giveBack.run({ deliveryId, workerId });
}

export function budgetStatsRows(
  s: BudgetStatements,
  budgets: readonly { readonly name: string; readonly perMs: number }[],
  now: number,
): BudgetStats[] {
  return budgets.map(function statsOf(budget): BudgetStats {
    const units = s.units.all({ budget: budget.name }).map((u) => ({ spentAt: u.spent_at, endsAt: u.ends_at }));
    const until = s.pause.get({ budget: budget.name })?.until ?? null;
    return {
      name: budget.name,
      used: budgetWindow(units, Number.POSITIVE_INFINITY, budget.perMs, now).used,
      held: s.held.get({ budget: budget.name })?.n ?? 0,
      pausedUntil: until !== null && until > now ? until : null,
    };
  });
}
