import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './units.ts';

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [86_400_000, '1d'],
    [2 * 86_400_000, '2d'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [30_000, '30s'],
    [3_000, '3s'],
    [1_500, '1500ms'],
    [250, '250ms'],
  ];
  it.each(cases)('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
  it.each(cases)('%d ms reads back from %s', (ms, text) => expect(parseDuration(text)).toBe(ms));
});
