import { describe, expect, it } from 'vitest';
import { ROUTINE_TEXT_LIMIT, routineText } from './routine-text.ts';

describe('routineText', () => {
  it('passes a string within the limit as is, and anything else as compact JSON', () => {
    expect(routineText('hello')).toEqual({ text: 'hello', truncatedFrom: null });
    expect(routineText({ a: [1, 2] })).toEqual({ text: '{"a":[1,2]}', truncatedFrom: null });
    expect(routineText('x'.repeat(ROUTINE_TEXT_LIMIT))).toEqual({ text: 'x'.repeat(ROUTINE_TEXT_LIMIT), truncatedFrom: null });
  });

  it('cuts a longer text to exactly the limit, ending in a marker that names both lengths', () => {
    const cut = routineText('y'.repeat(100_000));
    expect(cut.truncatedFrom).toBe(100_000);
    expect(cut.text).toHaveLength(ROUTINE_TEXT_LIMIT);
    expect(cut.text.endsWith('\n[hookgate: text truncated to 65536 of 100000 characters]')).toBe(true);
    expect(cut.text.startsWith('yyyy')).toBe(true);
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const cut = routineText('😀'.repeat(40_000));
    const body = cut.text.slice(0, cut.text.indexOf('\n[hookgate'));
    expect(body.length % 2).toBe(0);
    expect(() => encodeURIComponent(cut.text)).not.toThrow();
    expect(cut.text.length).toBeLessThanOrEqual(ROUTINE_TEXT_LIMIT);
  });
});
