/**
 * The PostgreSQL body of Store.rerouteEvent, inside one transaction. The event row is locked
 * first (FOR UPDATE), so two concurrent reroutes of one event see each other's deliveries and
 * never add the same (route, target) twice.
 */
import type { PoolClient } from 'pg';
import { insertDeliveries } from './postgres-writes.ts';
import type { NewDelivery, Reroute, RerouteResult } from './types.ts';

export async function rerouteRows(
  client: PoolClient,
  eventId: string,
  reroute: Reroute,
  deliveries: readonly NewDelivery[],
): Promise<RerouteResult | null> {
  const head = await client.query<{ provider: string; event_type: string; status: 'accepted' | 'ignored' }>(
    'SELECT provider, event_type, status FROM events WHERE id = $1 FOR UPDATE',
    [eventId],
  );
  const event = head.rows[0];
  if (!event) return null;
  const had = await client.query<{ route: string; target: string }>('SELECT route, target FROM deliveries WHERE event_id = $1', [eventId]);
  const existing = new Set(had.rows.map((d) => `${d.route}\u0000${d.target}`));
  const fresh = deliveries.filter(function isNew(d) {
    const pair = `${d.route}\u0000${d.target}`;
    if (existing.has(pair)) return false;
    existing.add(pair);
    return true;
  });
  await insertDeliveries(client, eventId, event.provider, event.event_type, fresh, reroute.now);
  const added = fresh.map((d) => d.id);
  const status = event.status === 'accepted' || existing.size > 0 ? 'accepted' : 'ignored';
  await client.query('UPDATE events SET status = $2, ignored = $3::jsonb, config_sha256 = $4 WHERE id = $1', [
    eventId,
    status,
    JSON.stringify(reroute.ignored),
    reroute.configSha256,
  ]);
  return { added, status };
}
