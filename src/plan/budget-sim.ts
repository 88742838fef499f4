/**
 * A budget's use over recorded traffic, simulated on the requests' times: how many requests its
 * targets would be sent, the most that fall in any one window of `per`, and how many the limit
 * would hold back (and for how long) or drop. Pure: it replays no network and no 429s (a 429 or a
 * request that never connects gives its unit back in `serve`, which only makes room). When a unit
 * stops counting is the store's rule (budget-window.ts); a differential test checks the rest
 * against the SQLite store's claims.
 */
import { type BudgetUnit, unitCounts, unitLeavesAt } from '../delivery/budget-window.ts';

export interface BudgetRule {
  readonly limit: number;
  readonly perMs: number;
  readonly over: 'hold' | 'drop';
}

export interface BudgetUse {
  /** Requests the budget's targets would be sent. */
  readonly requests: number;
  /** The most requests that arrive within any one window of `per` (demand, before the limit). */
  readonly busiestWindow: number;
  /** `over: hold`: requests that would wait for room, and the longest wait. */
  readonly held: number;
  readonly maxDelayMs: number;
  /** `over: drop`: requests that would be dead-lettered `over_budget`. */
  readonly dropped: number;
}

/** A simulated request leaves at once: claimed, sent and ended at one instant. */
function instantUnit(at: number): BudgetUnit {
  return { spentAt: at, endsAt: at };
}

/** One request of the simulation: when it was due, and when it was sent (null: dropped). */
export interface SimulatedSend {
  readonly at: number;
  readonly sentAt: number | null;
}

/**
 * Each request, oldest first, with when the budget lets it go: once the `limit`-th latest send
 * has left the window (the store's own rule of when a unit stops counting), held ones oldest
 * first so none overtakes one that waits; with `over: drop`, at once or never.
 */
export function simulateSends(rule: BudgetRule, times: readonly number[]): SimulatedSend[] {
  const sorted = [...times].sort((a, b) => a - b);
  const sent: number[] = [];
  const out: SimulatedSend[] = [];
  for (const at of sorted) {
    const oldest = sent.length < rule.limit ? null : sent[sent.length - rule.limit]!;
    const room = oldest === null ? Number.NEGATIVE_INFINITY : (unitLeavesAt(instantUnit(oldest), rule.perMs) ?? Number.POSITIVE_INFINITY);
    if (rule.over === 'drop') {
      const sentAt = room > at ? null : at;
      if (sentAt !== null) sent.push(sentAt);
      out.push({ at, sentAt });
      continue;
    }
    const sentAt = Math.max(at, room, sent.at(-1) ?? Number.NEGATIVE_INFINITY);
    sent.push(sentAt);
    out.push({ at, sentAt });
  }
  return out;
}

/** `times` in any order; each is one request. */
export function simulateBudget(rule: BudgetRule, times: readonly number[]): BudgetUse {
  const sorted = [...times].sort((a, b) => a - b);
  let busiestWindow = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    // The window ending at a request holds every earlier request whose unit still counts then.
    while (!unitCounts(instantUnit(sorted[start]!), rule.perMs, sorted[end]!)) start++;
    busiestWindow = Math.max(busiestWindow, end - start + 1);
  }
  let held = 0;
  let dropped = 0;
  let maxDelayMs = 0;
  for (const { at, sentAt } of simulateSends(rule, sorted)) {
    if (sentAt === null) dropped++;
    else if (sentAt > at) {
      held++;
      maxDelayMs = Math.max(maxDelayMs, sentAt - at);
    }
  }
  return { requests: sorted.length, busiestWindow, held, maxDelayMs, dropped };
}
