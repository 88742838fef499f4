import { describe, expect, it } from 'vitest';
import { formatOffset, parseOffset } from './offset.ts';

describe('simulated-clock offsets', () => {
  it.each([
    ['30s', 30_000],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['1d30s', 86_430_000],
    ['2m500ms', 120_500],
  ])('reads %s', (text, ms) => {
    expect(parseOffset(text)).toBe(ms);
  });

  it.each(['', 'soon', '1h 30m', '1.5h30m', '-1s', '30'])('refuses %j', (text) => {
    expect(parseOffset(text)).toBeUndefined();
  });

  it.each([
    [0, '0s'],
    [86_430_000, '1d30s'],
    [54_900_000, '15h15m'],
    [1_500, '1s500ms'],
  ])('prints %d as %s, which reads back the same', (ms, text) => {
    expect(formatOffset(ms)).toBe(text);
    expect(parseOffset(text)).toBe(ms);
  });
});
