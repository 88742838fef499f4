import { describe, expect, it } from 'vitest';
import { parseTimeBound } from './admin-time.ts';

const NOW = Date.parse('2026-05-01T12:00:00Z');

describe('parseTimeBound', () => {
  it.each([
    ['1h', NOW - 3_600_000],
    ['90s', NOW - 90_000],
    ['2d', NOW - 2 * 86_400_000],
    ['500ms', NOW - 500],
    ['2026-04-30', Date.parse('2026-04-30T00:00:00Z')],
    ['2026-04-30T08:15:00Z', Date.parse('2026-04-30T08:15:00Z')],
    ['2026-04-30T08:15:00.250Z', Date.parse('2026-04-30T08:15:00.250Z')],
    ['2026-04-30T08:15', Date.parse('2026-04-30T08:15:00Z')],
    ['2026-04-30 08:15:00', Date.parse('2026-04-30T08:15:00Z')],
    ['2026-04-30T08:15:00+02:00', Date.parse('2026-04-30T06:15:00Z')],
    [' 1h ', NOW - 3_600_000],
  ])('%s → the time meant', (text, expected) => {
    expect(parseTimeBound(text, NOW)).toBe(expected);
  });

  it.each(['', 'yesterday', '1 hour', '-1h', '1w', '2026-02-30', '2026-13-01', '2026-04-30T25:00Z', '1714560000000', '2026/04/30'])(
    'refuses %j',
    (text) => {
      expect(parseTimeBound(text, NOW)).toBeUndefined();
    },
  );
});
