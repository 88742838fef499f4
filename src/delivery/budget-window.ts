/**
 * The arithmetic of a shared budget, kept pure so both store backends decide the same way and a
 * table test can pin every edge.
 *
 * A budget allows `limit` requests in any sliding window of `perMs`. Each request sent takes one
 * unit. A unit is counted from the moment its delivery is claimed until `perMs` after the request
 * ended: the target may see the request at any moment between those two, so only then can no
 * window of `perMs`, as the target sees it, hold more than `limit` requests. A unit whose request
 * is still in flight (no end yet) is always counted.
 */

export interface BudgetUnit {
  /** When the delivery was claimed for this request. */
  readonly spentAt: number;
  /** When the request ended; null while it is in flight. */
  readonly endsAt: number | null;
}

export interface BudgetWindow {
  /** Units that count at `now`. */
  readonly used: number;
  /** Requests that may start at `now`: limit - used, never below zero. */
  readonly room: number;
  /**
   * When the next unit leaves the window, if the budget is full and some counted unit has ended;
   * null when there is room, or when every counted unit is still in flight (room comes when one
   * of them ends, and its worker says so).
   */
  readonly nextRoomAt: number | null;
}

/** When the unit stops counting: `perMs` after its request ended; null while it is in flight. */
export function unitLeavesAt(unit: BudgetUnit, perMs: number): number | null {
  return unit.endsAt === null ? null : unit.endsAt + perMs;
}

/** True while the unit still counts against the window ending at `now`. */
export function unitCounts(unit: BudgetUnit, perMs: number, now: number): boolean {
  const leavesAt = unitLeavesAt(unit, perMs);
  return leavesAt === null || leavesAt > now;
}

export function budgetWindow(units: readonly BudgetUnit[], limit: number, perMs: number, now: number): BudgetWindow {
  const leaving: number[] = [];
  let used = 0;
  for (const unit of units) {
    if (!unitCounts(unit, perMs, now)) continue;
    used++;
    const leavesAt = unitLeavesAt(unit, perMs);
    if (leavesAt !== null) leaving.push(leavesAt);
  }
  const room = Math.max(0, Math.floor(limit) - used);
  if (room > 0) return { used, room, nextRoomAt: null };
  // Full: room for one more once (used - limit + 1) units have left, the earliest leaving first.
  leaving.sort((a, b) => a - b);
  const needed = used - Math.floor(limit);
  return { used, room, nextRoomAt: leaving[needed] ?? null };
}

export interface BudgetCandidate {
  readonly id: string;
  readonly target: string;
  /** Oldest first: by creation time, then id. */
  readonly createdAt: number;
}

export interface BudgetPlan<C> {
  /** To send now: the oldest due ones that fit the room and their target's cap. */
  readonly picked: C[];
  /** Found the budget's room used up: held (or dropped) until the window has room. */
  readonly over: C[];
}

/**
 * Which due deliveries to send now: the oldest across every target of the budget, at most `room`
 * in all and at most `caps[target]` of each target (what that target can take right now: its
 * free concurrency, one for a paced target). A delivery whose target is at its cap while room is
 * left just waits its turn; one that comes after the room is used up is over the budget. Targets
 * without a cap take no part.
 */
export function planBudgetClaim<C extends BudgetCandidate>(
  candidates: readonly C[],
  caps: ReadonlyMap<string, number>,
  room: number,
): BudgetPlan<C> {
  const left = new Map(caps);
  const picked: C[] = [];
  const over: C[] = [];
  for (const candidate of [...candidates].sort(byAge)) {
    const cap = left.get(candidate.target);
    if (cap === undefined) continue;
    if (picked.length >= room) over.push(candidate);
    else if (cap > 0) {
      left.set(candidate.target, cap - 1);
      picked.push(candidate);
    }
  }
  return { picked, over };
}

function byAge(a: BudgetCandidate, b: BudgetCandidate): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A 429 without Retry-After pauses the budget this long. */
export const DEFAULT_BUDGET_PAUSE_MS = 60_000;

/** When a budget paused by a 429 opens again. */
export function pauseUntil(retryAfterMs: number | null, now: number): number {
  return now + (retryAfterMs !== null && retryAfterMs >= 0 ? retryAfterMs : DEFAULT_BUDGET_PAUSE_MS);
}

/**
 * Whether an attempt used its unit. A 429 was refused before anything started, and a request
 * that never connected never reached the target: both give the unit back. Anything else,
 * including a timeout or a reset after the request was written, may have reached the target and
 * keeps it.
 */
export function unitSpent(result: {
  readonly statusCode: number | null;
  readonly error: { readonly requestSent: boolean } | null;
}): boolean {
  if (result.statusCode === 429) return false;
  if (result.statusCode === null && result.error !== null && !result.error.requestSent) return false;
  return true;
}

/**
 * When held deliveries are looked at again: when the window has room, or the pause ends. With
 * every counted unit in flight there is no time to name; look again after `recheckMs` (a worker
 * whose request ends wakes its own loop sooner; this bounds the wait for other replicas').
 */
export function heldUntil(window: BudgetWindow, pausedUntil: number | null, now: number, recheckMs: number): number {
  if (pausedUntil !== null && pausedUntil > now) return Math.max(pausedUntil, window.room > 0 ? 0 : (window.nextRoomAt ?? 0));
  return window.nextRoomAt ?? now + recheckMs;
}
