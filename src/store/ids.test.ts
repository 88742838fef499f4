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
});
