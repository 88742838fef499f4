/**
 * The rules of grouping, shared by both store backends. Joining an open group is one conditional
 * UPDATE (groups-sql.ts, `joinOpen`) printed from JOIN_RULE (groups-rule.ts): count + 1, lastAt =
 * max(lastAt, at), and the group fires at min(lastAt + wait, firstAt + maxWait), or at once (and
 * takes no more) when it holds `max` events; only a group whose time has not come yet
 * (firesAt > at) takes the event. Otherwise the event opens a new group, as planned here.
 */
import { holds, JOIN_RULE, type RuleRow, ruleValue } from './groups-rule.ts';
import type { GroupJoin } from './groups-types.ts';

export interface OpenPlan {
  readonly firesAt: number;
  readonly deadlineAt: number;
  /** `closed` when one event is already `max`: it fires now and takes no more. */
  readonly status: 'open' | 'closed';
}

/** The group a first event opens; `at` is the event's received time. */
export function planOpen(at: number, join: Pick<GroupJoin, 'waitMs' | 'maxWaitMs' | 'max'>): OpenPlan {
  const deadlineAt = at + join.maxWaitMs;
  const full = join.max <= 1;
  return { firesAt: full ? at : Math.min(at + join.waitMs, deadlineAt), deadlineAt, status: full ? 'closed' : 'open' };
}

/** What joining (route, key) at `at` does, given the group of that key not fired yet (null: none). */
export interface JoinPlan {
  /** The open group's time has come (or it is full): it fires first, and the event opens a new group. */
  readonly closeOpen: boolean;
  /** The event opens a new group (with `count` 1). */
  readonly opens: boolean;
  readonly count: number;
  readonly lastAt: number;
  readonly firesAt: number;
  readonly deadlineAt: number;
  readonly status: 'open' | 'closed';
}

/** The store's conditional join (the same JOIN_RULE, evaluated), for a simulation that holds its groups in memory (`hookgate plan`). */
export function planJoin(
  open: {
    readonly count: number;
    readonly lastAt: number;
    readonly firesAt: number;
    readonly deadlineAt: number;
    readonly status: 'open' | 'closed';
  } | null,
  at: number,
  join: Pick<GroupJoin, 'waitMs' | 'maxWaitMs' | 'max'>,
): JoinPlan {
  if (open !== null) {
    const row: RuleRow = {
      status: open.status,
      count: open.count,
      last_at: open.lastAt,
      fires_at: open.firesAt,
      deadline_at: open.deadlineAt,
    };
    const params = { at, waitMs: join.waitMs, max: join.max };
    if (holds(JOIN_RULE.takes, row, params)) {
      const full = holds([JOIN_RULE.fills], row, params);
      return {
        closeOpen: false,
        opens: false,
        count: ruleValue(JOIN_RULE.count, row, params),
        lastAt: ruleValue(JOIN_RULE.lastAt, row, params),
        firesAt: ruleValue(full ? JOIN_RULE.firesAtFull : JOIN_RULE.firesAt, row, params),
        deadlineAt: open.deadlineAt,
        status: full ? 'closed' : 'open',
      };
    }
  }
  const opened = planOpen(at, join);
  return { closeOpen: open !== null, opens: true, count: 1, lastAt: at, ...opened };
}
