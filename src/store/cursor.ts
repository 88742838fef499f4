/**
 * Opaque keyset cursors for newest-first listings: the (time, id) of the last item of a page.
 * The next page holds the rows strictly before it in (time DESC, id DESC) order, so rows inserted
 * meanwhile never shift a page (no duplicates, no gaps). The kind letter keeps an event cursor
 * from being used on deliveries.
 */

import type { Page } from './types.ts';

export type CursorKind = 'events' | 'deliveries';

export interface CursorPosition {
  readonly time: number;
  readonly id: string;
}

/** A cursor that is not one this store handed out; the admin API answers it with 400. */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

const TAG: Record<CursorKind, string> = { events: 'e', deliveries: 'd' };

export function encodeCursor(kind: CursorKind, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([TAG[kind], position.time, position.id]), 'utf8').toString('base64url');
}

export function decodeCursor(kind: CursorKind, cursor: string): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError(`cursor is not valid: pass the next_cursor of a previous ${kind} page`);
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== TAG[kind] ||
    typeof parsed[1] !== 'number' ||
    !Number.isSafeInteger(parsed[1]) ||
    typeof parsed[2] !== 'string'
  ) {
    throw new CursorError(`cursor is not valid: pass the next_cursor of a previous ${kind} page`);
  }
  return { time: parsed[1], id: parsed[2] };
}

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** The page size to use: 50 when unset, clamped to 1..500. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit)));
}

/**
 * A page from rows read newest first with one row more than `limit`: the first `limit` as items,
 * and, when that extra row came back, the cursor after the last item.
 */
export function pageOf<R, T extends { readonly id: string }>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
  kind: CursorKind,
  timeOf: (item: T) => number,
): Page<T> {
  const items = rows.slice(0, limit).map(toItem);
  const last = items[items.length - 1];
  const more = rows.length > limit && last !== undefined;
  return { items, nextCursor: more ? encodeCursor(kind, { time: timeOf(last), id: last.id }) : null };
}
