/**
 * What a group sends when it fires: the route's map, run once over the last event's body with
 * `$group` bound (every event of the group, oldest first), or the `$group` object itself when
 * the route has no map. One delivery per target, with an Idempotency-Key stable per group.
 */

import type { GroupMember, GroupRecord } from '../store/groups-types.ts';
import { newId } from '../store/ids.ts';
import type { NewDelivery } from '../store/types.ts';
import { encodeChecked, idempotencyKey } from './evaluate.ts';
import { parseBody } from './parse-body.ts';
import type { CompiledConfig, CompiledRoute } from './types.ts';

export interface GroupEventView {
  readonly id: string;
  readonly event: string;
  readonly receivedAt: string;
  readonly body: unknown;
}

export interface GroupView {
  readonly key: string;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  readonly events: readonly GroupEventView[];
}

export interface PlannedFire {
  readonly deliveries: NewDelivery[];
  /** The mapped value (for config tests and logs); null when the map failed. */
  readonly mapped: unknown;
  readonly error: string | null;
  /** Warnings about the payloads (a routine text cut to its limit), one per affected target. */
  readonly warnings: readonly { readonly target: string; readonly warning: string }[];
}

/** A stored body as the map sees it: parsed as at ingest, else its text. */
function bodyOf(member: GroupMember): unknown {
  try {
    return parseBody(member.rawBody, member.headers['content-type']);
  } catch {
    return member.rawBody.toString('utf8');
  }
}

export function groupView(group: GroupRecord, members: readonly GroupMember[]): GroupView {
  const events = members.map(function eventView(m): GroupEventView {
    return { id: m.dedupKey, event: m.eventType, receivedAt: new Date(m.receivedAt).toISOString(), body: bodyOf(m) };
  });
  return {
    key: group.key,
    count: events.length,
    firstAt: new Date(members[0]?.receivedAt ?? group.firstAt).toISOString(),
    lastAt: new Date(members.at(-1)?.receivedAt ?? group.lastAt).toISOString(),
    events,
  };
}

export async function planFire(
  config: CompiledConfig,
  route: CompiledRoute,
  group: GroupRecord,
  members: readonly GroupMember[],
  now: number,
): Promise<PlannedFire> {
  const view = groupView(group, members);
  const last = members.at(-1);
  let mapped: unknown = view;
  let error: string | null = null;
  if (route.map) {
    const body = view.events.at(-1)?.body ?? null;
    const vars = {
      event: last?.eventType ?? null,
      provider: group.provider,
      id: last?.dedupKey ?? null,
      headers: last?.headers ?? {},
      // The query string is not stored with events: a grouped map sees none.
      query: {},
      receivedAt: new Date(last?.receivedAt ?? group.lastAt).toISOString(),
      route: route.name,
      group: view,
    };
    try {
      mapped = await route.map.evaluate(body, vars);
      if (mapped === undefined) throw new Error('map produced no value (an expression path matched nothing)');
    } catch (err) {
      error = `map failed: ${err instanceof Error ? err.message : String(err)}`;
      mapped = null;
    }
  }
  const deliveries: NewDelivery[] = [];
  const warnings: { target: string; warning: string }[] = [];
  for (const targetName of route.targets) {
    const target = config.targets.get(targetName);
    const encoded = error === null && target ? encodeChecked(target, mapped) : null;
    if (encoded?.warning) warnings.push({ target: targetName, warning: encoded.warning });
    deliveries.push({
      id: newId('dlv', now),
      route: route.name,
      target: targetName,
      idempotencyKey: idempotencyKey(group.provider, `group:${group.id}`, route.name, targetName),
      body: encoded?.payload ?? null,
      status: error === null ? 'pending' : 'dead',
      ...(error === null ? {} : { deadReason: 'map_error' as const, error }),
      nextAttemptAt: now,
    });
  }
  return { deliveries, mapped, error, warnings };
}
