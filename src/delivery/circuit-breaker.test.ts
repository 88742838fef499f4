import { describe, expect, it } from 'vitest';
import { attemptHealth, CircuitBreakers, pauseState } from './circuit-breaker.ts';

describe('attemptHealth', () => {
  it.each([
    [200, false, 'healthy'],
    [204, false, 'healthy'],
    [500, false, 'failing'],
    [503, false, 'failing'],
    [null, true, 'failing'],
    [429, false, 'neutral'],
    [400, false, 'neutral'],
    [404, false, 'neutral'],
    [410, false, 'gone'],
    [301, false, 'neutral'],
  ] as const)('status %s (error: %s) is %s', (status, error, expected) => {
    expect(attemptHealth(status, error)).toBe(expected);
  });
});

describe('CircuitBreakers', () => {
  const settings = { failures: 3, cooldownMs: 10_000 };

  it('opens after N consecutive failures, for the cool-down', () => {
    const b = new CircuitBreakers();
    expect(b.onAttempt('t', 'failing', false, settings, 0)).toEqual({ kind: 'none' });
    expect(b.onAttempt('t', 'failing', false, settings, 1)).toEqual({ kind: 'none' });
    expect(b.onAttempt('t', 'failing', false, settings, 2)).toMatchObject({ kind: 'pause', until: 10_002 });
    expect(b.consecutiveFailures('t')).toBe(0);
  });

  it('a success in between resets the count; neutral answers neither count nor reset', () => {
    const b = new CircuitBreakers();
    b.onAttempt('t', 'failing', false, settings, 0);
    b.onAttempt('t', 'failing', false, settings, 0);
    b.onAttempt('t', 'healthy', false, settings, 0);
    expect(b.consecutiveFailures('t')).toBe(0);
    b.onAttempt('t', 'failing', false, settings, 0);
    b.onAttempt('t', 'neutral', false, settings, 0);
    expect(b.consecutiveFailures('t')).toBe(1);
  });

  it('half-open: one success resumes, one failure pauses again', () => {
    const b = new CircuitBreakers();
    expect(b.onAttempt('t', 'healthy', true, settings, 50)).toEqual({ kind: 'resume' });
    expect(b.onAttempt('t', 'failing', true, settings, 50)).toMatchObject({ kind: 'pause', until: 10_050 });
  });

  it('410 Gone pauses with no end', () => {
    const b = new CircuitBreakers();
    expect(b.onAttempt('t', 'gone', false, settings, 5)).toMatchObject({ kind: 'pause', until: null });
  });

  it('keeps targets apart', () => {
    const b = new CircuitBreakers();
    b.onAttempt('a', 'failing', false, settings, 0);
    b.onAttempt('a', 'failing', false, settings, 0);
    expect(b.onAttempt('b', 'failing', false, settings, 0)).toEqual({ kind: 'none' });
    expect(b.consecutiveFailures('a')).toBe(2);
  });
});

describe('pauseState', () => {
  const pause = (until: number | null) => ({ target: 't', until, reason: 'r', since: 0 });
  it.each([
    [null, 1_000, 'paused'],
    [2_000, 1_000, 'paused'],
    [1_000, 1_000, 'half_open'],
    [500, 1_000, 'half_open'],
  ] as const)('until %s at %s is %s', (until, now, expected) => {
    expect(pauseState(pause(until), now)).toBe(expected);
  });
});
