/** Builders for the store contract suite: valid values that a test overrides one field at a time. */
import { newId } from '../../../src/store/ids.ts';
import type { NewAttempt, NewDelivery, NewEvent, Store } from '../../../src/store/types.ts';

/** A fixed past instant: contract tests pass every time explicitly, except release's "now". */
export const T0 = 1_700_000_000_000;
export const SECOND = 1000;
export const DAY = 86_400_000;

let serial = 0;

export function anEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  serial += 1;
  return {
    id: newId('evt'),
    provider: 'stripe',
    eventType: 'customer.created',
    dedupKey: `key-${serial}-${Math.random().toString(36).slice(2)}`,
    receivedAt: T0,
    configSha256: 'a'.repeat(64),
    headers: { 'content-type': 'application/json', 'x-request-id': `r-${serial}` },
    rawBody: Buffer.from(`{"id":"evt_${serial}","type":"customer.created"}`),
    status: 'accepted',
    ignored: [],
    ...overrides,
  };
}

export function aDelivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  const id = newId('dlv');
  return {
    id,
    route: 'onboarding',
    target: 'routine-a',
    idempotencyKey: `idem-${id}`,
    body: Buffer.from('{"text":"hello"}'),
    status: 'pending',
    nextAttemptAt: T0,
    ...overrides,
  };
}

export function anAttempt(overrides: Partial<NewAttempt> = {}): NewAttempt {
  return {
    startedAt: T0,
    durationMs: 120,
    statusCode: 200,
    error: null,
    outcome: 'success',
    responseSnippet: '{"ok":true}',
    sessionId: null,
    sessionUrl: null,
    ...overrides,
  };
}

/** Stores one event per delivery given; returns the delivery ids in the order given. */
export async function seedDeliveries(
  store: Store,
  deliveries: readonly Partial<NewDelivery>[],
  event: Partial<NewEvent> = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (const overrides of deliveries) {
    const delivery = aDelivery(overrides);
    const result = await store.insertEvent(anEvent(event), [delivery]);
    if (result.duplicate) throw new Error('seedDeliveries: unexpected duplicate');
    ids.push(delivery.id);
  }
  return ids;
}

/** Every item of every page, following nextCursor (bounded, so a broken cursor cannot loop forever). */
export async function allPages<T>(
  fetch: (cursor: string | undefined) => Promise<{ items: readonly T[]; nextCursor: string | null }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor);
    pages.push([...page.items]);
    if (page.nextCursor === null) return pages;
    cursor = page.nextCursor;
  }
  throw new Error('allPages: more than 1000 pages, the cursor does not advance');
}
