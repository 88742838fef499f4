/**
 * GET /admin/targets: every target of the config in force (and any other the store still holds
 * deliveries or a pause for), each with its health word, queue, pause, failures and whether it is
 * waiting for a rate limit; POST /admin/targets/:name/resume lifts a pause. The pause fields
 * (state, paused_until, since, reason) keep the shape they had when only paused targets were listed.
 */
import type { Request, Response, Router } from 'express';
import { pauseState } from '../delivery/circuit-breaker.ts';
import { type TargetHealthWord, targetHealthWord } from '../delivery/target-health.ts';
import type { Logger } from '../observability/logger.ts';
import type { CompiledBudget, CompiledTarget } from '../pipeline/types.ts';
import type { BudgetStats } from '../store/budget-types.ts';
import type { Store, TargetHealthStats, TargetPause, TargetQueueStats } from '../store/types.ts';
import { formatDuration } from '../util/units.ts';
import { isoTime } from './admin-views.ts';
import { sendError } from './reply.ts';

/** How far back (by creation) the listing looks for a failing target's last delivery. */
export const DELIVERED_WINDOW_MS = 3_600_000;

export interface RateLimitedView {
  /** Deliveries waiting for the time a 429 (its Retry-After, or the backoff) named. */
  readonly retry_after: { readonly deliveries: number; readonly until: string } | null;
  /** The target's budget is paused (a 429 from one of its targets) or holds its deliveries. */
  readonly budget: {
    readonly name: string;
    readonly paused_until: string | null;
    readonly held: number;
    readonly held_until: string | null;
  } | null;
  /** The target's own rateLimit: due deliveries wait for their slot. */
  readonly pacing: { readonly requests: number; readonly per: string; readonly due: number } | null;
}

export interface TargetView {
  readonly target: string;
  /** null: not a target of the config in force (removed, or renamed), yet the store holds something of it. */
  readonly kind: CompiledTarget['kind'] | null;
  readonly health: TargetHealthWord;
  /** `active` when not paused. */
  readonly state: 'paused' | 'half_open' | 'active';
  readonly paused_until: string | null;
  readonly since: string | null;
  readonly reason: string | null;
  readonly queue: {
    readonly pending: number;
    readonly in_flight: number;
    readonly dead: number;
    /** Pending and due now, not yet claimed. */
    readonly due: number;
    readonly oldest_pending_age_ms: number | null;
  };
  /**
   * Waiting deliveries whose last attempt failed, the newest failure, and the last delivery (of
   * those created in the past hour) that reached the target anyway; null when none failed.
   */
  readonly failing: {
    readonly deliveries: number;
    readonly last_attempt: { readonly at: string; readonly status_code: number | null; readonly error: string | null } | null;
    readonly last_delivered_at: string | null;
  } | null;
  /** Why deliveries wait for a rate limit right now; null when none does. */
  readonly rate_limited: RateLimitedView | null;
}

export interface TargetFacts {
  readonly now: number;
  readonly targets: ReadonlyMap<string, CompiledTarget>;
  readonly pauses: readonly TargetPause[];
  readonly queues: readonly TargetQueueStats[];
  readonly health: readonly TargetHealthStats[];
  readonly budgetStats: readonly BudgetStats[];
}

const NO_QUEUE = { pending: 0, inFlight: 0, dead: 0, oldestPendingAgeMs: null };

/** Every target named by the config or the store, sorted by name, as the API answers it. */
export function targetViews(facts: TargetFacts): TargetView[] {
  const names = new Set<string>(facts.targets.keys());
  for (const list of [facts.pauses, facts.queues, facts.health]) for (const x of list) names.add(x.target);
  return [...names].sort().map((name) => targetView(name, facts));
}

function targetView(name: string, facts: TargetFacts): TargetView {
  const { now } = facts;
  const config = facts.targets.get(name) ?? null;
  const pause = facts.pauses.find((p) => p.target === name) ?? null;
  const queue = facts.queues.find((q) => q.target === name) ?? NO_QUEUE;
  const health = facts.health.find((h) => h.target === name) ?? null;
  const state = pause === null ? 'active' : pauseState(pause, now);
  const rateLimited = rateLimitedView(config, state, health, facts);
  return {
    target: name,
    kind: config?.kind ?? null,
    health: targetHealthWord({
      pause: state === 'active' ? null : state,
      failed: health?.failed ?? 0,
      lastFailureAt: health?.lastFailure?.at ?? null,
      lastDeliveredAt: health?.lastDeliveredAt ?? null,
      rateLimited: rateLimited !== null,
      pending: queue.pending,
      oldestPendingAgeMs: queue.oldestPendingAgeMs,
      dead: queue.dead,
    }),
    state,
    paused_until: pause?.until == null ? null : isoTime(pause.until),
    since: pause === null ? null : isoTime(pause.since),
    reason: pause?.reason ?? null,
    queue: {
      pending: queue.pending,
      in_flight: queue.inFlight,
      dead: queue.dead,
      due: health?.due ?? 0,
      oldest_pending_age_ms: queue.oldestPendingAgeMs,
    },
    failing:
      health === null || health.failed === 0
        ? null
        : {
            deliveries: health.failed,
            last_attempt:
              health.lastFailure === null
                ? null
                : { at: isoTime(health.lastFailure.at), status_code: health.lastFailure.statusCode, error: health.lastFailure.error },
            last_delivered_at: health.lastDeliveredAt === null ? null : isoTime(health.lastDeliveredAt),
          },
    rate_limited: rateLimited,
  };
}

function rateLimitedView(
  config: CompiledTarget | null,
  state: TargetView['state'],
  health: TargetHealthStats | null,
  facts: TargetFacts,
): RateLimitedView | null {
  const retryAfter =
    health !== null && health.throttled > 0 && health.throttledUntil !== null
      ? { deliveries: health.throttled, until: isoTime(health.throttledUntil) }
      : null;
  const budgetName = config?.budget ?? null;
  const budgetPause = facts.budgetStats.find((b) => b.name === budgetName)?.pausedUntil ?? null;
  const pausedUntil = budgetPause !== null && budgetPause > facts.now ? budgetPause : null;
  const held = health?.held ?? 0;
  const budget =
    budgetName !== null && (pausedUntil !== null || held > 0)
      ? {
          name: budgetName,
          paused_until: pausedUntil === null ? null : isoTime(pausedUntil),
          held,
          held_until: health?.heldUntil == null ? null : isoTime(health.heldUntil),
        }
      : null;
  // A paused target is not paced: its due deliveries wait for the pause instead.
  const due = health?.due ?? 0;
  const pacing =
    config?.rateLimit && state === 'active' && due > 0
      ? { requests: config.rateLimit.requests, per: formatDuration(config.rateLimit.perMs), due }
      : null;
  if (retryAfter === null && budget === null && pacing === null) return null;
  return { retry_after: retryAfter, budget, pacing };
}

export interface TargetRoutesOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly notifyWorker: () => void;
  readonly now: () => number;
  readonly targets: () => ReadonlyMap<string, CompiledTarget>;
  readonly budgets: () => readonly CompiledBudget[];
}

export function mountTargets(router: Router, options: TargetRoutesOptions): void {
  const { store } = options;

  router.get('/targets', async function listTargets(_req: Request, res: Response) {
    const now = options.now();
    const budgets = options.budgets();
    const [pauses, queues, health, budgetStats] = await Promise.all([
      store.targetPauses(),
      store.queueStats(now),
      store.targetHealth({ now, deliveredSince: now - DELIVERED_WINDOW_MS }),
      budgets.length > 0 ? store.budgetStats(budgets, now) : Promise.resolve([]),
    ]);
    res.json({ items: targetViews({ now, targets: options.targets(), pauses, queues, health, budgetStats }) });
  });

  router.post('/targets/:name/resume', async function resumeTarget(req: Request, res: Response) {
    const name = String(req.params.name);
    if (!(await store.resumeTarget(name))) {
      sendError(res, 'NOT_FOUND', `target "${name}" is not paused`);
      return;
    }
    options.logger.info({ target: name }, 'target resumed (admin API)');
    options.notifyWorker();
    res.json({ resumed: name });
  });
}
