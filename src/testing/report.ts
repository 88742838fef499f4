/**
 * Text output of `hookgate test`: one line per case, a readable diff under each failure, and
 * the final `N passed, N failed` line that CI greps for.
 */
import path from 'node:path';
import type { CaseResult, Failure, FileResult } from './types.ts';

const MAX_VALUE_CHARS = 600;

export interface Tally {
  readonly passed: number;
  readonly failed: number;
}

/** Counts cases; a test file that could not be read or parsed counts as one failure. */
export function tally(files: readonly FileResult[]): Tally {
  let passed = 0;
  let failed = 0;
  for (const f of files) {
    if (f.problems.length > 0) failed += 1;
    for (const c of f.cases) {
      if (c.passed) passed += 1;
      else failed += 1;
    }
  }
  return { passed, failed };
}

export function formatSummary(t: Tally): string {
  return `${t.passed} passed, ${t.failed} failed`;
}

/** A path as shown to the user: relative to `cwd` when that is shorter. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function formatCase(result: CaseResult, cwd?: string): string {
  const where = `${displayPath(result.file, cwd)}:${result.line}`;
  const lines = result.passed ? [`✓ ${result.name} (${displayPath(result.file, cwd)})`] : [`✗ ${result.name} (${where})`];
  for (const failure of result.failures) lines.push(...formatFailure(failure));
  lines.push(...ignoredLines(result));
  return lines.join('\n');
}

/**
 * Why each route let the event go by ("event type x not in events", "filter returned false", ...):
 * shown whenever the whole event was ignored, and under a failure, where a route that ignored the
 * event is usually the answer to "why was my delivery not made?".
 */
function ignoredLines(result: CaseResult): string[] {
  const outcome = result.outcome;
  if (outcome === undefined || outcome.ignored.length === 0) return [];
  if (outcome.kind !== 'ignored' && result.passed) return [];
  return outcome.ignored.map((i) => `    ignored by ${i.route}: ${i.reason}`);
}

/** The problems of a malformed test file, as `✗ file:line:col message` lines. */
export function formatFileProblems(result: FileResult, cwd?: string): string {
  const file = displayPath(result.file, cwd);
  return result.problems.map((p) => `✗ ${p.line > 0 ? `${file}:${p.line}:${p.col}` : file} ${p.message}`).join('\n');
}

export function formatFailure(failure: Failure): string[] {
  const lines = [`    ${failure.message}`];
  const hasExpected = 'expected' in failure;
  const hasActual = 'actual' in failure;
  if (failure.path !== undefined && failure.path !== '' && !failure.message.includes(failure.path)) {
    lines.push(`      at:       ${failure.path}`);
  }
  if (hasExpected) lines.push(`      expected: ${formatValue(failure.expected)}`);
  if (hasActual) lines.push(`      actual:   ${formatValue(failure.actual)}`);
  return lines;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : text;
}
