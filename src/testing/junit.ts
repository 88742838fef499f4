/**
 * JUnit XML of a `hookgate test` run, for CI systems that show test results (GitHub Actions
 * reporters, GitLab, Jenkins): one <testsuite> per test file, one <testcase> per case, a
 * <failure> with the same text the terminal shows; a malformed test file is one failing case.
 */
import { displayPath, formatFailure } from './report.ts';
import type { RunReport } from './run.ts';
import type { CaseResult, FileResult } from './types.ts';

export function junitXml(report: RunReport, cwd: string = process.cwd()): string {
  const suites = report.files.map((file) => suite(file, cwd));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hookgate test" tests="${report.passed + report.failed}" failures="${report.failed}">`,
    ...suites,
    '</testsuites>',
    '',
  ];
  return lines.join('\n');
}

function suite(file: FileResult, cwd: string): string {
  const name = displayPath(file.file, cwd);
  const cases =
    file.problems.length > 0
      ? [
          testcase(
            name,
            'the test file',
            file.problems.map((p) => `${p.line > 0 ? `${name}:${p.line}:${p.col}` : name} ${p.message}`),
          ),
        ]
      : file.cases.map((c) => testcase(name, c.name, c.passed ? [] : failureLines(c)));
  const failures = file.problems.length > 0 ? 1 : file.cases.filter((c) => !c.passed).length;
  return [`  <testsuite name="${attr(name)}" tests="${cases.length}" failures="${failures}">`, ...cases, '  </testsuite>'].join('\n');
}

function failureLines(result: CaseResult): string[] {
  const lines = result.failures.flatMap((f) => formatFailure(f).map((line) => line.trim()));
  for (const i of result.outcome?.ignored ?? []) lines.push(`ignored by ${i.route}: ${i.reason}`);
  return lines;
}

function testcase(classname: string, name: string, failure: readonly string[]): string {
  const open = `    <testcase classname="${attr(classname)}" name="${attr(name)}"`;
  if (failure.length === 0) return `${open}/>`;
  return `${open}>\n      <failure message="${attr(failure[0] ?? 'failed')}">${text(failure.join('\n'))}</failure>\n    </testcase>`;
}

function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
