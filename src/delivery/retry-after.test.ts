import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  const cases: Array<[string, string | string[] | undefined, number | null]> = [
    ['absent', undefined, null],
    ['empty', '', null],
    ['seconds', '120', 120_000],
    ['zero seconds', '0', 0],
    ['padded seconds', ' 3 ', 3000],
    ['first of a list', ['2', '9'], 2000],
    ['HTTP date in the future', 'Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['HTTP date in the past', 'Tue, 31 Dec 2024 23:59:00 GMT', 0],
    ['negative', '-5', null],
    ['fraction', '1.5', null],
    ['garbage', 'soon', null],
  ];
  it.each(cases)('%s', (_name, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
