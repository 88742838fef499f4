/** The SQLite body of Store.rerouteEvent: run inside one IMMEDIATE transaction. */
import type { Database } from 'better-sqlite3';
import type { Statements } from './sqlite-statements.ts';
import { insertDeliveryRow } from './sqlite-writes.ts';
import type { NewDelivery, Reroute, RerouteResult } from './types.ts';

interface EventHead {
  readonly provider: string;
  readonly event_type: string;
  readonly status: 'accepted' | 'ignored';
}

export function rerouteRows(
  db: Database,
  s: Statements,
  eventId: string,
  reroute: Reroute,
  deliveries: readonly NewDelivery[],
): RerouteResult | null {
  const event = db.prepare<[string], EventHead>('SELECT provider, event_type, status FROM events WHERE id = ?').get(eventId);
  if (!event) return null;
  const existing = new Set(
    db
      .prepare<[string], { route: string; target: string }>('SELECT route, target FROM deliveries WHERE event_id = ?')
      .all(eventId)
      .map((d) => `${d.route}\u0000${d.target}`),
  );
  const added: string[] = [];
  for (const d of deliveries) {
    const pair = `${d.route}\u0000${d.target}`;
    if (existing.has(pair)) continue;
    existing.add(pair);
    insertDeliveryRow(s, eventId, event.provider, event.event_type, d, reroute.now);
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
