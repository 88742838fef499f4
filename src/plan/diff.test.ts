import { describe, expect, it } from 'vitest';
import { sameValue, structuralDiff } from './diff.ts';

describe('structuralDiff', () => {
  it.each([
    ['a changed leaf', { a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'y' } }, [{ path: '$.b.c', kind: 'changed', before: 'x', after: 'y' }]],
    ['an added key', { a: 1 }, { a: 1, z: [1] }, [{ path: '$.z', kind: 'added', after: [1] }]],
    ['a removed key', { a: 1, gone: null }, { a: 1 }, [{ path: '$.gone', kind: 'removed', before: null }]],
    [
      'array items by index',
      [1, 2],
      [1, 3, 4],
      [
        { path: '$[1]', kind: 'changed', before: 2, after: 3 },
        { path: '$[2]', kind: 'added', after: 4 },
      ],
    ],
    ['a key that is no identifier', { 'a b': 1 }, { 'a b': 2 }, [{ path: '$["a b"]', kind: 'changed', before: 1, after: 2 }]],
    ['a string that became an object', 'text', { text: 'text' }, [{ path: '$', kind: 'changed', before: 'text', after: { text: 'text' } }]],
    ['equal values', { a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }, []],
  ])('%s', (_name, before, after, changes) => {
    expect(structuralDiff(before, after).changes).toEqual(changes);
  });

  it('stops at the limit and says so', () => {
    const before = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i + 1]));
    const diff = structuralDiff(before, after, 3);
    expect(diff.changes.map((c) => c.path)).toEqual(['$.k0', '$.k1', '$.k2']);
    expect(diff.truncated).toBe(true);
  });

  it('treats objects with the same keys in another order as the same value', () => {
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(1, '1')).toBe(false);
  });
});
