/**
 * Fire shaping on SQLite. Joins ride the store's group commit with the event they belong to (one
 * transaction, one WAL sync for a whole batch of requests), and touch only the group's row and
 * one membership row: no body of the group's earlier events is read.
 */
import type { Database, Statement } from 'better-sqlite3';
import { planOpen } from './groups-decide.ts';
import { stillCooling } from './groups-rule.ts';
import { GROUP_SQL, type GroupRow, type MemberRow, type ShapeRow, toGroup } from './groups-sql.ts';
import type {
  CooldownGate,
  EventShape,
  FireResult,
  GroupClaim,
  GroupFire,
  GroupJoin,
  GroupMember,
  GroupRecord,
  GroupStore,
  ShapedEvent,
  ShapedInsertResult,
  ShapeOutcome,
  ShapeWrite,
} from './groups-types.ts';
import { newId } from './ids.ts';
import type { GroupCommit } from './sqlite-group-commit.ts';
import type { Statements } from './sqlite-statements.ts';
import { insertDeliveryRow, insertEventRows } from './sqlite-writes.ts';
import type { NewDelivery, NewEvent } from './types.ts';

type Prepared = { readonly [K in keyof typeof GROUP_SQL]: Statement };

export class SqliteGroups implements GroupStore {
  readonly #db: Database;
  readonly #commit: GroupCommit;
  readonly #durable: () => Promise<void>;
  readonly #main: () => Statements;
  #prepared: Prepared | null = null;

  /** `main`: the store's own statements (prepared after migrate), for events and deliveries. */
  constructor(db: Database, commit: GroupCommit, durable: () => Promise<void>, main: () => Statements) {
    this.#db = db;
    this.#commit = commit;
    this.#durable = durable;
    this.#main = main;
  }

  get #q(): Prepared {
    if (!this.#prepared) {
      const out: Record<string, Statement> = {};
      for (const [name, sql] of Object.entries(GROUP_SQL)) {
        if (!name.endsWith('Postgres')) out[name] = this.#db.prepare(sql);
      }
      this.#prepared = out as Prepared;
    }
    return this.#prepared;
  }

  insertShapedEvent(event: NewEvent, deliveries: readonly NewDelivery[], shape: ShapeWrite): Promise<ShapedInsertResult> {
    const s = this.#main();
    const q = this.#q;
    return this.#commit.run(function insertShaped(): ShapedInsertResult {
      const inserted = insertEventRows(s, event, deliveries);
      if (inserted.duplicate) return { ...inserted, shaped: [] };
      // A redelivery of an ignored event takes its stored row (and id) over.
      const stored = inserted.eventId === event.id ? event : { ...event, id: inserted.eventId };
      const shaped: ShapeOutcome[] = [];
      for (const join of shape.joins) shaped.push(joinRows(q, stored, join));
      for (const gate of shape.gates) shaped.push(gateRows(s, q, stored, gate));
      return { ...inserted, shaped };
    });
  }

  shapeStoredEvent(eventId: string, at: number, shape: ShapeWrite): Promise<ShapeOutcome[] | null> {
    const s = this.#main();
    const q = this.#q;
    return this.#commit.run(function shapeStored(): ShapeOutcome[] | null {
      const head = q.eventHead.get({ id: eventId }) as { id: string; provider: string; event_type: string } | undefined;
      if (!head) return null;
      const event: ShapedEvent = { id: head.id, provider: head.provider, eventType: head.event_type, receivedAt: at };
      const done = new Set([
        ...(q.shapedRoutes.all({ eventId }) as { route: string }[]).map((r) => r.route),
        ...(q.deliveryRoutes.all({ eventId }) as { route: string }[]).map((r) => r.route),
      ]);
      const shaped: ShapeOutcome[] = [];
      for (const join of shape.joins) if (!done.has(join.route)) shaped.push(joinRows(q, event, join));
      for (const gate of shape.gates) if (!done.has(gate.route)) shaped.push(gateRows(s, q, event, gate));
      if (shaped.some((o) => o.outcome !== 'cooldown')) q.markAccepted.run({ id: eventId });
      return shaped;
    });
  }

  async nextGroupDueAt(): Promise<number | null> {
    const row = this.#q.nextDue.get() as { at: number | null } | undefined;
    return row?.at ?? null;
  }

  claimDueGroups(claim: GroupClaim): Promise<GroupRecord[]> {
    const q = this.#q;
    return this.#commit.run(function claimGroups(): GroupRecord[] {
      const rows = q.claimSqlite.all({
        now: claim.now,
        limit: Math.max(0, Math.floor(claim.limit)),
        owner: claim.owner,
        leaseExpiresAt: claim.now + claim.leaseMs,
      }) as GroupRow[];
      return rows.map(toGroup).sort((a, b) => a.firesAt - b.firesAt || (a.id < b.id ? -1 : 1));
    });
  }

  async groupMembers(groupId: string): Promise<GroupMember[]> {
    const q = this.#q;
    return walkMembers(groupId, (sql, params) => {
      const statement = sql === GROUP_SQL.groupHead ? q.groupHead : q.member;
      return Promise.resolve(statement.get(params) as never);
    });
  }

  fireGroup(fire: GroupFire): Promise<FireResult> {
    const s = this.#main();
    const q = this.#q;
    return this.#commit.run(function fire_(): FireResult {
      return fireRows(s, q, fire);
    });
  }

  async listOpenGroups(route?: string): Promise<GroupRecord[]> {
    const q = this.#q;
    const rows = (route === undefined ? q.listOpen.all() : q.listOpenOfRoute.all({ route })) as GroupRow[];
    return rows.map(toGroup);
  }

  async openGroupCounts(): Promise<{ route: string; count: number }[]> {
    return this.#q.openCounts.all() as { route: string; count: number }[];
  }

  async eventShapes(eventId: string): Promise<EventShape[]> {
    return (this.#q.eventShapes.all({ eventId }) as ShapeRow[]).map(toShape);
  }

  async recoverFiringGroups(): Promise<number> {
    this.#commit.flush();
    const changed = this.#q.recoverFiring.run().changes;
    await this.#durable();
    return changed;
  }

  async purgeGroups(cutoff: number, now: number): Promise<number> {
    this.#commit.flush();
    const q = this.#q;
    const deleted = this.#db.transaction(function purge(): number {
      q.purgeCooldowns.run({ now });
      return q.purgeGroups.run({ cutoff }).changes;
    })();
    await this.#durable();
    return deleted;
  }
}

function joinRows(q: Prepared, event: ShapedEvent, join: GroupJoin): ShapeOutcome {
  const at = event.receivedAt;
  const base = { eventId: event.id, route: join.route };
  if (join.cooldownMs !== null) {
    const cooling = q.cooldownUntil.get({ route: join.route, key: join.key }) as { until: number } | undefined;
    if (cooling && stillCooling(cooling.until, at)) {
      q.insertShape.run({ ...base, outcome: 'cooldown', groupId: null, position: null, until: cooling.until, prevEventId: null });
      return { route: join.route, outcome: 'cooldown', until: cooling.until };
    }
  }
  const keyed = { route: join.route, key: join.key, at, lastEventId: event.id };
  type Joined = { id: string; count: number; fires_at: number; prior_event_id: string | null } | undefined;
  const joined =
    (q.joinOpenSqlite.get({ ...keyed, max: join.max, waitMs: join.waitMs }) as Joined) ??
    (q.joinFillingSqlite.get({ ...keyed, max: join.max }) as Joined);
  let groupId: string;
  let count: number;
  let firesAt: number;
  let prevEventId: string | null = null;
  if (joined) {
    ({ id: groupId, count, fires_at: firesAt, prior_event_id: prevEventId } = joined);
  } else {
    // No group of this key takes events: none is open, or the open one's time has come (it fires
    // without this event). The event opens the next group.
    const stale = q.openGroup.get({ route: join.route, key: join.key }) as { id: string } | undefined;
    if (stale) q.closeGroup.run({ id: stale.id });
    const plan = planOpen(at, join);
    groupId = newId('grp', at);
    const inserted = q.insertGroup.run({
      ...keyed,
      id: groupId,
      provider: event.provider,
      status: plan.status,
      firesAt: plan.firesAt,
      deadlineAt: plan.deadlineAt,
    });
    // One writer holds the file, and the open group was looked up in this transaction.
    if (inserted.changes !== 1) throw new Error(`route ${join.route}: an open group of key ${join.key} appeared during the join`);
    count = 1;
    firesAt = plan.firesAt;
  }
  q.insertShape.run({ ...base, outcome: 'grouped', groupId, position: count, until: null, prevEventId });
  return { route: join.route, outcome: 'grouped', groupId, count, firesAt };
}

function gateRows(s: Statements, q: Prepared, event: ShapedEvent, gate: CooldownGate): ShapeOutcome {
  const at = event.receivedAt;
  const taken = q.takeCooldown.get({ route: gate.route, key: gate.key, until: at + gate.forMs, at });
  if (taken === undefined) {
    const cooling = q.cooldownUntil.get({ route: gate.route, key: gate.key }) as { until: number };
    q.insertShape.run({
      eventId: event.id,
      route: gate.route,
      outcome: 'cooldown',
      groupId: null,
      position: null,
      until: cooling.until,
      prevEventId: null,
    });
    return { route: gate.route, outcome: 'cooldown', until: cooling.until };
  }
  for (const delivery of gate.deliveries) insertDeliveryRow(s, event.id, event.provider, event.eventType, delivery, at);
  return { route: gate.route, outcome: 'fired' };
}

function fireRows(s: Statements, q: Prepared, fire: GroupFire): FireResult {
  const row = q.heldGroup.get({ id: fire.groupId, owner: fire.owner }) as GroupRow | undefined;
  if (!row) return 'lost';
  if (fire.cooldownMs !== null) {
    const taken = q.takeCooldown.get({ route: row.route, key: row.key, until: fire.now + fire.cooldownMs, at: fire.now });
    if (taken === undefined) {
      const cooling = q.cooldownUntil.get({ route: row.route, key: row.key }) as { until: number };
      q.finishGroup.run({ id: row.id, status: 'cooldown', now: fire.now, cooldownUntil: cooling.until });
      return 'cooldown';
    }
  }
  const event = s.getEvent.get({ id: row.last_event_id });
  if (!event) throw new Error(`group ${row.id}: its last event ${row.last_event_id} is gone`);
  for (const delivery of fire.deliveries) insertDeliveryRow(s, event.id, event.provider, event.event_type, delivery, fire.now);
  q.finishGroup.run({ id: row.id, status: 'fired', now: fire.now, cooldownUntil: null });
  return 'fired';
}

type ReadOne = <R>(sql: string, params: Record<string, string>) => Promise<R | undefined>;

/**
 * A group's events, oldest first, from its chain: the group's last event, then each event's
 * predecessor. At most count links are followed (a purged event ends the chain early).
 */
export async function walkMembers(groupId: string, readOne: ReadOne): Promise<GroupMember[]> {
  const head = await readOne<{ route: string; last_event_id: string; count: number }>(GROUP_SQL.groupHead, { id: groupId });
  if (!head) return [];
  const members: GroupMember[] = [];
  let next: string | null = head.last_event_id;
  while (next !== null && members.length < head.count) {
    const row: MemberRow | undefined = await readOne<MemberRow>(GROUP_SQL.member, { eventId: next, route: head.route, groupId });
    if (!row) break;
    members.push(toMember(row));
    next = row.prev_event_id;
  }
  return members.reverse();
}

export function toMember(row: MemberRow): GroupMember {
  return {
    eventId: row.id,
    dedupKey: row.dedup_key,
    eventType: row.event_type,
    receivedAt: row.received_at,
    headers: typeof row.headers === 'string' ? (JSON.parse(row.headers) as Record<string, string>) : row.headers,
    rawBody: row.raw_body,
  };
}

export function toShape(row: ShapeRow): EventShape {
  return {
    route: row.shape_route,
    outcome: row.shape_outcome === 'cooldown' ? 'cooldown' : 'grouped',
    group: typeof row.id === 'string' ? toGroup(row as GroupRow) : null,
    until: row.shape_until,
  };
}
