/**
 * The pure decisions of grouping, shared by both store backends: what one event does to the open
 * group of its key (join it, or close it and open the next), and when a group fires.
 */
import type { GroupJoin } from './groups-types.ts';

export interface OpenGroupState {
  readonly count: number;
  readonly lastAt: number;
  readonly firesAt: number;
  readonly deadlineAt: number;
}

export interface JoinPlan {
  /** The open group has gone quiet (or run out of time) before this event: close it, open a new one. */
  readonly closeOpen: boolean;
  /** True: a new group is opened with this event as its first. */
  readonly opens: boolean;
  readonly count: number;
  readonly lastAt: number;
  readonly firesAt: number;
  readonly deadlineAt: number;
  /** `closed` once it holds `max` events: it fires now and takes no more. */
  readonly status: 'open' | 'closed';
}

/** `at` is the event's received time. */
export function planJoin(open: OpenGroupState | null, at: number, join: Pick<GroupJoin, 'waitMs' | 'maxWaitMs' | 'max'>): JoinPlan {
  // A group whose time has come fires without this event, even if its fire is not done yet.
  const joinable = open !== null && open.firesAt > at;
  if (open !== null && joinable) {
    const count = open.count + 1;
    const lastAt = Math.max(open.lastAt, at);
    const full = count >= join.max;
    return {
      closeOpen: false,
      opens: false,
      count,
      lastAt,
      firesAt: full ? at : Math.min(lastAt + join.waitMs, open.deadlineAt),
      deadlineAt: open.deadlineAt,
      status: full ? 'closed' : 'open',
    };
  }
  const deadlineAt = at + join.maxWaitMs;
  const full = join.max <= 1;
  return {
    closeOpen: open !== null,
    opens: true,
    count: 1,
    lastAt: at,
    firesAt: full ? at : Math.min(at + join.waitMs, deadlineAt),
    deadlineAt,
    status: full ? 'closed' : 'open',
  };
}
