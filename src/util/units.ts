/** Durations (`500ms`, `30s`, `5m`, `1h`, `1d`) and sizes (`512kb`, `1mb`) as the config writes them. */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
/** Each duration unit with its milliseconds, the largest first. */
export const DURATION_UNITS: ReadonlyArray<readonly [unit: string, ms: number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];
const DURATION_MS: Record<string, number> = Object.fromEntries(DURATION_UNITS);

const SIZE = /^(\d+(?:\.\d+)?)(b|kb|mb|gb)$/i;
const SIZE_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * DURATION_MS[m[2]!]!);
}

/** Milliseconds as the largest whole duration unit: 86400000 → `1d`, 5400000 → `90m`, 1500 → `1500ms`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of DURATION_UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Bytes, or undefined when the text is not a size. */
export function parseSize(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * SIZE_BYTES[m[2]!.toLowerCase()]!);
}

export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';
export const SIZE_PATTERN = '^\\d+(\\.\\d+)?([bB]|[kK][bB]|[mM][bB]|[gG][bB])$';
