import { describe, expect, it } from 'vitest';
import { type TargetHealthFacts, type TargetHealthWord, targetHealthWord } from './target-health.ts';

const CALM: TargetHealthFacts = {
  pause: null,
  failed: 0,
  lastFailureAt: null,
  lastDeliveredAt: null,
  rateLimited: false,
  pending: 0,
  oldestPendingAgeMs: null,
  dead: 0,
};

describe('targetHealthWord', () => {
  it.each<[string, Partial<TargetHealthFacts>, TargetHealthWord]>([
    ['nothing waiting', {}, 'ok'],
    ['paused, whatever else', { pause: 'paused', failed: 3, lastFailureAt: 10, rateLimited: true }, 'paused'],
    ['half open after the cool-down', { pause: 'half_open', failed: 1, lastFailureAt: 10 }, 'half_open'],
    ['a failure and no delivery since', { failed: 1, lastFailureAt: 10 }, 'failing'],
    ['a failure newer than the last delivery', { failed: 1, lastFailureAt: 10, lastDeliveredAt: 5 }, 'failing'],
    ['failing beats rate limited', { failed: 1, lastFailureAt: 10, rateLimited: true }, 'failing'],
    ['a delivery after the last failure', { failed: 2, lastFailureAt: 10, lastDeliveredAt: 11 }, 'recovering'],
    ['recovered but rate limited', { failed: 2, lastFailureAt: 10, lastDeliveredAt: 11, rateLimited: true }, 'rate_limited'],
    ['rate limited', { rateLimited: true, pending: 4, oldestPendingAgeMs: 600_000 }, 'rate_limited'],
    ['waiting over a minute', { pending: 1, oldestPendingAgeMs: 60_001 }, 'backlog'],
    ['waiting a minute exactly', { pending: 1, oldestPendingAgeMs: 60_000 }, 'ok'],
    ['dead letters only', { dead: 2 }, 'dead_letters'],
    ['backlog beats dead letters', { dead: 2, pending: 1, oldestPendingAgeMs: 120_000 }, 'backlog'],
  ])('%s → %s', (_name, facts, word) => {
    expect(targetHealthWord({ ...CALM, ...facts })).toBe(word);
  });
});
