import { describe, expect, it } from 'vitest';
import { CursorError, decodeCursor, encodeCursor, pageLimit } from './cursor.ts';

describe('cursor', () => {
  it('round-trips a position', () => {
    const cursor = encodeCursor('events', { time: 1_700_000_000_123, id: 'evt_abc' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('events', cursor)).toEqual({ time: 1_700_000_000_123, id: 'evt_abc' });
  });

  it.each([
    ['garbage', 'not a cursor!!'],
    ['valid base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['fractional time', Buffer.from('["e",1.5,"x"]').toString('base64url')],
  ])('refuses %s', (_name, cursor) => {
    expect(() => decodeCursor('events', cursor)).toThrow(CursorError);
  });

  it('refuses a cursor of the other listing', () => {
    const cursor = encodeCursor('deliveries', { time: 1, id: 'dlv_x' });
    expect(() => decodeCursor('events', cursor)).toThrow(/events page/);
  });

  it.each([
    [undefined, 50],
    [0, 1],
    [-3, 1],
    [10.7, 10],
    [500, 500],
    [501, 500],
    [Number.NaN, 50],
  ])('pageLimit(%s) is %s', (limit, expected) => {
    expect(pageLimit(limit)).toBe(expected);
  });
});
