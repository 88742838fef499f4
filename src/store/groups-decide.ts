/**
 * The rules of grouping, shared by both store backends. Joining an open group is one conditional
 * UPDATE (groups-sql.ts, `joinOpen`): count + 1, lastAt = max(lastAt, at), and the group fires at
 * min(lastAt + wait, firstAt + maxWait), or at once (and takes no more) when it holds `max`
 * events; only a group whose time has not come yet (firesAt > at) takes the event. Otherwise the
 * event opens a new group, as planned here.
 */
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
