/**
 * A route's `group:` and `cooldown:` compiled once at load: JSONata keys compiled, durations in
 * milliseconds, defaults filled in (maxWait 10 x wait, max 1000).
 */
import type { Expression } from 'jsonata';
import jsonata from 'jsonata';
import type { RouteConfig } from '../config/types.ts';
import { SetupError } from '../errors.ts';
import { parseDuration } from '../util/units.ts';

export interface CompiledGroup {
  /** The group key over each event; null: one group for the whole route. */
  readonly by: Expression | null;
  readonly waitMs: number;
  readonly maxWaitMs: number;
  readonly max: number;
}

export interface CompiledCooldown {
  /** The cooldown key of an ungrouped route; null: one key for the whole route (a grouped route uses its group key). */
  readonly by: Expression | null;
  readonly forMs: number;
}

export const GROUP_DEFAULT_MAX = 1000;
export const GROUP_MAX_WAIT_FACTOR = 10;

export function compileGroup(route: RouteConfig, where: string): CompiledGroup | null {
  const group = route.group;
  if (!group) return null;
  const waitMs = durationMs(group.wait, `${where}.group.wait`);
  const maxWaitMs = group.maxWait === undefined ? waitMs * GROUP_MAX_WAIT_FACTOR : durationMs(group.maxWait, `${where}.group.maxWait`);
  if (maxWaitMs < waitMs) throw new SetupError(`${where}.group.maxWait (${group.maxWait}) is shorter than wait (${group.wait})`);
  return Object.freeze({
    by: group.by === undefined ? null : expression(group.by, `${where}.group.by`),
    waitMs,
    maxWaitMs,
    max: group.max ?? GROUP_DEFAULT_MAX,
  });
}

export function compileCooldown(route: RouteConfig, where: string): CompiledCooldown | null {
  const cooldown = route.cooldown;
  if (cooldown === undefined) return null;
  if (typeof cooldown === 'string') return Object.freeze({ by: null, forMs: durationMs(cooldown, `${where}.cooldown`) });
  return Object.freeze({
    by: cooldown.by === undefined ? null : expression(cooldown.by, `${where}.cooldown.by`),
    forMs: durationMs(cooldown.for, `${where}.cooldown.for`),
  });
}

function durationMs(text: string, where: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new SetupError(`${where}: "${text}" is not a duration above zero (500ms, 30s, 5m, 1h, 1d)`);
  return ms;
}

function expression(source: string, where: string): Expression {
  try {
    return jsonata(source);
  } catch (err) {
    throw new SetupError(`${where}: JSONata does not compile: ${(err as Error).message}`);
  }
}
