/**
 * `since` / `until` as the admin API and the CLI take them: an ISO 8601 time (`2026-05-01`,
 * `2026-05-01T09:30:00Z`, with an offset or without one, which means UTC) or a duration such as
 * `90s`, `15m`, `1h`, `2d`, meaning that long before now.
 */
import { parseDuration } from '../util/units.ts';

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Epoch milliseconds, or undefined when the text is neither an ISO time nor a duration. */
export function parseTimeBound(text: string, now: number): number | undefined {
  const trimmed = text.trim();
  const ago = parseDuration(trimmed);
  if (ago !== undefined) return now - ago;
  const m = ISO.exec(trimmed);
  if (!m) return undefined;
  const [, date, time, zone] = m;
  const iso = time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${zone ?? 'Z'}`;
  if (!dateExists(date!)) return undefined;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? undefined : at;
}

/** Date.parse rolls 2026-02-31 over into March: refuse days that do not exist. */
function dateExists(date: string): boolean {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

export const TIME_BOUND_HINT = 'an ISO time such as 2026-05-01T09:30:00Z or a duration such as 15m, 1h, 2d (meaning that long ago)';
