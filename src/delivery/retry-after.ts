/**
 * `Retry-After` (RFC 9110 section 10.2.3): either a number of seconds or an HTTP date.
 * Returns milliseconds from `now`, never negative, or null when absent or unreadable.
 */

const SECONDS = /^\d+$/;

export function parseRetryAfter(value: string | readonly string[] | undefined, now: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (SECONDS.test(text)) return Number(text) * 1000;
  // Only accept things that look like a date: Date.parse alone is far too lenient ("1.5" parses).
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
