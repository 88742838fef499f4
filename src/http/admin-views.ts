/**
 * Store records → the admin API's JSON (snake_case, ISO times). Also used by `hookgate
 * deliveries --json`, so the CLI and the API print the same shapes. Target headers and tokens are
 * not part of any stored record, so they cannot leak from here; event headers were stored without
 * the provider's signature headers, and credentials headers are dropped once more below.
 */
import { heldView } from '../delivery/budget-view.ts';
import type { Attempt, Delivery, EventWithDeliveries, StoredEvent } from '../store/types.ts';

/** Dropped from stored event headers whatever the verifier declared (defence in depth). */
const NEVER_SHOWN = new Set(['authorization', 'proxy-authorization', 'cookie']);

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** JSON when the bytes parse as JSON, else the text as is; null stays null. */
export function bodyView(body: Buffer | null): unknown {
  if (body === null) return null;
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface EventSummaryView {
  readonly id: string;
  readonly provider: string;
  readonly event_type: string;
  readonly dedup_key: string;
  readonly status: string;
  readonly received_at: string;
  readonly config_sha256: string;
  readonly ignored: ReadonlyArray<{ readonly route: string; readonly reason: string }>;
}

export function eventSummaryView(event: StoredEvent): EventSummaryView {
  return {
    id: event.id,
    provider: event.provider,
    event_type: event.eventType,
    dedup_key: event.dedupKey,
    status: event.status,
    received_at: isoTime(event.receivedAt),
    config_sha256: event.configSha256,
    ignored: event.ignored.map((i) => ({ route: i.route, reason: i.reason })),
  };
}

export interface AttemptView {
  readonly number: number;
  readonly started_at: string;
  readonly duration_ms: number;
  readonly status_code: number | null;
  readonly outcome: string;
  readonly error: string | null;
  readonly response_snippet: string | null;
  readonly session_id: string | null;
  readonly session_url: string | null;
}

export function attemptView(attempt: Attempt): AttemptView {
  return {
    number: attempt.number,
    started_at: isoTime(attempt.startedAt),
    duration_ms: attempt.durationMs,
    status_code: attempt.statusCode,
    outcome: attempt.outcome,
    error: attempt.error,
    response_snippet: attempt.responseSnippet,
    session_id: attempt.sessionId,
    session_url: attempt.sessionUrl,
  };
}

export interface DeliverySummaryView {
  readonly id: string;
  readonly event_id: string;
  readonly provider: string;
  readonly event_type: string;
  readonly route: string;
  readonly target: string;
  readonly status: string;
  readonly dead_reason: string | null;
  readonly error: string | null;
  readonly idempotency_key: string;
  readonly attempt_count: number;
  readonly attempts_in_round: number;
  /** Only while the delivery waits (pending or in flight). */
  readonly next_attempt_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** Set while a shared budget holds the delivery back: the budget, and until when. */
  readonly held: { readonly budget: string; readonly until: string } | null;
}

export function deliverySummaryView(delivery: Delivery): DeliverySummaryView {
  const waiting = delivery.status === 'pending' || delivery.status === 'in_flight';
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    provider: delivery.provider,
    event_type: delivery.eventType,
    route: delivery.route,
    target: delivery.target,
    status: delivery.status,
    dead_reason: delivery.deadReason,
    error: delivery.error,
    idempotency_key: delivery.idempotencyKey,
    attempt_count: delivery.attemptCount,
    attempts_in_round: delivery.attemptsInRound,
    next_attempt_at: waiting ? isoTime(delivery.nextAttemptAt) : null,
    created_at: isoTime(delivery.createdAt),
    updated_at: isoTime(delivery.updatedAt),
    held: heldView(delivery),
  };
}

export interface DeliveryDetailView extends DeliverySummaryView {
  /** The mapped payload as sent (a routine's {"text": ...} included). */
  readonly body: unknown;
  readonly attempts: readonly AttemptView[];
}

export function deliveryDetailView(delivery: Delivery & { readonly attempts: readonly Attempt[] }): DeliveryDetailView {
  return { ...deliverySummaryView(delivery), body: bodyView(delivery.body), attempts: delivery.attempts.map(attemptView) };
}

export interface EventDetailView extends EventSummaryView {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly deliveries: readonly DeliveryDetailView[];
}

export function eventDetailView(event: EventWithDeliveries): EventDetailView {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) if (!NEVER_SHOWN.has(name.toLowerCase())) headers[name] = value;
  return {
    ...eventSummaryView(event),
    headers,
    body: bodyView(event.rawBody),
    deliveries: event.deliveries.map(deliveryDetailView),
  };
}
