/**
 * One config's side of a plan: the recorded events, oldest first, routed as that config would
 * have routed them, and every fire with its time (for fires per day and budget use).
 */
import type { CompiledConfig } from '../pipeline/types.ts';
import type { PlanEvent } from './event-file.ts';
import { type Replayed, type RouteResult, replayEvent } from './replay.ts';

/** What became of one event under one config; a grouped route's result arrives when its group fires. */
export interface EventOutcome {
  readonly routes: Map<string, RouteResult>;
  readonly reasons: Map<string, string>;
  readonly refused: string | null;
  /** Groups of this event that have not fired yet: its outcome is final at 0. */
  pending: number;
}

export class ConfigRun {
  /** Per route, the time of each fire. */
  readonly fireTimes = new Map<string, number[]>();

  constructor(readonly config: CompiledConfig) {}

  private recordFire(route: string, at: number): void {
    const times = this.fireTimes.get(route);
    if (times) times.push(at);
    else this.fireTimes.set(route, [at]);
  }

  async push(event: PlanEvent, body: unknown): Promise<EventOutcome> {
    const replayed: Replayed = await replayEvent(this.config, event, body);
    for (const [route, result] of replayed.routes) if (result.kind === 'fired') this.recordFire(route, event.receivedAt);
    return { routes: new Map(replayed.routes), reasons: new Map(replayed.reasons), refused: replayed.refused, pending: 0 };
  }

  /** Called after the last event. */
  async finish(): Promise<void> {}

  fires(route: string): number {
    return this.fireTimes.get(route)?.length ?? 0;
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
