/**
 * The fixed SQL of the PostgreSQL store. Parameters are positional; casts are spelled out where
 * PostgreSQL could not infer a parameter's type. Id lists are bound as one text[] (= ANY($n)).
 */

/** Due: pending and due, or in flight with a lease that ran out (its worker died or stalled). */
function due(now: string): string {
  return `((status = 'pending' AND next_attempt_at <= ${now}) OR (status = 'in_flight' AND lease_expires_at <= ${now}))`;
}

/**
 * CTEs `lost` and `lost_attempts`: deliveries marked as sending whose worker is gone become dead
 * `unknown`, each with an attempt saying so. sending_at is left as it was (RETURNING gives the
 * new row, and the attempt's start is that time); a replay clears it.
 */
function LOST_SENDS(where: string, now: string, error: string): string {
  return `lost AS (
      UPDATE deliveries
      SET status = 'dead', dead_reason = 'unknown', error = ${error}::text,
        attempts_in_round = attempts_in_round + 1, attempt_count = attempt_count + 1,
        lease_owner = NULL, lease_expires_at = NULL, updated_at = ${now}
      WHERE status = 'in_flight' AND sending_at IS NOT NULL AND ${where}
      RETURNING id, attempt_count, sending_at),
    lost_attempts AS (
      INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, outcome,
        response_snippet, session_id, session_url)
      SELECT id, attempt_count, sending_at, 0, NULL, ${error}::text, 'unknown', NULL, NULL, NULL FROM lost)`;
}

export const SQL = {
  insertEvent: `
    INSERT INTO events (id, provider, event_type, dedup_key, received_at, config_sha256, headers, raw_body, status, ignored)
    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10::jsonb)
    ON CONFLICT (provider, dedup_key) DO UPDATE SET
      event_type = EXCLUDED.event_type, received_at = EXCLUDED.received_at, config_sha256 = EXCLUDED.config_sha256,
      headers = EXCLUDED.headers, raw_body = EXCLUDED.raw_body, status = EXCLUDED.status, ignored = EXCLUDED.ignored
      WHERE events.status = 'ignored'
    RETURNING id`,
  findEventId: `SELECT id FROM events WHERE provider = $1 AND dedup_key = $2`,
  /** Columns of one delivery row, in the order deliveryValues() gives them. */
  deliveryColumns: `(id, event_id, provider, event_type, route, target, idempotency_key, body, status,
      dead_reason, error, next_attempt_at, created_at, updated_at)`,
  deliveryColumnCount: 14,

  /**
   * Locks the oldest due rows nobody else has locked (SKIP LOCKED: concurrent claimers each get
   * different rows instead of queueing), then leases them. MATERIALIZED keeps the locking
   * subquery from being inlined and re-evaluated.
   * A delivery marked as sending whose lease ran out is not taken over: it ends as unknown (the
   * statement's snapshot still sees it in flight, hence the NOT in `picked`).
   * $1 target, $2 now, $3 limit, $4 worker, $5 lease expiry, $6 the lost-send error.
   */
  claim: `
    WITH ${LOST_SENDS('target = $1 AND lease_expires_at <= $2', '$2', '$6')},
    picked AS MATERIALIZED (
      SELECT id FROM deliveries
      WHERE target = $1 AND ${due('$2')} AND NOT (status = 'in_flight' AND sending_at IS NOT NULL)
      ORDER BY next_attempt_at, id
      LIMIT $3
      FOR UPDATE SKIP LOCKED)
    UPDATE deliveries d
    SET status = 'in_flight', lease_owner = $4, lease_expires_at = $5, updated_at = $2
    FROM picked WHERE d.id = picked.id
    RETURNING d.*`,

  /**
   * Moves the delivery on and records the attempt in one statement, only while `$2` holds the
   * lease: no row from the UPDATE, no attempt either.
   */
  completeAttempt: `
    WITH finished AS (
      UPDATE deliveries
      SET status = $3, next_attempt_at = COALESCE($4::bigint, next_attempt_at),
        dead_reason = $5, error = $6,
        attempts_in_round = attempts_in_round + $16::integer, attempt_count = attempt_count + 1,
        lease_owner = NULL, lease_expires_at = NULL, sending_at = NULL, updated_at = $7
      WHERE id = $1 AND status = 'in_flight' AND lease_owner = $2
      RETURNING id, attempt_count)
    INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, outcome,
      response_snippet, session_id, session_url)
    SELECT finished.id, finished.attempt_count, $8::bigint, $9::integer, $10::integer, $11::text, $12::text,
      $13::text, $14::text, $15::text
    FROM finished
    RETURNING number`,

  release: `
    UPDATE deliveries
    SET status = 'pending', next_attempt_at = $3, lease_owner = NULL, lease_expires_at = NULL, sending_at = NULL,
      updated_at = $3
    WHERE id = ANY($1::text[]) AND status = 'in_flight' AND lease_owner = $2`,
  /** Marked deliveries end as unknown, the rest go back to pending. $1 now, $2 the lost-send error. */
  recover: `
    WITH ${LOST_SENDS('TRUE', '$1', '$2')},
    requeued AS (
      UPDATE deliveries
      SET status = 'pending', next_attempt_at = $1, lease_owner = NULL, lease_expires_at = NULL, updated_at = $1
      WHERE status = 'in_flight' AND sending_at IS NULL
      RETURNING 1)
    SELECT ((SELECT COUNT(*) FROM lost) + (SELECT COUNT(*) FROM requeued))::int AS n`,
  markSending: `
    UPDATE deliveries SET sending_at = $3, updated_at = $3
    WHERE id = $1 AND status = 'in_flight' AND lease_owner = $2`,
  replay: `
    UPDATE deliveries
    SET status = 'pending', next_attempt_at = $2, dead_reason = NULL, error = NULL, attempts_in_round = 0,
      lease_owner = NULL, lease_expires_at = NULL, sending_at = NULL, round_started_at = $2, updated_at = $2
    WHERE id = ANY($1::text[]) AND status IN ('delivered', 'dead')`,

  dueTargets: `SELECT DISTINCT target FROM deliveries WHERE ${due('$1')} ORDER BY target`,
  nextDueAt: `
    SELECT LEAST(
      (SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'),
      (SELECT MIN(lease_expires_at) FROM deliveries WHERE status = 'in_flight')) AS at`,
  queueStats: `
    SELECT target,
      COUNT(*) FILTER (WHERE status = 'pending')::int AS pending,
      COUNT(*) FILTER (WHERE status = 'in_flight')::int AS in_flight,
      COUNT(*) FILTER (WHERE status = 'dead')::int AS dead,
      MIN(created_at) FILTER (WHERE status = 'pending') AS oldest_pending
    FROM deliveries WHERE status IN ('pending', 'in_flight', 'dead')
    GROUP BY target ORDER BY target`,
  lockTargetClaims: `SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))`,
  countInFlight: `
    SELECT COUNT(*)::int AS n FROM deliveries
    WHERE target = $1 AND status = 'in_flight' AND lease_expires_at > $2`,

  getEvent: `SELECT * FROM events WHERE id = $1`,
  eventDeliveries: `SELECT * FROM deliveries WHERE event_id = $1 ORDER BY seq`,
  eventAttempts: `
    SELECT a.* FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
    WHERE d.event_id = $1 ORDER BY a.delivery_id, a.number`,
  getDelivery: `SELECT * FROM deliveries WHERE id = $1`,
  deliveryAttempts: `SELECT * FROM attempts WHERE delivery_id = $1 ORDER BY number`,

  /** One batch of old dead letters, deleted; answers the events they belonged to. */
  purgeDead: `
    WITH doomed AS (
      SELECT id FROM deliveries WHERE status = 'dead' AND updated_at < $1
      LIMIT $2 FOR UPDATE SKIP LOCKED)
    DELETE FROM deliveries d USING doomed WHERE d.id = doomed.id
    RETURNING d.event_id`,
  deleteEmptyEvents: `
    DELETE FROM events e
    WHERE e.id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)`,
  purgeEvents: `
    DELETE FROM events WHERE id IN (
      SELECT e.id FROM events e
      WHERE e.received_at < $1
        AND (e.status = 'ignored'
          OR NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status <> 'delivered'))
      LIMIT $2)`,
  ping: `SELECT 1`,
} as const;
