/**
 * Row shapes as node-postgres returns them (bigint read as number by the pool's type parser,
 * bytea as Buffer, jsonb already parsed). Deliveries and attempts have the same shape as on
 * SQLite, so their mapping is shared; events differ only in their JSON columns.
 */
import type { EventStatus, IgnoredReason, StoredEvent } from './types.ts';

export type { AttemptRow, DeliveryRow } from './sqlite-rows.ts';
export { groupAttempts, toAttempt, toDelivery } from './sqlite-rows.ts';

export interface PgEventRow {
  id: string;
  provider: string;
  event_type: string;
  dedup_key: string;
  received_at: number;
  config_sha256: string;
  headers: Record<string, string>;
  raw_body: Buffer;
  status: string;
  ignored: IgnoredReason[];
}

// The CHECK constraint guarantees the status cast; the jsonb columns are written only by
// insertEvent from typed values.
export function toEvent(row: PgEventRow): StoredEvent {
  return {
    id: row.id,
    provider: row.provider,
    eventType: row.event_type,
    dedupKey: row.dedup_key,
    receivedAt: row.received_at,
    configSha256: row.config_sha256,
    headers: row.headers,
    rawBody: row.raw_body,
    status: row.status as EventStatus,
    ignored: row.ignored,
  };
}
