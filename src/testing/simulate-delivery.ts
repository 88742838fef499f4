/**
 * The delivery side of a `requests:` case, decided as `serve` decides it, on the simulated clock:
 * each delivery is claimed the moment it is due, a budgeted one through the store's own budget
 * claim (so the sliding window, holds and drops are the router's, not a restatement of them),
 * and every request is answered 2xx at once. Rate limits, concurrency caps and failing answers
 * are not simulated: a delivery is sent as soon as its budget allows.
 */
import { BUDGET_RECHECK_MS, BudgetWants, budgetOf } from '../delivery/budget-worker.ts';
import { expiredBeforeSending } from '../delivery/settle.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { Delivery, NewAttempt, Store, Transition } from '../store/types.ts';
import { CaseError } from './case-error.ts';

const WORKER_ID = 'config-test';
/** Nothing stays in flight (each request is answered at once): any lease longer than zero will do. */
const LEASE_MS = 60_000;
/** Deliveries claimed per target and claim; more are claimed in further passes at the same time. */
const CLAIM_BATCH = 500;
/** Passes at one simulated time before the simulation gives up on deliveries that stay due. */
const MAX_PASSES = 10_000;

/** A delivery's fate in absolute simulated times (the runner makes them relative to the start). */
export interface SimulatedFate {
  sentAt: number | null;
  held: { budget: string; until: number } | null;
  dead: { reason: string; budget: string | null } | null;
}

export class DeliverySimulator {
  readonly #store: Store;
  readonly #config: CompiledConfig;
  readonly #fates = new Map<string, SimulatedFate>();

  constructor(store: Store, config: CompiledConfig) {
    this.#store = store;
    this.#config = config;
  }

  /** What became of a delivery so far; a delivery never seen by a claim has no fate yet. */
  fateOf(deliveryId: string): SimulatedFate | undefined {
    return this.#fates.get(deliveryId);
  }

  /** Claims and sends (or holds, or drops) every delivery due at `now`, until none is due. */
  async deliverDue(now: number): Promise<void> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const due = await this.#store.dueTargets(now);
      if (due.length === 0) return;
      if (!(await this.#pass(due, now))) break;
    }
    throw new CaseError(`deliveries due at ${new Date(now).toISOString()} could not be claimed on the simulated clock`);
  }

  async #pass(due: readonly string[], now: number): Promise<boolean> {
    let progress = false;
    const wants = new BudgetWants();
    for (const name of due) {
      const target = this.#config.targets.get(name);
      if (!target) throw new CaseError(`a delivery is due to target "${name}", which the config does not have`);
      const budget = budgetOf(this.#config, target);
      if (budget) {
        wants.add(budget, { target: name, limit: CLAIM_BATCH, leaseMs: LEASE_MS, concurrency: CLAIM_BATCH });
        continue;
      }
      const claimed = await this.#store.claim({ target: name, limit: CLAIM_BATCH, now, leaseMs: LEASE_MS, workerId: WORKER_ID });
      for (const delivery of claimed) await this.#send(delivery, now, null);
      progress = progress || claimed.length > 0;
    }
    for (const { budget, caps } of wants.entries()) {
      const claim = await this.#store.claimBudget({ budget, targets: caps, now, workerId: WORKER_ID, recheckMs: BUDGET_RECHECK_MS });
      for (const delivery of claim.claimed) await this.#send(delivery, now, budget.name);
      for (const delivery of claim.dropped) this.#fate(delivery.id).dead = { reason: 'over_budget', budget: budget.name };
      if (claim.held > 0) await this.#noteHeld(caps.map((c) => c.target));
      progress = progress || claim.claimed.length > 0 || claim.dropped.length > 0 || claim.held > 0;
    }
    return progress;
  }

  /** The request, answered 2xx at once; one held past its target's maxAge dies `expired` unsent, as in the worker. */
  async #send(delivery: Delivery, now: number, budget: string | null): Promise<void> {
    const target = this.#config.targets.get(delivery.target);
    const expired = target ? expiredBeforeSending(delivery, target, now) : null;
    if (budget !== null) await this.#store.settleBudgetUnit(delivery.id, WORKER_ID, expired === null, now);
    const attempt: NewAttempt = {
      startedAt: now,
      durationMs: 0,
      statusCode: expired ? null : 200,
      error: expired ? expired.error : null,
      outcome: expired ? 'dead' : 'success',
      responseSnippet: null,
      sessionId: null,
      sessionUrl: null,
    };
    const transition: Transition = expired ?? { status: 'delivered' };
    await this.#store.completeAttempt(delivery.id, WORKER_ID, attempt, transition);
    const fate = this.#fate(delivery.id);
    if (expired) fate.dead = { reason: expired.deadReason, budget: null };
    else fate.sentAt = now;
  }

  /** Which pending deliveries of these targets a budget holds now, and until when (read back from the store). */
  async #noteHeld(targets: readonly string[]): Promise<void> {
    for (const target of targets) {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PASSES; page++) {
        const { items, nextCursor } = await this.#store.listDeliveries({
          status: 'pending',
          target,
          limit: CLAIM_BATCH,
          ...(cursor ? { cursor } : {}),
        });
        for (const d of items) {
          if (!d.heldBy || d.heldUntil === null || d.heldUntil === undefined) continue;
          const fate = this.#fate(d.id);
          fate.held = { budget: fate.held?.budget ?? d.heldBy, until: d.heldUntil };
        }
        if (nextCursor === null) break;
        cursor = nextCursor;
      }
    }
  }

  #fate(id: string): SimulatedFate {
    let fate = this.#fates.get(id);
    if (!fate) {
      fate = { sentAt: null, held: null, dead: null };
      this.#fates.set(id, fate);
    }
    return fate;
  }
}
