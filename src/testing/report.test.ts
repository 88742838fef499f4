import { describe, expect, it } from 'vitest';
import { formatCase, formatFileProblems, formatSummary, formatValue, tally } from './report.ts';

describe('report', () => {
  it('prints a passing case on one line and a failing one with its diff', () => {
    expect(formatCase({ name: 'ok', file: '/w/tests/a.test.yaml', line: 3, passed: true, failures: [] }, '/w')).toBe(
      '✓ ok (tests/a.test.yaml)',
    );
    const text = formatCase(
      {
        name: 'plan',
        file: '/w/tests/a.test.yaml',
        line: 12,
        passed: false,
        failures: [
          { message: 'deliveries[0] (r → t): differs at body.plan', path: 'body.plan', expected: 'Pro Yearly', actual: 'Pro Monthly' },
        ],
      },
      '/w',
    );
    expect(text).toBe(
      [
        '✗ plan (tests/a.test.yaml:12)',
        '    deliveries[0] (r → t): differs at body.plan',
        '      expected: "Pro Yearly"',
        '      actual:   "Pro Monthly"',
      ].join('\n'),
    );
  });

  it('prints file problems as file:line:col', () => {
    expect(formatFileProblems({ file: '/w/tests/bad.test.yaml', problems: [{ line: 4, col: 7, message: 'oops' }], cases: [] }, '/w')).toBe(
      '✗ tests/bad.test.yaml:4:7 oops',
    );
    expect(
      formatFileProblems({ file: '/w/tests/gone', problems: [{ line: 0, col: 0, message: 'no such file or folder' }], cases: [] }, '/w'),
    ).toBe('✗ tests/gone no such file or folder');
  });

  it('counts cases, and a malformed file as one failure', () => {
    const t = tally([
      {
        file: 'a',
        problems: [],
        cases: [
          { name: 'x', file: 'a', line: 1, passed: true, failures: [] },
          { name: 'y', file: 'a', line: 2, passed: false, failures: [] },
        ],
      },
      { file: 'b', problems: [{ line: 1, col: 1, message: 'bad' }], cases: [] },
    ]);
    expect(formatSummary(t)).toBe('1 passed, 2 failed');
  });

  it('shows absent values and shortens long ones', () => {
    expect(formatValue(undefined)).toBe('(absent)');
    expect(formatValue('x'.repeat(1000))).toMatch(/… \(1002 chars\)$/);
  });
});
