/**
 * Times on a config test's simulated clock, as a test file writes them (`after: 90s`,
 * `sentAt: 1d30s`) and as failures print them (`+1d30s`). A sum of parts reads better than
 * `86430s` when a budget holds a delivery until a day after a fire that came 30 s in.
 */
import { DURATION_UNITS, parseDuration } from '../util/units.ts';

const PART = /(\d+)(ms|s|m|h|d)/g;
const PARTS_ONLY = /^(?:\d+(?:ms|s|m|h|d))+$/;
const UNIT_MS = new Map(DURATION_UNITS);

/** Milliseconds of `30s`, `1.5h` or `1d2h30s`; undefined when the text is none of those. */
export function parseOffset(text: string): number | undefined {
  const single = parseDuration(text);
  if (single !== undefined) return single;
  const trimmed = text.trim();
  if (!PARTS_ONLY.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) ms += Number(amount) * UNIT_MS.get(unit!)!;
  return ms;
}

/** `1d30s`, `15h17m`, `0s`: the largest units first, parts that are zero left out. */
export function formatOffset(ms: number): string {
  let left = Math.max(0, Math.round(ms));
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    const amount = Math.floor(left / size);
    if (amount === 0) continue;
    parts.push(`${amount}${unit}`);
    left -= amount * size;
  }
  return parts.length > 0 ? parts.join('') : '0s';
}
