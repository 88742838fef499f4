/** The SQLite body of Store.rerouteEvent: run inside one IMMEDIATE transaction. */
import type { Database } from 'better-sqlite3';
import type { NewDelivery, Reroute, RerouteResult } from './types.ts';

interface EventHead {
  readonly provider: string;
  readonly event_type: string;
  readonly status: 'accepted' | 'ignored';
}

export function rerouteRows(db: Database, eventId: string, reroute: Reroute, deliveries: readonly NewDelivery[]): RerouteResult | null {
  const event = db.prepare<[string], EventHead>('SELECT provider, event_type, status FROM events WHERE id = ?').get(eventId);
  if (!event) return null;
  const existing = new Set(
    db
      .prepare<[string], { route: string; target: string }>('SELECT route, target FROM deliveries WHERE event_id = ?')
      .all(eventId)
      .map((d) => `${d.route}\u0000${d.target}`),
  );
  const insert = db.prepare(`
    INSERT INTO deliveries (id, event_id, provider, event_type, route, target, idempotency_key, body, status,
      dead_reason, error, next_attempt_at, created_at, updated_at)
    VALUES (@id, @eventId, @provider, @eventType, @route, @target, @idempotencyKey, @body, @status,
      @deadReason, @error, @nextAttemptAt, @now, @now)`);
  const added: string[] = [];
  for (const d of deliveries) {
    const pair = `${d.route}\u0000${d.target}`;
    if (existing.has(pair)) continue;
    existing.add(pair);
    insert.run({
      id: d.id,
      eventId,
      provider: event.provider,
      eventType: event.event_type,
      route: d.route,
      target: d.target,
      idempotencyKey: d.idempotencyKey,
      body: d.body,
      status: d.status,
      deadReason: d.deadReason ?? null,
      error: d.error ?? null,
      nextAttemptAt: d.nextAttemptAt,
      now: reroute.now,
    });
    added.push(d.id);
  }
  const status = event.status === 'accepted' || existing.size > 0 ? 'accepted' : 'ignored';
  db.prepare('UPDATE events SET status = @status, ignored = @ignored, config_sha256 = @sha WHERE id = @id').run({
    id: eventId,
    status,
    ignored: JSON.stringify(reroute.ignored),
    sha: reroute.configSha256,
  });
  return { added, status };
}
