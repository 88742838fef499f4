/**
 * The store's part of fire shaping: open groups (one per route and key, joined by events without
 * reading their bodies), the cooldown window per route and key, and what became of each event
 * per shaped route. Both backends implement GroupStore; times are epoch milliseconds.
 */
import type { InsertResult, NewDelivery, NewEvent } from './types.ts';

/** What a join or a gate needs of its event: the time it counts as received at. */
export type ShapedEvent = Pick<NewEvent, 'id' | 'provider' | 'eventType' | 'receivedAt'>;

/** An event of a grouped route joins the open group of its key. */
export interface GroupJoin {
  readonly route: string;
  readonly key: string;
  readonly waitMs: number;
  readonly maxWaitMs: number;
  readonly max: number;
  /** The route's cooldown window: while its key cools down, the event is recorded `cooldown` and joins nothing. */
  readonly cooldownMs: number | null;
}

/** The deliveries of an ungrouped route with a cooldown: stored only when its key is not cooling down. */
export interface CooldownGate {
  readonly route: string;
  readonly key: string;
  readonly forMs: number;
  readonly deliveries: readonly NewDelivery[];
}

export interface ShapeWrite {
  readonly joins: readonly GroupJoin[];
  readonly gates: readonly CooldownGate[];
}

export type ShapeOutcome =
  | { readonly route: string; readonly outcome: 'grouped'; readonly groupId: string; readonly count: number; readonly firesAt: number }
  | { readonly route: string; readonly outcome: 'cooldown'; readonly until: number }
  | { readonly route: string; readonly outcome: 'fired' };

export interface ShapedInsertResult extends InsertResult {
  /** Per join and gate, in the order given; empty for a duplicate. */
  readonly shaped: readonly ShapeOutcome[];
}

/** `open` takes events; `closed` is full or past its time and waits to fire; `firing` is claimed. */
export type GroupStatus = 'open' | 'closed' | 'firing' | 'fired' | 'cooldown';

export interface GroupRecord {
  readonly id: string;
  readonly route: string;
  readonly key: string;
  readonly provider: string;
  readonly status: GroupStatus;
  readonly count: number;
  /** Received time of its first and last event. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** When it fires (or fired, or was due) at the latest. */
  readonly firesAt: number;
  readonly lastEventId: string;
  readonly firedAt: number | null;
  /** Status `cooldown`: the end of the window that suppressed the group's fire. */
  readonly cooldownUntil: number | null;
}

export interface GroupClaim {
  readonly now: number;
  readonly limit: number;
  readonly leaseMs: number;
  readonly owner: string;
}

/** One event of a group, with what a map over `$group` needs. */
export interface GroupMember {
  readonly eventId: string;
  readonly dedupKey: string;
  readonly eventType: string;
  readonly receivedAt: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
}

export interface GroupFire {
  readonly groupId: string;
  readonly owner: string;
  readonly now: number;
  /** One per target of the route; stored on the group's last event. */
  readonly deliveries: readonly NewDelivery[];
  /** The route's cooldown: a key still cooling down suppresses the fire; otherwise the window starts now. */
  readonly cooldownMs: number | null;
}

/** `lost`: the claim was taken over or the group is gone; nothing was written. */
export type FireResult = 'fired' | 'cooldown' | 'lost';

export interface EventShape {
  readonly route: string;
  readonly outcome: 'grouped' | 'cooldown';
  readonly group: GroupRecord | null;
  /** Outcome `cooldown`: when the window ends. */
  readonly until: number | null;
}

export interface GroupStore {
  /**
   * insertEvent, and in the same transaction (only when the event is not a duplicate): every
   * join, and every gate's deliveries unless its key is cooling down. Resolves once durable.
   */
  insertShapedEvent(event: NewEvent, deliveries: readonly NewDelivery[], shape: ShapeWrite): Promise<ShapedInsertResult>;
  /**
   * A stored event routed again (reroute) as if it arrived at `at`: joins and gates as at ingest,
   * skipping every route the event was already shaped by or already has deliveries of, so a
   * reroute never joins twice or bypasses a cooldown. The event becomes `accepted` when it joined
   * a group or a gate fired. Null when there is no such event.
   */
  shapeStoredEvent(eventId: string, at: number, shape: ShapeWrite): Promise<ShapeOutcome[] | null>;
  /** Earliest time a group is due to fire (or a firing claim runs out); null when none waits. */
  nextGroupDueAt(): Promise<number | null>;
  /** Claim due groups (and groups whose firing claim ran out) under a lease: each fires from one owner. */
  claimDueGroups(claim: GroupClaim): Promise<GroupRecord[]>;
  /** A group's events, oldest first, bodies included (read once, when it fires). */
  groupMembers(groupId: string): Promise<GroupMember[]>;
  /** Fire a claimed group: its deliveries, its status and the cooldown, in one transaction, only while `owner` holds it. */
  fireGroup(fire: GroupFire): Promise<FireResult>;
  /** Groups that have not fired yet, by when they fire. */
  listOpenGroups(route?: string): Promise<GroupRecord[]>;
  /** Groups not fired yet, per route. */
  openGroupCounts(): Promise<{ readonly route: string; readonly count: number }[]>;
  /** Per shaped route, what became of the event. */
  eventShapes(eventId: string): Promise<EventShape[]>;
  /** Start-up of a single owner (SQLite): claims left by the previous run are due again now. */
  recoverFiringGroups(): Promise<number>;
  /** Fired groups older than the cutoff, and cooldowns that ended before `now`. */
  purgeGroups(cutoff: number, now: number): Promise<number>;
}
