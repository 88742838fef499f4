/**
 * A budget's use over recorded traffic, simulated on the requests' times: how many requests its
 * targets would be sent, the most that fall in any one window of `per`, and how many the limit
 * would hold back (and for how long) or drop. Pure: it replays no network and no 429s (a 429 or a
 * request that never connects gives its unit back in `serve`, which only makes room).
 */

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

/** `times` in any order; each is one request. */
export function simulateBudget(rule: BudgetRule, times: readonly number[]): BudgetUse {
  const sorted = [...times].sort((a, b) => a - b);
  let busiestWindow = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= rule.perMs) start++;
    busiestWindow = Math.max(busiestWindow, end - start + 1);
  }
  // Send times so far, in order: a request may go once the `limit`-th latest send has left the window.
  const sent: number[] = [];
  let held = 0;
  let dropped = 0;
  let maxDelayMs = 0;
  for (const at of sorted) {
    const room = sent.length < rule.limit ? Number.NEGATIVE_INFINITY : sent[sent.length - rule.limit]! + rule.perMs;
    if (rule.over === 'drop') {
      if (room > at) dropped++;
      else sent.push(at);
      continue;
    }
    // Held requests go oldest first, so none overtakes one that waits.
    const sendAt = Math.max(at, room, sent.at(-1) ?? Number.NEGATIVE_INFINITY);
    if (sendAt > at) {
      held++;
      maxDelayMs = Math.max(maxDelayMs, sendAt - at);
    }
    sent.push(sendAt);
  }
  return { requests: sorted.length, busiestWindow, held, maxDelayMs, dropped };
}
