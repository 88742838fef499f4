import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('prefixes and has a fixed length of lower-case base32', () => {
    const id = newId('evt');
    expect(id).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(newId('dlv')).toMatch(/^dlv_/);
  });

  it('sorts by creation time across milliseconds', () => {
    const early = newId('evt', 1_700_000_000_000);
    const late = newId('evt', 1_700_000_000_001);
    expect(early < late).toBe(true);
  });

  it('keeps increasing within one millisecond and when the clock steps back', () => {
    const ids = [newId('dlv', 1_800_000_000_000)];
    for (let i = 0; i < 200; i++) ids.push(newId('dlv', 1_800_000_000_000));
    ids.push(newId('dlv', 1_799_999_999_000));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('encodes the time in the first 10 characters, as base32 of the milliseconds', () => {
    // Later than every time above: ids never go back in time within a process.
    const id = newId('evt', 2_100_000_000_123);
    let time = 0;
    for (const c of id.slice(4, 14)) time = time * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c);
    expect(time).toBe(2_100_000_000_123);
  });

  it('carries the increment from the low half of the random part into the high half', () => {
    // Many ids in one millisecond: every next one is exactly one more, as a 16-digit base32 number.
    const at = 2_200_000_000_000;
    const ids = Array.from({ length: 3000 }, () => newId('evt', at));
    const digits = (id: string): number[] => [...id.slice(14)].map((c) => '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c));
    for (let i = 1; i < ids.length; i++) {
      const a = digits(ids[i - 1]!);
      const b = digits(ids[i]!);
      // b = a + 1 in base 32: the last digit that is not 31 goes up by one, the 31s after it become 0.
      let k = a.length - 1;
      while (a[k] === 31) k--;
      expect(b.slice(0, k)).toEqual(a.slice(0, k));
      expect(b[k]).toBe(a[k]! + 1);
      expect(b.slice(k + 1).every((d) => d === 0)).toBe(true);
    }
  });
});
