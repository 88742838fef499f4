import type { BudgetStore } from './budget-types.ts';

/**
 * The one store interface. sqlite.ts is the default backend; postgres.ts implements the same
 * contract for many replicas. Every method is async so both fit. Times are epoch milliseconds.
 */

import type { GroupStore } from './groups-types.ts';

export type EventStatus = 'accepted' | 'ignored';
export type DeliveryStatus = 'pending' | 'in_flight' | 'delivered' | 'dead';
/**
 * Why a delivery is dead. `unknown`: a routine may have started; replay is a person's decision.
 * `expired`: still not delivered `retry.maxAge` after it was created (or replayed).
 */
export const DEAD_REASONS = ['rejected', 'exhausted', 'unknown', 'map_error', 'target_missing', 'expired', 'over_budget'] as const;
export type DeadReason = (typeof DEAD_REASONS)[number];
export type AttemptOutcome = 'success' | 'retry' | 'dead' | 'unknown';

export interface IgnoredReason {
  readonly route: string;
  /** e.g. "event type customer.created not in events", "filter returned false" */
  readonly reason: string;
}

export interface NewEvent {
  /** The router's own id (evt_...), used in admin URLs. */
  readonly id: string;
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
  readonly receivedAt: number;
  readonly configSha256: string;
  /** Request headers with signature and auth headers removed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly status: EventStatus;
  readonly ignored: readonly IgnoredReason[];
}

export interface NewDelivery {
  /** The router's own id (dlv_...). */
  readonly id: string;
  readonly route: string;
  readonly target: string;
  /** Stable id of event x route x target, sent as Idempotency-Key on every attempt. */
  readonly idempotencyKey: string;
  /** The exact request body to send (mapped, routine-wrapped); null when mapping failed. */
  readonly body: Buffer | null;
  /** `pending`, or `dead` with deadReason `map_error` when the route's filter/map threw. */
  readonly status: 'pending' | 'dead';
  readonly deadReason?: DeadReason;
  readonly error?: string;
  readonly nextAttemptAt: number;
}

export interface InsertResult {
  /** True when (provider, dedupKey) was already stored: nothing was written. */
  readonly duplicate: boolean;
  /** The stored event's id (the existing one for a duplicate). */
  readonly eventId: string;
}

export interface Delivery {
  readonly id: string;
  readonly eventId: string;
  readonly provider: string;
  readonly eventType: string;
  readonly route: string;
  readonly target: string;
  readonly idempotencyKey: string;
  readonly body: Buffer | null;
  readonly status: DeliveryStatus;
  readonly deadReason: DeadReason | null;
  readonly error: string | null;
  /** Attempts since creation or the last replay (the retry budget counts these). */
  readonly attemptsInRound: number;
  /** Attempts ever made. */
  readonly attemptCount: number;
  readonly nextAttemptAt: number;
  readonly createdAt: number;
  /** When the current round began: creation, or the last replay (`retry.maxAge` counts from here). */
  readonly roundStartedAt: number;
  readonly updatedAt: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** The budget that holds this pending delivery back (its window is full or paused), and until when. */
  readonly heldBy?: string | null;
  readonly heldUntil?: number | null;
}

export interface NewAttempt {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly outcome: AttemptOutcome;
  /** First bytes of the response body (at most 1 KiB). */
  readonly responseSnippet: string | null;
  /** Routine targets: from the 200 answer. */
  readonly sessionId: string | null;
  readonly sessionUrl: string | null;
}

export interface Attempt extends NewAttempt {
  readonly deliveryId: string;
  /** 1-based, over the delivery's whole life. */
  readonly number: number;
}

/** What happens to a delivery after an attempt. */
export type Transition =
  | { readonly status: 'delivered' }
  /** `spendsAttempt` false: the attempt is recorded but does not count toward maxAttempts (default true). */
  | { readonly status: 'pending'; readonly nextAttemptAt: number; readonly spendsAttempt?: boolean }
  | { readonly status: 'dead'; readonly deadReason: DeadReason; readonly error: string | null };

export interface StoredEvent {
  readonly id: string;
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
  readonly receivedAt: number;
  readonly configSha256: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly status: EventStatus;
  readonly ignored: readonly IgnoredReason[];
}

export interface EventWithDeliveries extends StoredEvent {
  readonly deliveries: ReadonlyArray<Delivery & { readonly attempts: readonly Attempt[] }>;
}

export interface EventFilter {
  readonly provider?: string;
  readonly eventType?: string;
  readonly status?: EventStatus;
  readonly since?: number;
  readonly until?: number;
  readonly limit?: number;
  /** Opaque, from a previous page's nextCursor. */
  readonly cursor?: string;
  /** Exactly this dedup key (the `id` a 202 answered). */
  readonly dedupKey?: string;
  /** Exactly this dedup key, provider or event type (the inspector's search field). */
  readonly search?: string;
}

export interface Reroute {
  readonly configSha256: string;
  /** The reasons of the routes that did not match (stored as on ingest). */
  readonly ignored: readonly IgnoredReason[];
  /** Creation time of the new deliveries. */
  readonly now: number;
}

export interface RerouteResult {
  /** Ids of the deliveries added; a (route, target) the event had already is skipped. */
  readonly added: readonly string[];
  readonly status: EventStatus;
}

export interface DeliveryFilter {
  /** `pending` here also covers in-flight deliveries. */
  readonly status?: 'pending' | 'delivered' | 'dead';
  readonly route?: string;
  readonly target?: string;
  readonly since?: number;
  /** Dead reason (`unknown`, `exhausted`, ...). */
  readonly reason?: string;
  /**
   * Only what a bulk replay would re-queue: delivered and dead deliveries, leaving `unknown`
   * outcomes out unless `reason` names them (a routine run may already have started).
   */
  readonly replayable?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface ClaimRequest {
  readonly target: string;
  readonly limit: number;
  readonly now: number;
  readonly leaseMs: number;
  readonly workerId: string;
}

/** A target the worker must not send to (circuit breaker, or 410 Gone). */
export interface TargetPause {
  readonly target: string;
  /** When the cool-down ends (then the target is half-open); null: until a person lifts it. */
  readonly until: number | null;
  readonly reason: string;
  readonly since: number;
}

export interface TargetQueueStats {
  readonly target: string;
  readonly pending: number;
  readonly inFlight: number;
  readonly dead: number;
  /** receivedAt-independent: age of the oldest pending delivery's createdAt, ms; null if none. */
  readonly oldestPendingAgeMs: number | null;
}

export interface TargetHealthQuery {
  readonly now: number;
  /** The window for lastDeliveredAt: deliveries created before this are not looked at. */
  readonly deliveredSince: number;
}

/** What a target's waiting (pending and in-flight) deliveries say about it; a target with none is absent. */
export interface TargetHealthStats {
  readonly target: string;
  /** Pending deliveries due at `now` that no worker has claimed yet. */
  readonly due: number;
  /** Waiting deliveries whose last attempt failed (5xx, timeout, connection error, retryable 4xx; not 429). */
  readonly failed: number;
  /** The newest of those failed attempts. */
  readonly lastFailure: { readonly at: number; readonly statusCode: number | null; readonly error: string | null } | null;
  /** Pending deliveries whose last attempt was answered 429 and that wait for the time it named. */
  readonly throttled: number;
  /** The latest next attempt among them. */
  readonly throttledUntil: number | null;
  /** Pending deliveries a budget holds back, and the latest time it holds one until. */
  readonly held: number;
  readonly heldUntil: number | null;
  /**
   * Only when `failed` > 0 (has it come back since?): when a delivery created since
   * `deliveredSince` last reached the target; else null.
   */
  readonly lastDeliveredAt: number | null;
}

/** What a backend can do; declared once per backend in backends.ts. */
export interface StoreCapabilities {
  /**
   * One process owns the store: deliveries left in flight are its own from an earlier run, and
   * are recovered at start (recoverInFlight). Otherwise replicas share it, and leases recover
   * what a dead worker left.
   */
  readonly singleOwner: boolean;
  /** Rate limits and concurrency are counted in the store, so every replica sees the same count. */
  readonly sharedLimits: boolean;
}

/** A rate limiter shared by every process on the store (same meaning as the in-memory one). */
export interface SharedLimiter {
  /** 0 when a slot was taken for a request starting now; otherwise ms until the next slot. */
  reserve(target: string, limit: { readonly requests: number; readonly perMs: number }, now: number): Promise<number>;
}

/** Events received and deliveries settled per time bucket: the inspector's activity chart. */
export interface ActivityQuery {
  /** Inclusive; rounded down to a bucket boundary by the store. */
  readonly since: number;
  /** Exclusive. */
  readonly until: number;
  readonly bucketMs: number;
}

export interface ActivityBucket {
  /** Start of the bucket (a multiple of bucketMs). */
  readonly at: number;
  /** Events received (accepted and ignored). */
  readonly events: number;
  readonly ignored: number;
  /** Deliveries that reached their target (by the time they settled). */
  readonly delivered: number;
  /** Deliveries dead-lettered (by the time they settled). */
  readonly dead: number;
}

export interface Store extends BudgetStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /** The limiter that paces targets across every replica; null when one process has the store. */
  sharedLimiter(): SharedLimiter | null;
  /** Fire shaping: groups, cooldowns, and what became of each event per shaped route. */
  readonly groups: GroupStore;
  /** Create or upgrade the schema. Idempotent. */
  migrate(): Promise<void>;
  /**
   * Store the event and its deliveries in one transaction, deduplicated on (provider, dedupKey).
   * Resolves only after the commit is durable. Two concurrent calls with the same key store once.
   */
  insertEvent(event: NewEvent, deliveries: readonly NewDelivery[]): Promise<InsertResult>;
  /**
   * Route a stored event again (admin reroute): adds the deliveries whose (route, target) the
   * event does not have yet, in one transaction, and records the config and reasons it was routed
   * under. The event becomes `accepted` once it has any delivery. Null when there is no such event.
   */
  rerouteEvent(eventId: string, reroute: Reroute, deliveries: readonly NewDelivery[]): Promise<RerouteResult | null>;
  /** Targets that have pending deliveries due at `now` (nextAttemptAt <= now). */
  dueTargets(now: number): Promise<string[]>;
  /** Earliest nextAttemptAt among pending deliveries, or null: lets the worker sleep precisely. */
  nextDueAt(): Promise<number | null>;
  /**
   * Claim up to `limit` due pending deliveries of one target, oldest due first, marking them
   * in_flight with a lease. Also takes over in_flight deliveries whose lease has expired.
   */
  claim(request: ClaimRequest): Promise<Delivery[]>;
  /**
   * Optional: claim like `claim`, but never let the target's in-flight deliveries (unexpired
   * leases, all workers of all replicas together) exceed `concurrency`. Backends shared by several
   * processes (PostgreSQL) implement it; the worker uses it when present.
   */
  claimCapped?(request: ClaimRequest, concurrency: number): Promise<Delivery[]>;
  /** Record an attempt and move the delivery on, only if `workerId` still holds its lease. */
  completeAttempt(deliveryId: string, workerId: string, attempt: NewAttempt, transition: Transition): Promise<boolean>;
  /**
   * Record, durably and before the request, that a delivery of an at-most-once kind (routine) is
   * being sent. False, nothing written, when `workerId` no longer holds the lease. From then on a
   * lost lease (crash, kill, a record that failed) ends the delivery as dead `unknown`, whether
   * recovered at start or taken over by claim; it is never sent again except by a replay.
   */
  markSending(deliveryId: string, workerId: string, now: number): Promise<boolean>;
  /**
   * Give claimed deliveries back (pending, due now) without an attempt: the caller knows that no
   * request of theirs left (shutdown before sending, a paced claim that must wait). Clears the
   * sending mark.
   */
  release(deliveryIds: readonly string[], workerId: string): Promise<void>;
  /**
   * Start-up of a single-owner store: every in_flight delivery back to pending, due now, except
   * those marked as sending (markSending), which become dead `unknown` (with an attempt saying
   * why). Returns how many deliveries it moved, both sorts together.
   */
  recoverInFlight(now: number): Promise<number>;
  /**
   * Re-queue dead (or any non-pending) deliveries: pending, due now, attemptsInRound reset. A
   * replay is a person's decision, so it also lifts any pause of the targets of those deliveries.
   */
  replay(deliveryIds: readonly string[], now: number): Promise<number>;
  /** Count (dryRun) or re-queue the deliveries matching a filter (lifting their targets' pauses). */
  replayMatching(filter: DeliveryFilter, now: number, dryRun: boolean): Promise<number>;
  /** Pause a target (insert or replace): the worker claims nothing for it before `until`. */
  pauseTarget(target: string, until: number | null, reason: string, now: number): Promise<void>;
  /** Lift a target's pause; false when it had none. */
  resumeTarget(target: string): Promise<boolean>;
  /** Every stored pause, expired ones included (an expired pause means half-open). */
  targetPauses(): Promise<TargetPause[]>;
  listEvents(filter: EventFilter): Promise<Page<StoredEvent>>;
  getEvent(id: string): Promise<EventWithDeliveries | null>;
  listDeliveries(filter: DeliveryFilter): Promise<Page<Delivery>>;
  getDelivery(id: string): Promise<(Delivery & { readonly attempts: readonly Attempt[] }) | null>;
  queueStats(now: number): Promise<TargetQueueStats[]>;
  /** Failures, 429 waits, budget holds and the last delivery, per target (the Targets view). */
  targetHealth(query: TargetHealthQuery): Promise<TargetHealthStats[]>;
  /** Counts per bucket in [since, until), oldest first; buckets with nothing in them are left out. */
  activity(query: ActivityQuery): Promise<ActivityBucket[]>;
  /**
   * Retention: delete events older than `now - retentionMs` whose deliveries are all delivered
   * (or that were ignored), and dead deliveries (with their events, once nothing else is left)
   * older than `now - deadRetentionMs`. Returns the number of events deleted.
   */
  purge(now: number, retentionMs: number, deadRetentionMs: number): Promise<number>;
  /** Cheap liveness query for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
