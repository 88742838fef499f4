/**
 * Prometheus metrics (prom-client), one Registry per running router: counters fed by the ingress
 * and worker hooks, queue gauges read from the store at scrape time, the config's sha256, and the
 * default process metrics, all prefixed `hookgate_`.
 */

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { pauseState } from '../delivery/circuit-breaker.ts';
import type { GroupFired } from '../delivery/group-scheduler.ts';
import type { AttemptInfo } from '../delivery/worker.ts';
import { type ErrorCode, wireCode } from '../errors.ts';
import type { IngestOutcome } from '../pipeline/ingest.ts';
import type { CompiledBudget } from '../pipeline/types.ts';
import type { GroupStore } from '../store/groups-types.ts';
import type { Store, TargetQueueStats } from '../store/types.ts';
import { registerBudgetGauges } from './budget-metrics.ts';
import type { Logger } from './logger.ts';

/** Provider label for a URL naming no configured provider: keeps label values bounded. */
export const UNKNOWN_PROVIDER_LABEL = '(unknown)';

/** Up to a routine fire's default 30 s timeout and beyond. */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface MetricsOptions {
  readonly store: Pick<Store, 'queueStats' | 'targetPauses'> & Partial<Pick<Store, 'budgetStats'>>;
  /** The config in force: its sha256, the provider names that are real label values, its budgets. */
  readonly config: () => {
    readonly sha256: string;
    readonly providers: ReadonlyMap<string, unknown>;
    readonly budgets?: ReadonlyMap<string, CompiledBudget>;
  };
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Open groups per route, read at scrape time (hookgate_groups_open). */
  readonly groups?: Pick<GroupStore, 'openGroupCounts'>;
  /** Process metrics (CPU, memory, event loop, GC). Default true. */
  readonly defaultMetrics?: boolean;
  /** Log lines dropped so far because the log destination failed or fell behind. */
  readonly logDropped?: () => number;
}

export interface Metrics {
  readonly registry: Registry;
  /** AppOptions.onOutcome: one call per request that reached ingest(). */
  onOutcome(outcome: IngestOutcome): void;
  /** AppOptions.onRejectedEarly: 404/405/413/429/503 answered before ingest(). */
  onRejectedEarly(provider: string, code: ErrorCode): void;
  /** DeliveryWorker onAttempt. */
  onAttempt(info: AttemptInfo): void;
  /** GroupScheduler onFired. */
  onGroupFired(fired: GroupFired): void;
  /** One call per reload attempt (SIGHUP, file change). */
  onReload(result: 'applied' | 'unchanged' | 'refused'): void;
  /** The Prometheus text exposition. */
  scrape(): Promise<string>;
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  const now = options.now ?? Date.now;
  const registers = [registry];

  const received = new Counter({
    name: 'hookgate_webhooks_received_total',
    help: 'Webhook requests by provider and outcome (accepted, ignored, duplicate, handshake, rejected).',
    labelNames: ['provider', 'outcome'] as const,
    registers,
  });
  const rejected = new Counter({
    name: 'hookgate_webhooks_rejected_total',
    help: 'Rejected webhook requests by provider and reason (the error code, lower case).',
    labelNames: ['provider', 'reason'] as const,
    registers,
  });
  const attempts = new Counter({
    name: 'hookgate_delivery_attempts_total',
    help: 'Delivery attempts by target and outcome (success, retry, dead, unknown).',
    labelNames: ['target', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'hookgate_delivery_duration_seconds',
    help: 'Duration of delivery attempts by target, request to response.',
    labelNames: ['target'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const deadLetters = new Counter({
    name: 'hookgate_dead_letters_total',
    help: 'Deliveries dead-lettered, by target and reason (rejected, exhausted, unknown, map_error, target_missing).',
    labelNames: ['target', 'reason'] as const,
    registers,
  });

  // prom-client runs every collect() of a scrape at once: both queue gauges share one store read.
  let reading: Promise<readonly TargetQueueStats[]> | null = null;
  function queueStats(): Promise<readonly TargetQueueStats[]> {
    reading ??= options.store
      .queueStats(now())
      .catch(function statsUnavailable(error: unknown): TargetQueueStats[] {
        options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'metrics: queue stats unavailable');
        return [];
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  }
  new Gauge({
    name: 'hookgate_queue_depth',
    help: 'Deliveries in the store by target and state (pending, in_flight, dead), read at scrape time.',
    labelNames: ['target', 'state'] as const,
    registers,
    async collect() {
      const stats = await queueStats();
      // Reset first: a target with nothing left (or no longer configured) drops out.
      this.reset();
      for (const row of stats) {
        this.set({ target: row.target, state: 'pending' }, row.pending);
        this.set({ target: row.target, state: 'in_flight' }, row.inFlight);
        this.set({ target: row.target, state: 'dead' }, row.dead);
      }
    },
  });
  new Gauge({
    name: 'hookgate_queue_oldest_pending_age_seconds',
    help: 'Age of the oldest pending delivery by target (0 when none is pending).',
    labelNames: ['target'] as const,
    registers,
    async collect() {
      const stats = await queueStats();
      this.reset();
      for (const row of stats) this.set({ target: row.target }, (row.oldestPendingAgeMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'hookgate_target_paused',
    help: 'Targets the worker is not sending to: 1 while paused (circuit open or 410 Gone), 0.5 half-open (cool-down over, probing).',
    labelNames: ['target'] as const,
    registers,
    async collect() {
      const pauses = await options.store.targetPauses().catch(() => []);
      this.reset();
      const at = now();
      for (const pause of pauses) this.set({ target: pause.target }, pauseState(pause, at) === 'paused' ? 1 : 0.5);
    },
  });
  registerBudgetGauges(registry, {
    store: options.store,
    budgets: () => [...(options.config().budgets?.values() ?? [])],
    now,
    logger: options.logger,
  });
  new Gauge({
    name: 'hookgate_config_info',
    help: 'The config in force: always 1, labelled with the sha256 of the routes file.',
    labelNames: ['sha256'] as const,
    registers,
    collect() {
      this.reset();
      this.set({ sha256: options.config().sha256 }, 1);
    },
  });

  const suppressed = new Counter({
    name: 'hookgate_events_suppressed_total',
    help: 'Events that did not fire on their own, by route and reason: grouped (joined a group that fires once) or cooldown (their key was cooling down).',
    labelNames: ['route', 'reason'] as const,
    registers,
  });
  const groups = options.groups;
  if (groups) {
    new Gauge({
      name: 'hookgate_groups_open',
      help: 'Groups waiting to fire, by route, read at scrape time.',
      labelNames: ['route'] as const,
      registers,
      async collect() {
        const counts = await groups.openGroupCounts().catch(() => []);
        this.reset();
        for (const row of counts) this.set({ route: row.route }, row.count);
      },
    });
  }
  const reloads = new Counter({
    name: 'hookgate_config_reloads_total',
    help: 'Config reload attempts by result (applied, unchanged, refused: the previous config stays in force).',
    labelNames: ['result'] as const,
    registers,
  });
  const lastReloadOk = new Gauge({
    name: 'hookgate_config_last_reload_successful',
    help: '0 when the last reload was refused (the file on disk is not the config in force), else 1.',
    registers,
  });
  lastReloadOk.set(1);
  const logDropped = options.logDropped;
  new Counter({
    name: 'hookgate_log_dropped_total',
    help: 'Log lines dropped because the log destination failed (disk full, closed pipe) or could not keep up.',
    registers,
    collect() {
      // The count lives with the log destination, which exists before this registry does.
      this.reset();
      const dropped = logDropped?.() ?? 0;
      if (dropped > 0) this.inc(dropped);
    },
  });

  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hookgate_' });

  function providerLabel(provider: string): string {
    return options.config().providers.has(provider) ? provider : UNKNOWN_PROVIDER_LABEL;
  }

  function countRejected(provider: string, code: ErrorCode): void {
    const label = providerLabel(provider);
    received.inc({ provider: label, outcome: 'rejected' });
    rejected.inc({ provider: label, reason: wireCode(code) });
  }

  return {
    registry,
    onOutcome(outcome) {
      if (outcome.kind === 'rejected') {
        countRejected(outcome.provider, outcome.error.code);
        return;
      }
      received.inc({ provider: providerLabel(outcome.provider), outcome: outcome.kind });
      if (outcome.kind !== 'accepted') return;
      // A route whose filter or map failed is stored dead at once: a dead letter without an attempt.
      for (const planned of outcome.deliveries) {
        if (planned.error !== null) deadLetters.inc({ target: planned.target, reason: 'map_error' });
      }
      for (const shaped of outcome.shaped ?? []) {
        if (shaped.outcome !== 'fired') suppressed.inc({ route: shaped.route, reason: shaped.outcome });
      }
    },
    onGroupFired(fired) {
      // The events of a group held back by its cooldown were counted `grouped` when they joined.
      if (fired.result === 'cooldown') suppressed.inc({ route: fired.route, reason: 'cooldown' }, fired.count);
      for (const d of fired.deliveries) if (d.error !== null) deadLetters.inc({ target: d.target, reason: 'map_error' });
    },
    onRejectedEarly: countRejected,
    onAttempt(info) {
      attempts.inc({ target: info.target, outcome: info.outcome });
      // No request was made for a target that is gone: nothing to time.
      if (info.deadReason !== 'target_missing') duration.observe({ target: info.target }, info.durationMs / 1000);
      if (info.deadReason !== null) deadLetters.inc({ target: info.target, reason: info.deadReason });
    },
    onReload(result) {
      reloads.inc({ result });
      lastReloadOk.set(result === 'refused' ? 0 : 1);
    },
    scrape: () => registry.metrics(),
  };
}
