/**
 * Fire shaping in the admin API: the open groups (`GET /admin/groups?route=`, field names as the
 * contract gives them), and per shaped route what became of one event (for the event detail).
 */
import type { EventShape, GroupRecord } from '../store/groups-types.ts';
import { isoTime } from './admin-views.ts';

export interface OpenGroupView {
  readonly route: string;
  readonly key: string;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly firesAt: string;
}

export function openGroupView(group: GroupRecord): OpenGroupView {
  return {
    route: group.route,
    key: group.key,
    count: group.count,
    firstAt: isoTime(group.firstAt),
    lastAt: isoTime(group.lastAt),
    firesAt: isoTime(group.firesAt),
  };
}

export type EventShapeView =
  | {
      readonly route: string;
      readonly outcome: 'grouped';
      readonly group: {
        readonly id: string;
        readonly key: string;
        readonly status: string;
        readonly count: number;
        readonly first_at: string;
        readonly last_at: string;
        readonly fires_at: string;
        readonly fired_at: string | null;
        readonly cooldown_until: string | null;
      } | null;
    }
  | { readonly route: string; readonly outcome: 'cooldown'; readonly until: string | null };

export function eventShapeView(shape: EventShape): EventShapeView {
  if (shape.outcome === 'cooldown') {
    return { route: shape.route, outcome: 'cooldown', until: shape.until === null ? null : isoTime(shape.until) };
  }
  const g = shape.group;
  return {
    route: shape.route,
    outcome: 'grouped',
    group:
      g === null
        ? null
        : {
            id: g.id,
            key: g.key,
            status: g.status,
            count: g.count,
            first_at: isoTime(g.firstAt),
            last_at: isoTime(g.lastAt),
            fires_at: isoTime(g.firesAt),
            fired_at: g.firedAt === null ? null : isoTime(g.firedAt),
            cooldown_until: g.cooldownUntil === null ? null : isoTime(g.cooldownUntil),
          },
  };
}
