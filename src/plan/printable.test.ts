import { describe, expect, it } from 'vitest';
import { printable, printableLine } from './printable.ts';

describe('printable', () => {
  it.each([
    ['plain text', 'plain text'],
    ['\u001b[2J\u001b[Hcleared', '\\u001b[2J\\u001b[Hcleared'],
    ['bell\u0007 and del\u007f and c1\u009b', 'bell\\u0007 and del\\u007f and c1\\u009b'],
    ['keeps\nlines\tand tabs', 'keeps\nlines\tand tabs'],
    ['unicode ✓ é', 'unicode ✓ é'],
  ])('%j', (text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('escapes line breaks in one-line fields, so a key cannot forge a row', () => {
    expect(printableLine('k1\nevt_fake  stripe')).toBe('k1\\nevt_fake  stripe');
    expect(printableLine('a\rb\tc')).toBe('a\\rb\\tc');
  });
});
