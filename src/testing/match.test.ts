import { describe, expect, it } from 'vitest';
import { exactDiff, headersDiff, joinKey, subsetDiff } from './match.ts';

describe('subsetDiff', () => {
  it.each([
    ['equal scalars', 'a', 'a'],
    ['a subset of an object', { plan: 'Pro' }, { plan: 'Pro', extra: 1 }],
    ['nested subsets', { a: { b: 1 } }, { a: { b: 1, c: 2 }, d: 3 }],
    ['arrays item by item', [{ id: 1 }, { id: 2 }], [{ id: 1, x: 0 }, { id: 2 }]],
    ['null for null', { a: null }, { a: null }],
    ['an empty object for any object', {}, { a: 1 }],
  ])('matches %s', (_label, expected, actual) => {
    expect(subsetDiff(expected, actual)).toBeNull();
  });

  it('names the path of the first differing value', () => {
    expect(subsetDiff({ plan: 'Pro Yearly' }, { plan: 'Pro Monthly' }, 'body')).toEqual({
      path: 'body.plan',
      expected: 'Pro Yearly',
      actual: 'Pro Monthly',
    });
  });

  it('reports a missing key as missing', () => {
    expect(subsetDiff({ a: { b: 1 } }, { a: {} })).toEqual({ path: 'a.b', expected: 1, actual: undefined, note: 'missing' });
  });

  it('walks arrays with indexes and quotes odd keys', () => {
    const d = subsetDiff({ items: [{ 'x-y': 1 }, { 'x-y': 2 }] }, { items: [{ 'x-y': 1 }, { 'x-y': 3 }] });
    expect(d?.path).toBe('items[1]["x-y"]');
  });

  it('requires arrays of the same length', () => {
    expect(subsetDiff([1], [1, 2])?.note).toBe('expected 1 items, got 2');
  });

  it('does not coerce types', () => {
    expect(subsetDiff({ id: '1' }, { id: 1 })).toEqual({ path: 'id', expected: '1', actual: 1 });
    expect(subsetDiff({ a: {} }, { a: [] })).not.toBeNull();
    expect(subsetDiff(null, {})).not.toBeNull();
  });
});

describe('exactDiff', () => {
  it('matches identical values', () => {
    expect(exactDiff({ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] })).toBeNull();
  });

  it('refuses extra keys and names them', () => {
    expect(exactDiff({ a: 1 }, { a: 1, b: 2 }, 'bodyEquals')).toEqual({
      path: 'bodyEquals.b',
      expected: undefined,
      actual: 2,
      note: 'extra key',
    });
  });

  it('compares strings exactly', () => {
    expect(exactDiff('a\nb', 'a\nb')).toBeNull();
    expect(exactDiff('a', 'a ')).toEqual({ path: '', expected: 'a', actual: 'a ' });
  });
});

describe('headersDiff', () => {
  it('matches a subset with names in any case', () => {
    expect(headersDiff({ 'Anthropic-Version': '2023-06-01' }, { 'anthropic-version': '2023-06-01', 'content-type': 'x' })).toBeNull();
  });

  it('names a missing or different header', () => {
    expect(headersDiff({ 'x-team': 'growth' }, {})).toEqual({ path: '["x-team"]', expected: 'growth', actual: undefined, note: 'missing' });
    expect(headersDiff({ 'x-team': 'growth' }, { 'X-Team': 'ops' })).toEqual({ path: '["x-team"]', expected: 'growth', actual: 'ops' });
  });
});

describe('joinKey', () => {
  it('joins identifiers with dots and quotes the rest', () => {
    expect(joinKey('', 'a')).toBe('a');
    expect(joinKey('a', 'b_c')).toBe('a.b_c');
    expect(joinKey('a', '0')).toBe('a["0"]');
  });
});
