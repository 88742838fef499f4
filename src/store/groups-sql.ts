/**
 * The SQL of fire shaping, written once with @named parameters: SQLite binds them by name, and
 * PostgreSQL gets them through positional() (postgres-params.ts). Where the dialects differ (row
 * locks, SKIP LOCKED), the PostgreSQL form is given beside.
 */
import { COOLDOWN_RULE, conditionSql, type Dialect, exprSql, JOIN_RULE, negate } from './groups-rule.ts';
import type { GroupRecord, GroupStatus } from './groups-types.ts';

/**
 * The join, in one statement: the open group of the key takes the event when its time has not
 * come yet. Every right-hand side reads the row as it was before the update. The conditions and
 * values are JOIN_RULE's, the ones `hookgate plan` evaluates in memory.
 */
function joinOpen(dialect: Dialect): string {
  const o = { dialect };
  // Two cases, so that the common one leaves `status` alone: an UPDATE that sets an indexed (or
  // index-filtering) column rewrites those index entries even when the value does not change.
  return `
    UPDATE route_groups SET
      count = ${exprSql(JOIN_RULE.count, o)},
      last_at = ${exprSql(JOIN_RULE.lastAt, o)},
      fires_at = ${exprSql(JOIN_RULE.firesAt, o)},
      prior_event_id = last_event_id,
      last_event_id = @lastEventId
    WHERE route = @route AND key = @key AND ${conditionSql([...JOIN_RULE.takes, negate(JOIN_RULE.fills)], o)}
    RETURNING id, count, fires_at, prior_event_id`;
}

/** The join of the event that fills the group to `max`: it fires at once and takes no more. */
function joinFilling(dialect: Dialect): string {
  const o = { dialect };
  return `
    UPDATE route_groups SET count = ${exprSql(JOIN_RULE.count, o)}, last_at = ${exprSql(JOIN_RULE.lastAt, o)}, fires_at = ${exprSql(JOIN_RULE.firesAtFull, o)}, status = 'closed',
      prior_event_id = last_event_id, last_event_id = @lastEventId
    WHERE route = @route AND key = @key AND ${conditionSql([...JOIN_RULE.takes, JOIN_RULE.fills], o)}
    RETURNING id, count, fires_at, prior_event_id`;
}

/** The upsert's conflict clause reads the stored row: its window must have ended. Same printed form on both dialects. */
const COOLDOWN_ENDED = conditionSql([negate(COOLDOWN_RULE.cooling)], { dialect: 'sqlite', table: 'route_cooldowns' });

const NOT_FIRED = `status IN ('open', 'closed', 'firing')`;
const DUE = `${NOT_FIRED} AND fires_at <= @now AND (status <> 'firing' OR lease_expires_at <= @now)`;

export const GROUP_SQL = {
  cooldownUntil: `SELECT until FROM route_cooldowns WHERE route = @route AND key = @key`,
  openGroup: `SELECT id, fires_at FROM route_groups WHERE route = @route AND key = @key AND status = 'open'`,
  closeGroup: `UPDATE route_groups SET status = 'closed' WHERE id = @id AND status = 'open'`,
  joinOpenSqlite: joinOpen('sqlite'),
  joinOpenPostgres: joinOpen('postgres'),
  joinFillingSqlite: joinFilling('sqlite'),
  joinFillingPostgres: joinFilling('postgres'),
  insertGroup: `
    INSERT INTO route_groups (id, route, key, provider, status, count, first_at, last_at, fires_at, deadline_at, last_event_id)
    VALUES (@id, @route, @key, @provider, @status, 1, @at, @at, @firesAt, @deadlineAt, @lastEventId)
    ON CONFLICT (route, key) WHERE status = 'open' DO NOTHING`,
  insertShape: `
    INSERT INTO event_shapes (event_id, route, outcome, group_id, position, until, prev_event_id)
    VALUES (@eventId, @route, @outcome, @groupId, @position, @until, @prevEventId)`,
  /** Takes the window when the key is not cooling down at @at; returns a row only then. */
  takeCooldown: `
    INSERT INTO route_cooldowns (route, key, until) VALUES (@route, @key, @until)
    ON CONFLICT (route, key) DO UPDATE SET until = excluded.until WHERE ${COOLDOWN_ENDED}
    RETURNING until`,
  claimSqlite: `
    UPDATE route_groups SET status = 'firing', lease_owner = @owner, lease_expires_at = @leaseExpiresAt
    WHERE id IN (SELECT id FROM route_groups WHERE ${DUE} ORDER BY fires_at, id LIMIT @limit)
    RETURNING *`,
  /** SKIP LOCKED: a group being joined right now, or claimed by another replica, is left for later. */
  claimPostgres: `
    WITH due AS MATERIALIZED (
      SELECT id FROM route_groups WHERE ${DUE} ORDER BY fires_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
    UPDATE route_groups g SET status = 'firing', lease_owner = @owner, lease_expires_at = @leaseExpiresAt
    FROM due WHERE g.id = due.id
    RETURNING g.*`,
  nextDue: `
    SELECT MIN(CASE WHEN status = 'firing' THEN lease_expires_at ELSE fires_at END) AS at
    FROM route_groups WHERE ${NOT_FIRED}`,
  heldGroup: `SELECT * FROM route_groups WHERE id = @id AND status = 'firing' AND lease_owner = @owner`,
  finishGroup: `
    UPDATE route_groups SET status = @status, fired_at = @now, cooldown_until = @cooldownUntil, lease_owner = NULL, lease_expires_at = NULL
    WHERE id = @id`,
  groupHead: `SELECT route, last_event_id, count FROM route_groups WHERE id = @id`,
  /** One link of a group's chain: the event, and the one that joined before it. */
  member: `
    SELECT e.id, e.dedup_key, e.event_type, e.received_at, e.headers, e.raw_body, s.prev_event_id
    FROM event_shapes s JOIN events e ON e.id = s.event_id
    WHERE s.event_id = @eventId AND s.route = @route AND s.group_id = @groupId`,
  listOpen: `SELECT * FROM route_groups WHERE ${NOT_FIRED} ORDER BY fires_at, id LIMIT 1000`,
  listOpenOfRoute: `SELECT * FROM route_groups WHERE ${NOT_FIRED} AND route = @route ORDER BY fires_at, id LIMIT 1000`,
  openCounts: `SELECT route, COUNT(*) AS count FROM route_groups WHERE ${NOT_FIRED} GROUP BY route ORDER BY route`,
  eventShapes: `
    SELECT s.route AS shape_route, s.outcome AS shape_outcome, s.until AS shape_until, g.*
    FROM event_shapes s LEFT JOIN route_groups g ON g.id = s.group_id
    WHERE s.event_id = @eventId ORDER BY s.route`,
  eventHead: `SELECT id, provider, event_type FROM events WHERE id = @id`,
  shapedRoutes: `SELECT route FROM event_shapes WHERE event_id = @eventId`,
  deliveryRoutes: `SELECT DISTINCT route FROM deliveries WHERE event_id = @eventId`,
  markAccepted: `UPDATE events SET status = 'accepted' WHERE id = @id`,
  recoverFiring: `UPDATE route_groups SET status = 'closed', lease_owner = NULL, lease_expires_at = NULL WHERE status = 'firing'`,
  purgeGroups: `DELETE FROM route_groups WHERE status IN ('fired', 'cooldown') AND fired_at < @cutoff`,
  purgeCooldowns: `DELETE FROM route_cooldowns WHERE until < @now`,
} as const;

export interface GroupRow {
  id: string;
  route: string;
  key: string;
  provider: string;
  status: string;
  count: number;
  first_at: number;
  last_at: number;
  fires_at: number;
  deadline_at: number;
  last_event_id: string;
  fired_at: number | null;
  cooldown_until: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export interface ShapeRow extends Partial<GroupRow> {
  shape_route: string;
  shape_outcome: string;
  shape_until: number | null;
}

export interface MemberRow {
  id: string;
  prev_event_id: string | null;
  dedup_key: string;
  event_type: string;
  received_at: number;
  /** JSON text on SQLite, parsed jsonb on PostgreSQL. */
  headers: string | Record<string, string>;
  raw_body: Buffer;
}

// The CHECK constraint guarantees the status cast.
export function toGroup(row: GroupRow): GroupRecord {
  return {
    id: row.id,
    route: row.route,
    key: row.key,
    provider: row.provider,
    status: row.status as GroupStatus,
    count: row.count,
    firstAt: row.first_at,
    lastAt: row.last_at,
    firesAt: row.fires_at,
    lastEventId: row.last_event_id,
    firedAt: row.fired_at,
    cooldownUntil: row.cooldown_until,
  };
}
