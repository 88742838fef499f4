/**
 * Fires groups on time, from the store: a loop in the worker role that claims due groups under a
 * lease, maps each once over `$group`, and commits its deliveries (store.groups.fireGroup). An
 * open group lives only in the store, so a restart (or another replica) fires it; a claim left by
 * a dead process runs out and is taken over, and a fire commits only while its claim is held.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../observability/logger.ts';
import { planFire } from '../pipeline/shape-fire.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { FireResult, GroupRecord } from '../store/groups-types.ts';
import type { Store } from '../store/types.ts';
import { Waker } from './waker.ts';

export interface GroupFired {
  readonly route: string;
  readonly key: string;
  readonly count: number;
  readonly result: FireResult;
  /** The mapped value, null when the map failed (for config tests). */
  readonly mapped: unknown;
  readonly deliveries: readonly {
    readonly id: string;
    readonly target: string;
    readonly idempotencyKey: string;
    readonly error: string | null;
  }[];
}

export interface GroupSchedulerOptions {
  readonly store: Store;
  readonly getConfig: () => CompiledConfig;
  readonly logger: Logger;
  readonly owner?: string;
  /** How long a claimed group stays with this scheduler before another may take it over. Default 30 s. */
  readonly leaseMs?: number;
  readonly now?: () => number;
  /** After each group handled (metrics, waking the delivery worker, config tests). */
  readonly onFired?: (fired: GroupFired) => void;
}

/** Longest sleep between looks at the store (other replicas' ingress opens groups too). */
const MAX_IDLE_MS = 1_000;
const CLAIM_BATCH = 20;
const PURGE_EVERY_MS = 10 * 60_000;
const FIRED_GROUP_RETENTION_FLOOR_MS = 86_400_000;

export class GroupScheduler {
  readonly owner: string;
  readonly #store: Store;
  readonly #getConfig: () => CompiledConfig;
  readonly #logger: Logger;
  readonly #leaseMs: number;
  readonly #now: () => number;
  readonly #onFired: ((fired: GroupFired) => void) | undefined;
  readonly #waker = new Waker();
  #running = false;
  #loop: Promise<void> | null = null;
  #lastPurge = 0;

  constructor(options: GroupSchedulerOptions) {
    this.#store = options.store;
    this.#getConfig = options.getConfig;
    this.#logger = options.logger;
    this.owner = options.owner ?? `${hostname()}-${process.pid}-groups-${randomBytes(4).toString('hex')}`;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#now = options.now ?? Date.now;
    this.#onFired = options.onFired;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  notify(): void {
    this.#waker.notify();
  }

  /** Stops after the group being fired, if any (its commit is one transaction either way). */
  async stop(): Promise<void> {
    this.#running = false;
    this.notify();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      let sleepMs: number;
      try {
        // A read first: an idle router writes nothing (a claim is a write, and on SQLite a sync).
        let next = await this.#store.groups.nextGroupDueAt();
        if (next !== null && next <= this.#now()) {
          await this.fireDue(this.#now());
          next = await this.#store.groups.nextGroupDueAt();
        }
        await this.#purgeNowAndThen();
        sleepMs = Math.min(MAX_IDLE_MS, next === null ? MAX_IDLE_MS : Math.max(0, next - this.#now()));
        failures = 0;
      } catch (error) {
        failures++;
        sleepMs = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        this.#logger.error({ err: error, retryInMs: sleepMs }, 'group scheduler failed; backing off');
      }
      if (!this.#running) break;
      await this.#waker.sleep(sleepMs);
    }
  }

  /** Fires every group due at `now`; returns how many were handled. Config tests call it on their simulated clock. */
  async fireDue(now: number): Promise<number> {
    let handled = 0;
    for (;;) {
      const claimed = await this.#store.groups.claimDueGroups({ now, limit: CLAIM_BATCH, leaseMs: this.#leaseMs, owner: this.owner });
      for (const group of claimed) {
        try {
          await this.#fire(group, now);
        } catch (error) {
          // One group that cannot fire (a store error mid-fire) must not hold up the others; its
          // claim runs out and it is tried again.
          this.#logger.error(
            { err: error, route: group.route, key: group.key, group: group.id },
            'group fire failed; retried when its claim runs out',
          );
        }
        handled++;
      }
      if (claimed.length < CLAIM_BATCH) return handled;
    }
  }

  async #fire(group: GroupRecord, now: number): Promise<void> {
    const config = this.#getConfig();
    const route = config.routes.find((r) => r.name === group.route);
    const log = { route: group.route, key: group.key, group: group.id };
    if (!route) {
      // The route was removed from the config while the group was open: nothing to send it to.
      const result = await this.#store.groups.fireGroup({ groupId: group.id, owner: this.owner, now, deliveries: [], cooldownMs: null });
      this.#logger.warn({ ...log, count: group.count, result }, 'group closed without a fire: its route is no longer configured');
      this.#onFired?.({ route: group.route, key: group.key, count: group.count, result, mapped: null, deliveries: [] });
      return;
    }
    const members = await this.#store.groups.groupMembers(group.id);
    const plan = await planFire(config, route, group, members, now);
    const result = await this.#store.groups.fireGroup({
      groupId: group.id,
      owner: this.owner,
      now,
      deliveries: plan.deliveries,
      cooldownMs: route.cooldown?.forMs ?? null,
    });
    const count = members.length;
    if (result === 'fired') {
      this.#logger.info(
        { ...log, count, deliveries: plan.deliveries.map((d) => ({ id: d.id, target: d.target, ...(d.error ? { error: d.error } : {}) })) },
        'group fired',
      );
      for (const w of plan.warnings) this.#logger.warn({ ...log, target: w.target }, w.warning);
    } else if (result === 'cooldown') {
      this.#logger.info({ ...log, count }, 'group not fired: its key is cooling down');
    } else {
      this.#logger.warn({ ...log, count }, 'group claim lost before its fire was committed; its new owner fires it');
    }
    this.#onFired?.({
      route: group.route,
      key: group.key,
      count,
      result,
      mapped: plan.mapped,
      deliveries:
        result === 'fired'
          ? plan.deliveries.map((d) => ({ id: d.id, target: d.target, idempotencyKey: d.idempotencyKey, error: d.error ?? null }))
          : [],
    });
  }

  async #purgeNowAndThen(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = now;
    const keep = Math.max(this.#getConfig().retentionMs, FIRED_GROUP_RETENTION_FLOOR_MS);
    const purged = await this.#store.groups.purgeGroups(now - keep, now);
    if (purged > 0) this.#logger.info({ purged }, 'fired groups purged');
  }
}
