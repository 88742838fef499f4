/**
 * One config's side of a plan: the recorded events, oldest first, routed as that config would
 * have routed them, fire shaping included, and every fire with its time (fires per day, budget
 * use). Groups and cooldowns are simulated on the events' received times with the router's own
 * decisions (planJoin for a group's life, planFire for its one map over `$group`); a group still
 * open after the last event fires when it would. Nothing is stored, nothing is sent.
 */

import type { CompiledGroup } from '../pipeline/shape-compile.ts';
import { planFire } from '../pipeline/shape-fire.ts';
import type { CompiledConfig, CompiledRoute } from '../pipeline/types.ts';
import { planJoin } from '../store/groups-decide.ts';
import { stillCooling } from '../store/groups-rule.ts';
import type { GroupMember, GroupRecord } from '../store/groups-types.ts';
import type { PlanEvent } from './event-file.ts';
import { type RouteResult, replayEvent } from './replay.ts';
import type { ShapingUse as ReportShapingUse } from './report.ts';

/** What became of one event under one config; a grouped route's result arrives when its group fires. */
export interface EventOutcome {
  readonly routes: Map<string, RouteResult>;
  readonly reasons: Map<string, string>;
  readonly refused: string | null;
  /** Groups of this event that have not fired yet: its outcome is final at 0. */
  pending: number;
}

/** Per shaped route: groups fired and held back by a cooldown, events grouped and held back (counted as they happen). */
type ShapingUse = { -readonly [K in keyof ReportShapingUse]: ReportShapingUse[K] };

interface OpenGroup {
  readonly id: string;
  readonly route: CompiledRoute;
  readonly key: string;
  readonly provider: string;
  count: number;
  readonly firstAt: number;
  lastAt: number;
  firesAt: number;
  readonly deadlineAt: number;
  status: 'open' | 'closed';
  readonly members: Array<{ readonly member: GroupMember; readonly outcome: EventOutcome }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** One group reaching its time in the simulation: what the group scheduler's `onFired` reports in `serve`, with the time. */
export interface PlannedGroupFire {
  readonly route: string;
  readonly key: string;
  readonly at: number;
  /** `cooldown`: the key was still cooling down, so the group did not fire. */
  readonly result: 'fired' | 'cooldown';
  readonly members: readonly GroupMember[];
}

export class ConfigRun {
  /** Per route, the time of each fire. */
  readonly fireTimes = new Map<string, number[]>();
  readonly shaping = new Map<string, ShapingUse>();
  readonly #open = new Map<string, OpenGroup>();
  /** Cooldown end per route and key. */
  readonly #coolingUntil = new Map<string, number>();
  #groupIds = 0;

  /** `onGroupFire`: called as each group reaches its time (differential tests compare it with the store). */
  constructor(
    readonly config: CompiledConfig,
    readonly onGroupFire?: (fire: PlannedGroupFire) => void,
  ) {}

  #recordFire(route: string, at: number): void {
    const times = this.fireTimes.get(route);
    if (times) times.push(at);
    else this.fireTimes.set(route, [at]);
  }

  #use(route: string): ShapingUse {
    let use = this.shaping.get(route);
    if (!use) {
      use = { groupsFired: 0, groupsCooledDown: 0, eventsGrouped: 0, eventsCooledDown: 0 };
      this.shaping.set(route, use);
    }
    return use;
  }

  /** Takes the cooldown of (route, key) at `at` when it is free; returns when it ends if it is not. */
  #cooldown(route: string, key: string, at: number, forMs: number): number | null {
    const slot = `${route}\0${key}`;
    const until = this.#coolingUntil.get(slot);
    if (until !== undefined && stillCooling(until, at)) return until;
    this.#coolingUntil.set(slot, at + forMs);
    return null;
  }

  #cooling(route: string, key: string, at: number): number | null {
    const until = this.#coolingUntil.get(`${route}\0${key}`);
    return until !== undefined && stillCooling(until, at) ? until : null;
  }

  /** Fires every open group due at or before `until`, earliest first (a fire may start a cooldown later events meet). */
  async #fireDue(until: number): Promise<void> {
    for (;;) {
      let next: OpenGroup | null = null;
      for (const group of this.#open.values()) if (group.firesAt <= until && (next === null || group.firesAt < next.firesAt)) next = group;
      if (next === null) return;
      await this.#fire(next);
    }
  }

  async #fire(group: OpenGroup): Promise<void> {
    this.#open.delete(`${group.route.name}\0${group.key}`);
    const at = group.firesAt;
    const use = this.#use(group.route.name);
    const cooldownMs = group.route.cooldown?.forMs ?? null;
    const heldUntil = cooldownMs === null ? null : this.#cooldown(group.route.name, group.key, at, cooldownMs);
    let result: RouteResult | null = null;
    if (heldUntil !== null) {
      use.groupsCooledDown++;
    } else {
      const record: GroupRecord = {
        id: group.id,
        route: group.route.name,
        key: group.key,
        provider: group.provider,
        status: 'firing',
        count: group.count,
        firstAt: group.firstAt,
        lastAt: group.lastAt,
        firesAt: at,
        lastEventId: group.members.at(-1)?.member.eventId ?? '',
        firedAt: null,
        cooldownUntil: null,
      };
      const fire = await planFire(
        this.config,
        group.route,
        record,
        group.members.map((m) => m.member),
        at,
      );
      const targets = [...group.route.targets];
      result = fire.error === null ? { kind: 'fired', mapped: fire.mapped, targets } : { kind: 'error', error: fire.error, targets };
      if (fire.error === null) {
        use.groupsFired++;
        this.#recordFire(group.route.name, at);
      }
    }
    this.onGroupFire?.({
      route: group.route.name,
      key: group.key,
      at,
      result: heldUntil === null ? 'fired' : 'cooldown',
      members: group.members.map((m) => m.member),
    });
    for (const { outcome } of group.members) {
      if (result) outcome.routes.set(group.route.name, result);
      else outcome.reasons.set(group.route.name, `its group (key "${group.key}") fired while cooling down, until ${iso(heldUntil ?? at)}`);
      outcome.pending--;
    }
  }

  async push(event: PlanEvent, body: unknown): Promise<EventOutcome> {
    const at = event.receivedAt;
    await this.#fireDue(at);
    const replayed = await replayEvent(this.config, event, body);
    const outcome: EventOutcome = { routes: new Map(), reasons: new Map(replayed.reasons), refused: replayed.refused, pending: 0 };
    const gated = new Map(replayed.shapes.filter((s) => s.kind === 'gate').map((s) => [s.route.name, s]));
    for (const [route, result] of replayed.routes) {
      const gate = gated.get(route);
      if (gate && result.kind === 'fired' && gate.route.cooldown) {
        const until = this.#cooldown(route, gate.key, at, gate.route.cooldown.forMs);
        if (until !== null) {
          this.#use(route).eventsCooledDown++;
          outcome.reasons.set(route, `cooling down (key "${gate.key}") until ${iso(until)}`);
          continue;
        }
      }
      outcome.routes.set(route, result);
      if (result.kind === 'fired') this.#recordFire(route, at);
    }
    for (const shape of replayed.shapes) {
      if (shape.kind !== 'join' || !shape.route.group) continue;
      await this.#join(shape.route, shape.route.group, shape.key, event, outcome, replayed.dedupKey, replayed.eventType);
    }
    return outcome;
  }

  async #join(
    route: CompiledRoute,
    group: CompiledGroup,
    key: string,
    event: PlanEvent,
    outcome: EventOutcome,
    dedupKey: string,
    eventType: string,
  ): Promise<void> {
    const at = event.receivedAt;
    const use = this.#use(route.name);
    if (route.cooldown) {
      const until = this.#cooling(route.name, key, at);
      if (until !== null) {
        use.eventsCooledDown++;
        outcome.reasons.set(route.name, `cooling down (key "${key}") until ${iso(until)}`);
        return;
      }
    }
    const slot = `${route.name}\0${key}`;
    const open = this.#open.get(slot) ?? null;
    const plan = planJoin(open, at, { waitMs: group.waitMs, maxWaitMs: group.maxWaitMs, max: group.max });
    if (plan.closeOpen && open) await this.#fire(open);
    const member: GroupMember = {
      eventId: `${event.provider}:${dedupKey}`,
      dedupKey,
      eventType,
      receivedAt: at,
      headers: event.headers,
      rawBody: event.rawBody,
    };
    let target: OpenGroup;
    if (plan.opens) {
      target = {
        id: `plan-group-${++this.#groupIds}`,
        route,
        key,
        provider: event.provider,
        count: plan.count,
        firstAt: at,
        lastAt: plan.lastAt,
        firesAt: plan.firesAt,
        deadlineAt: plan.deadlineAt,
        status: plan.status,
        members: [],
      };
      this.#open.set(slot, target);
    } else if (open) {
      target = open;
      target.count = plan.count;
      target.lastAt = plan.lastAt;
      target.firesAt = plan.firesAt;
      target.status = plan.status;
    } else {
      throw new Error('planJoin joined a group that does not exist');
    }
    target.members.push({ member, outcome });
    outcome.pending++;
    use.eventsGrouped++;
  }

  /** After the last event: every group still open fires when it would. */
  async finish(): Promise<void> {
    await this.#fireDue(Number.POSITIVE_INFINITY);
  }

  fires(route: string): number {
    return this.fireTimes.get(route)?.length ?? 0;
  }

  /** Groups and cooldowns of a route (all 0 for a route nothing shapes). */
  shapingUse(route: string): ShapingUse {
    return { ...(this.shaping.get(route) ?? { groupsFired: 0, groupsCooledDown: 0, eventsGrouped: 0, eventsCooledDown: 0 }) };
  }

  /** Whether this config groups or cools down the route. */
  shapes(route: string): boolean {
    const r = this.config.routes.find((c) => c.name === route);
    return r !== undefined && (r.group !== null || r.cooldown !== null);
  }

  /** The time of every request the targets would be sent: one per fire of each route, per target it names. */
  requestTimes(targets: readonly string[]): number[] {
    const times: number[] = [];
    for (const route of this.config.routes) {
      const fires = this.fireTimes.get(route.name) ?? [];
      for (const target of route.targets) if (targets.includes(target)) times.push(...fires);
    }
    return times;
  }
}
