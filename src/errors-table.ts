/**
 * The README's table of error codes, generated from the catalog. errors.test.ts fails when the
 * README's copy differs; `npx tsx src/errors-table.ts` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ERRORS, type ErrorCode, wireCode } from './errors.ts';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
export const TABLE_START = '<!-- error-codes:start (generated from src/errors.ts) -->';
export const TABLE_END = '<!-- error-codes:end -->';

export function errorTable(): string {
  const rows = (Object.keys(ERRORS) as ErrorCode[]).map((key) => [`\`${wireCode(key)}\``, String(ERRORS[key].status), ERRORS[key].message]);
  const header = ['code', 'status', 'error (a detail may follow after a colon)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The README's table as it stands, or null when the markers are missing. */
export function readmeTable(text: string): string | null {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start) return null;
  return text.slice(start + TABLE_START.length, end).trim();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start === -1 || end === -1) throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} block`);
  writeFileSync(README, `${text.slice(0, start + TABLE_START.length)}\n${errorTable()}\n${text.slice(end)}`);
  process.stdout.write(`wrote the error table into ${README}\n`);
}
