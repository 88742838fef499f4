import { describe, expect, it } from 'vitest';
import { closest, didYouMean, levenshtein } from './suggest.ts';

describe('suggestions', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['secrt', 'secret', 1],
    ['stripe', 'stripe', 0],
    ['flaw', 'lawn', 2],
  ])('levenshtein(%s, %s) = %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });

  it('suggests the closest plausible name, and nothing for a far one', () => {
    expect(closest('strpe', ['github', 'stripe', 'sentry'])).toBe('stripe');
    expect(closest('Stripe', ['stripe'])).toBe('stripe');
    expect(closest('billing', ['stripe', 'github'])).toBeUndefined();
    expect(didYouMean('crn', ['crm'])).toBe(' (did you mean `crm`?)');
    expect(didYouMean('zzzzzz', ['crm'])).toBe('');
  });
});
