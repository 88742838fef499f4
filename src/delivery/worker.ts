/**
 * The delivery loop: claim due deliveries from the store, send them in parallel
 * within each target's concurrency and rate limit, and record every attempt. Work beyond the
 * limits stays in the store; the worker only claims what it can send right now.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../observability/logger.ts';
import type { CompiledBudget, CompiledConfig, CompiledTarget } from '../pipeline/types.ts';
import { DEFAULTS } from '../pipeline/types.ts';
import type { BudgetTargetCap } from '../store/budget-types.ts';
import type { AttemptOutcome, DeadReason, Delivery, NewAttempt, Store, TargetPause, Transition } from '../store/types.ts';
import { targetKind } from '../targets/registry.ts';
import { BUDGET_RECHECK_MS, BudgetClaimLog, BudgetWants, budgetOf, returnBudgetUnit, settleBudgetAttempt } from './budget-worker.ts';
import { attemptHealth, CircuitBreakers, pauseState } from './circuit-breaker.ts';
import { type AnyTargetLimiter, createMemoryLimiter, defaultMarginMs, pacingIntervalMs } from './rate-limit.ts';
import { send as defaultSend, type SendErrorKind } from './send.ts';
import { type DeadTransition, expiredBeforeSending, settle } from './settle.ts';
import { Waker, withDeadline } from './waker.ts';

export interface AttemptInfo {
  readonly target: string;
  readonly route: string;
  readonly outcome: AttemptOutcome;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly deadReason: DeadReason | null;
  readonly errorKind: SendErrorKind | null;
}

export interface DeliveryWorkerOptions {
  readonly store: Store;
  readonly getConfig: () => CompiledConfig;
  readonly logger: Logger;
  readonly workerId?: string;
  /** Lease on claimed deliveries; raised per target to outlast its timeout. Default 30 s. */
  readonly leaseMs?: number;
  /**
   * How long a lease outlasts the target's timeout (time to record the attempt before another
   * worker may take the delivery over). Default 15 s.
   */
  readonly leaseGraceMs?: number;
  /** Default: an in-memory limiter (one process). Pass a shared one when replicas share targets. */
  readonly limiter?: AnyTargetLimiter;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly send?: typeof defaultSend;
  readonly onAttempt?: (info: AttemptInfo) => void;
}

/** Longest sleep between looks at the store, whatever nextDueAt says (replicas, clock drift). */
const MAX_IDLE_MS = 1_000;
/** How long a read of the stored target pauses is reused. */
const PAUSE_CACHE_MS = 1_000;
/** A paused-until-replayed target is looked at again this often (a replay lifts the pause). */
const PAUSE_RECHECK_MS = 1_000;
/** Claimed deliveries of a target that is no longer configured, dead-lettered per pass. */
const MISSING_BATCH = 100;
/** Beyond a target's timeout, time for recording the attempt before the lease may lapse. */
export const DEFAULT_LEASE_GRACE_MS = 15_000;
const COMPLETE_RETRY_DELAYS_MS = [100, 500, 2_000];

interface InFlight {
  readonly delivery: Delivery;
  readonly controller: AbortController;
  done: Promise<void>;
  /** Marked as sending in the store (at-most-once kinds): it must not be handed back. */
  marked: boolean;
}

export class DeliveryWorker {
  readonly workerId: string;
  readonly #store: Store;
  readonly #getConfig: () => CompiledConfig;
  readonly #logger: Logger;
  readonly #leaseMs: number;
  readonly #leaseGraceMs: number;
  readonly #limiter: AnyTargetLimiter;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #send: typeof defaultSend;
  readonly #onAttempt: ((info: AttemptInfo) => void) | undefined;

  readonly #active = new Map<string, InFlight>();
  readonly #perTarget = new Map<string, number>();
  /** Rate-limited targets: no claim before this time (a hint from the limiter's last answer). */
  readonly #notBefore = new Map<string, number>();
  #running = false;
  #stopping = false;
  #shuttingDown = false;
  #loop: Promise<void> | null = null;
  readonly #waker = new Waker();
  readonly #breakers = new CircuitBreakers();
  /** Targets whose one half-open probe is in flight from this worker. */
  readonly #probing = new Set<string>();
  /** Deliveries in flight that spent a unit of a budget, by delivery id: the budget's name. */
  readonly #budgeted = new Map<string, string>();
  readonly #budgetLog: BudgetClaimLog;
  #pauses: { readonly at: number; readonly byTarget: ReadonlyMap<string, TargetPause> } | null = null;

  constructor(options: DeliveryWorkerOptions) {
    this.#store = options.store;
    this.#getConfig = options.getConfig;
    this.#logger = options.logger;
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    this.#leaseMs = options.leaseMs ?? DEFAULTS.leaseMs;
    this.#leaseGraceMs = options.leaseGraceMs ?? DEFAULT_LEASE_GRACE_MS;
    this.#limiter = options.limiter ?? createMemoryLimiter();
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#send = options.send ?? defaultSend;
    this.#onAttempt = options.onAttempt;
    this.#budgetLog = new BudgetClaimLog(this.#logger);
  }

  /** Deliveries being sent right now by this worker. */
  get inFlight(): number {
    return this.#active.size;
  }

  start(): void {
    if (this.#running || this.#stopping) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** New work was stored: look now instead of at the next planned wake-up. */
  notify(): void {
    this.#waker.notify();
  }

  /**
   * Stop claiming, give in-flight sends until the deadline to finish, then abort what is left and
   * hand it back to the store. A routine whose request was already sent is dead-lettered as
   * `unknown` instead (it may have started a run; handing it back would fire it again).
   */
  async stop(deadlineMs = 10_000): Promise<void> {
    // Wall-clock time, not the injectable clock: this deadline is about real waiting.
    const deadline = Date.now() + deadlineMs;
    // Keep a slice of the deadline for aborting and recording what is still in flight.
    const abortAt = deadline - Math.min(1_000, deadlineMs / 10);
    this.#stopping = true;
    this.#running = false;
    this.notify();
    if (this.#loop) await withDeadline(this.#loop, abortAt - Date.now());
    await withDeadline(this.#settled(), abortAt - Date.now());

    if (this.#active.size > 0) {
      this.#shuttingDown = true;
      for (const entry of this.#active.values()) entry.controller.abort(new Error('worker stopping'));
      await withDeadline(this.#settled(), deadline - Date.now());
    }
    // A marked delivery may have reached its target: handing it back would send it again. It stays
    // in flight, and recovery at the next start (or its lease running out) ends it as unknown.
    const unfinished = [...this.#active.values()].filter((entry) => !entry.marked).map((entry) => entry.delivery.id);
    const marked = this.#active.size - unfinished.length;
    if (marked > 0) {
      this.#logger.warn({ deliveries: marked }, 'left deliveries that may have been sent in flight on shutdown; they end as unknown');
    }
    if (unfinished.length > 0) {
      try {
        await this.#store.release(unfinished, this.workerId);
        this.#logger.warn({ deliveries: unfinished.length }, 'released unfinished deliveries on shutdown');
      } catch (error) {
        this.#logger.error({ err: error }, 'could not release deliveries on shutdown; they return when their lease expires');
      }
    }
  }

  #settled(): Promise<unknown> {
    return Promise.allSettled([...this.#active.values()].map((entry) => entry.done));
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      let sleepMs: number;
      try {
        sleepMs = await this.#pass();
        failures = 0;
      } catch (error) {
        failures++;
        sleepMs = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        this.#logger.error({ err: error, retryInMs: sleepMs }, 'delivery loop failed; backing off');
      }
      if (!this.#running) break;
      await this.#waker.sleep(sleepMs);
    }
  }

  /** One look at the store. Returns how long to sleep before the next. */
  async #pass(): Promise<number> {
    const now = this.#now();
    const due = await this.#store.dueTargets(now);
    const targets = this.#getConfig().targets;
    let progress = false;
    let wakeAt = now + MAX_IDLE_MS;

    const pauses = due.length > 0 ? await this.#currentPauses(now) : new Map<string, TargetPause>();
    // Targets that spend a budget claim together after this loop, oldest first across the budget.
    const wants = new BudgetWants();
    for (const name of due) {
      if (!this.#running) return 0;
      const target = targets.get(name);
      if (!target) {
        progress = (await this.#deadLetterMissing(name)) > 0 || progress;
        continue;
      }
      const pause = pauses.get(name);
      if (pause && pauseState(pause, now) === 'paused') {
        // Paused: its deliveries wait in the store. A manual pause waits for a replay or resume.
        wakeAt = Math.min(wakeAt, pause.until ?? now + PAUSE_RECHECK_MS);
        continue;
      }
      const inFlight = this.#perTarget.get(name) ?? 0;
      // Half-open after the cool-down: one probe at a time until an attempt succeeds.
      const spare = pause ? (inFlight === 0 ? 1 : 0) : target.concurrency - inFlight;
      if (spare <= 0) continue; // a finishing send wakes the loop
      if (pause) this.#probing.add(name);
      const budget = budgetOf(this.#getConfig(), target);
      if (budget) {
        // A paced target takes one at a time, and none before its next slot.
        const notBefore = target.rateLimit ? (this.#notBefore.get(name) ?? 0) : 0;
        if (this.#now() < notBefore) wakeAt = Math.min(wakeAt, notBefore);
        else
          wants.add(budget, {
            target: name,
            limit: target.rateLimit ? 1 : spare,
            leaseMs: this.#leaseFor(target),
            concurrency: target.concurrency,
          });
        continue;
      }
      if (target.rateLimit) {
        const notBefore = this.#notBefore.get(name) ?? 0;
        if (this.#now() < notBefore) {
          wakeAt = Math.min(wakeAt, notBefore);
          continue;
        }
        const claimed = await this.#claimPaced(target, target.rateLimit);
        progress = claimed || progress;
        wakeAt = Math.min(wakeAt, this.#notBefore.get(name) ?? wakeAt);
      } else {
        const claimed = await this.#claim(target, spare);
        for (const delivery of claimed) this.#launch(delivery, target);
        progress = claimed.length > 0 || progress;
      }
      if (pause && (this.#perTarget.get(name) ?? 0) === 0) this.#probing.delete(name);
    }

    for (const { budget, caps } of wants.entries()) {
      if (!this.#running) return 0;
      progress = (await this.#claimBudget(budget, caps)) || progress;
    }

    if (progress || this.#waker.pending) return 0;
    const nextDue = await this.#store.nextDueAt();
    // A due time already past belongs to a target that is at its limits: its own wake-up applies.
    if (nextDue !== null && nextDue > now) wakeAt = Math.min(wakeAt, nextDue);
    return Math.max(0, wakeAt - this.#now());
  }

  /** A lease shorter than the send would let the delivery be claimed again while still in flight. */
  #leaseFor(target: CompiledTarget): number {
    return Math.max(this.#leaseMs, target.timeoutMs + this.#leaseGraceMs);
  }

  /**
   * Claim through a budget for its due targets, and launch what it allows. A paced target's
   * delivery still asks the rate limiter; one that must wait goes back, with its unit.
   */
  async #claimBudget(budget: CompiledBudget, caps: readonly BudgetTargetCap[]): Promise<boolean> {
    const claim = await this.#store.claimBudget({
      budget,
      targets: caps,
      now: this.#now(),
      workerId: this.workerId,
      recheckMs: BUDGET_RECHECK_MS,
    });
    this.#budgetLog.claimed(budget, claim, this.#now());
    const targets = this.#getConfig().targets;
    let launched = 0;
    for (const delivery of claim.claimed) {
      const target = targets.get(delivery.target);
      if (target?.rateLimit) {
        const now = this.#now();
        const waitMs = await this.#limiter.reserve(target.name, target.rateLimit, now);
        if (waitMs > 0) {
          this.#notBefore.set(target.name, now + waitMs);
          await returnBudgetUnit(this.#store, this.#logger, delivery.id, this.workerId, now);
          await this.#store.release([delivery.id], this.workerId);
          continue;
        }
        this.#notBefore.set(target.name, now + pacingIntervalMs(target.rateLimit, defaultMarginMs(target.rateLimit.perMs)));
      }
      if (!target) {
        // The config changed under the claim: hand it back; the next pass dead-letters it.
        await returnBudgetUnit(this.#store, this.#logger, delivery.id, this.workerId, this.#now());
        await this.#store.release([delivery.id], this.workerId);
        continue;
      }
      this.#budgeted.set(delivery.id, budget.name);
      this.#launch(delivery, target);
      launched++;
    }
    for (const cap of caps) if ((this.#perTarget.get(cap.target) ?? 0) === 0) this.#probing.delete(cap.target);
    return launched > 0 || claim.dropped.length > 0;
  }

  #claim(target: CompiledTarget, limit: number): Promise<Delivery[]> {
    const request = {
      target: target.name,
      limit,
      now: this.#now(),
      leaseMs: this.#leaseFor(target),
      workerId: this.workerId,
    };
    // A shared store caps concurrency across every replica, not just this process.
    return this.#store.claimCapped ? this.#store.claimCapped(request, target.concurrency) : this.#store.claim(request);
  }

  /**
   * Pacing allows one start at a time. The slot is taken after the claim, right before the send,
   * so the store's latency cannot squeeze two starts closer than the limiter spaced them.
   */
  async #claimPaced(target: CompiledTarget, limit: { readonly requests: number; readonly perMs: number }): Promise<boolean> {
    const [delivery] = await this.#claim(target, 1);
    if (!delivery) return false;
    const now = this.#now();
    const waitMs = await this.#limiter.reserve(target.name, limit, now);
    if (waitMs > 0) {
      this.#notBefore.set(target.name, now + waitMs);
      await this.#store.release([delivery.id], this.workerId);
      return false;
    }
    // The earliest the limiter could say yes again; only a hint to avoid claiming in vain.
    this.#notBefore.set(target.name, now + pacingIntervalMs(limit, defaultMarginMs(limit.perMs)));
    this.#launch(delivery, target);
    return true;
  }

  #launch(delivery: Delivery, target: CompiledTarget): void {
    // Our own lease lapsed and came back to us: the first send is still running and will record it.
    if (this.#active.has(delivery.id)) return;
    const entry: InFlight = { delivery, controller: new AbortController(), done: Promise.resolve(), marked: false };
    this.#active.set(delivery.id, entry);
    this.#perTarget.set(target.name, (this.#perTarget.get(target.name) ?? 0) + 1);
    entry.done = this.#deliver(entry, target)
      .catch((error: unknown) => {
        this.#logger.error({ err: error, deliveryId: delivery.id, target: target.name }, 'delivery attempt failed to record');
      })
      .finally(() => {
        this.#active.delete(delivery.id);
        // Ended before any request (nothing to send, or it could not be sent): the unit goes back.
        if (this.#budgeted.delete(delivery.id)) void returnBudgetUnit(this.#store, this.#logger, delivery.id, this.workerId, this.#now());
        const left = (this.#perTarget.get(target.name) ?? 1) - 1;
        if (left > 0) this.#perTarget.set(target.name, left);
        else this.#perTarget.delete(target.name);
        this.notify();
      });
  }

  async #deliver(entry: InFlight, target: CompiledTarget): Promise<void> {
    const { delivery, controller } = entry;
    const signal = controller.signal;
    if (delivery.body === null) {
      // Stored dead at ingress (its map failed); never sendable. Only reachable if a store misbehaves.
      await this.#record(delivery, target.name, noRequest('no stored body to send', this.#now()), {
        status: 'dead',
        deadReason: 'map_error',
        error: 'no stored body to send',
      });
      return;
    }
    const expired = expiredBeforeSending(delivery, target, this.#now());
    if (expired) {
      await this.#recordUnsent(delivery, target.name, expired);
      return;
    }
    const kind = targetKind(target.kind);
    if (kind.atMostOnce && !(await this.#markSending(entry, target))) return;

    const startedAt = this.#now();
    const result = await this.#send(target, { body: delivery.body, idempotencyKey: delivery.idempotencyKey }, { signal });
    const finishedAt = this.#now();
    const budget = this.#budgeted.get(delivery.id);
    if (budget !== undefined) {
      this.#budgeted.delete(delivery.id);
      // The kind's classifier says whether the target refused for now (a 429): that pauses the budget.
      const rateLimited = kind.classify(result).outcome === 'rate_limited';
      await settleBudgetAttempt(this.#store, this.#logger, budget, delivery, this.workerId, result, finishedAt, rateLimited);
    }

    if (this.#shuttingDown && signal.aborted && result.statusCode === null) {
      const mayHaveStarted = kind.atMostOnce && (result.error?.requestSent ?? true);
      if (!mayHaveStarted) {
        // Nothing learned and nothing at risk: hand it back without spending an attempt.
        await this.#store.release([delivery.id], this.workerId);
        this.#active.delete(delivery.id);
        return;
      }
    }

    const settled = settle(delivery, target, result, { startedAt, finishedAt }, this.#random);
    let recorded = false;
    let recordError: unknown = null;
    try {
      recorded = await this.#record(delivery, target.name, settled.attempt, settled.transition);
    } catch (error) {
      recordError = error;
    }
    await this.#guard(target, result.statusCode, result.error !== null, finishedAt);
    const fields = {
      eventId: delivery.eventId,
      deliveryId: delivery.id,
      route: delivery.route,
      target: target.name,
      statusCode: result.statusCode,
      outcome: settled.outcome,
      deadReason: settled.deadReason ?? undefined,
      durationMs: result.durationMs,
      attempt: delivery.attemptCount + 1,
      attemptInRound: delivery.attemptsInRound + 1,
      nextAttemptAt: settled.transition.status === 'pending' ? new Date(settled.transition.nextAttemptAt).toISOString() : undefined,
      error: settled.attempt.error ?? undefined,
      sessionId: settled.attempt.sessionId ?? undefined,
      sessionUrl: settled.attempt.sessionUrl ?? undefined,
      recorded,
    };
    if (recordError === null) {
      // A dead letter needs a person (replay or fix): warn, where a log alert can see it.
      this.#logger[settled.deadReason ? 'warn' : 'info'](fields, 'delivery attempt');
    } else {
      // The store has no trace of this answer: the log line is the only link to the run it started.
      this.#logger.error(
        { ...fields, err: recordError },
        kind.atMostOnce
          ? 'delivery attempt not recorded: it is not sent again, and ends as unknown when its lease runs out'
          : 'delivery attempt not recorded: it is sent again when its lease runs out',
      );
    }
    this.#onAttempt?.({
      target: target.name,
      route: delivery.route,
      outcome: settled.outcome,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      deadReason: settled.deadReason,
      errorKind: result.error?.kind ?? null,
    });
  }

  /**
   * Writes the sending mark, durably, before an at-most-once request leaves. False: do not send
   * (the lease was lost, or the store could not be written; then the delivery is handed back,
   * since no request left).
   */
  async #markSending(entry: InFlight, target: CompiledTarget): Promise<boolean> {
    const delivery = entry.delivery;
    try {
      if (await this.#store.markSending(delivery.id, this.workerId, this.#now())) {
        entry.marked = true;
        return true;
      }
      this.#logger.warn({ deliveryId: delivery.id, target: target.name }, 'lease lost before sending; not sent');
      return false;
    } catch (error) {
      this.#logger.error({ err: error, deliveryId: delivery.id, target: target.name }, 'could not mark the delivery as sending; not sent');
      try {
        await this.#store.release([delivery.id], this.workerId);
      } catch {
        // Its lease runs out instead: then it is unknown if the mark was written after all, else sent later.
      }
      return false;
    }
  }

  /** A delivery that ends without a request (expired before it could be sent). */
  async #recordUnsent(delivery: Delivery, target: string, transition: DeadTransition): Promise<void> {
    await this.#record(delivery, target, noRequest(transition.error ?? transition.deadReason, this.#now()), transition);
    this.#logger.warn(
      {
        eventId: delivery.eventId,
        deliveryId: delivery.id,
        route: delivery.route,
        target,
        outcome: 'dead',
        deadReason: transition.deadReason,
        error: transition.error ?? undefined,
      },
      'delivery attempt',
    );
    this.#onAttempt?.({
      target,
      route: delivery.route,
      outcome: 'dead',
      statusCode: null,
      durationMs: 0,
      deadReason: transition.deadReason,
      errorKind: null,
    });
  }

  /** Stored pauses, read at most once per PAUSE_CACHE_MS (and after this worker changes one). */
  async #currentPauses(now: number): Promise<ReadonlyMap<string, TargetPause>> {
    if (this.#pauses && now - this.#pauses.at < PAUSE_CACHE_MS) return this.#pauses.byTarget;
    const byTarget = new Map((await this.#store.targetPauses()).map((p) => [p.target, p] as const));
    this.#pauses = { at: now, byTarget };
    return byTarget;
  }

  /** The circuit breaker's verdict on one attempt, applied in the store (shared by replicas). */
  async #guard(target: CompiledTarget, statusCode: number | null, hasError: boolean, now: number): Promise<void> {
    const health = attemptHealth(statusCode, hasError);
    const halfOpen = this.#probing.delete(target.name);
    if (!target.circuitBreaker && health !== 'gone' && !halfOpen) return;
    const settings = target.circuitBreaker ?? { failures: Number.POSITIVE_INFINITY, cooldownMs: 0 };
    const action = this.#breakers.onAttempt(target.name, health, halfOpen, settings, now);
    if (action.kind === 'none') return;
    try {
      if (action.kind === 'pause') {
        await this.#store.pauseTarget(target.name, action.until, action.reason, now);
        this.#logger.warn(
          { target: target.name, until: action.until === null ? null : new Date(action.until).toISOString(), reason: action.reason },
          'target paused',
        );
      } else {
        await this.#store.resumeTarget(target.name);
        this.#logger.info({ target: target.name }, 'target resumed: the probe after the cool-down succeeded');
      }
    } catch (error) {
      this.#logger.error({ err: error, target: target.name }, 'could not store the circuit breaker state');
    }
    this.#pauses = null;
  }

  /** A delivery for a target the current config no longer has: dead-letter it so it cannot spin. */
  async #deadLetterMissing(name: string): Promise<number> {
    const claimed = await this.#store.claim({
      target: name,
      limit: MISSING_BATCH,
      now: this.#now(),
      leaseMs: this.#leaseMs,
      workerId: this.workerId,
    });
    const error = `target "${name}" is not in the current config`;
    for (const delivery of claimed) {
      await this.#recordUnsent(delivery, name, { status: 'dead', deadReason: 'target_missing', error });
    }
    return claimed.length;
  }

  /** completeAttempt, retried a few times: a lost record would make the delivery run again later. */
  async #record(delivery: Delivery, target: string, attempt: NewAttempt, transition: Transition): Promise<boolean> {
    for (let tryNumber = 0; ; tryNumber++) {
      try {
        const recorded = await this.#store.completeAttempt(delivery.id, this.workerId, attempt, transition);
        if (!recorded) {
          this.#logger.warn({ deliveryId: delivery.id, target }, 'lease lost before the attempt was recorded');
        }
        return recorded;
      } catch (error) {
        const delay = COMPLETE_RETRY_DELAYS_MS[tryNumber];
        if (delay === undefined) throw error;
        this.#logger.warn({ err: error, deliveryId: delivery.id, target, retryInMs: delay }, 'could not record the attempt; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

function noRequest(error: string, startedAt: number): NewAttempt {
  return {
    startedAt,
    durationMs: 0,
    statusCode: null,
    error,
    outcome: 'dead',
    responseSnippet: null,
    sessionId: null,
    sessionUrl: null,
  };
}
