/**
 * `hookgate test [paths...] [-c routes.yaml] [--json] [--junit FILE]`: runs the config tests. Prints one line per
 * case, a diff under each failure, each route's reason when a case is ignored or fails, and
 * `N passed, N failed`; with --json one JSON object instead. Exit 1 on any failure or an invalid
 * config, 0 otherwise.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { formatDiagnostic } from '../config/diagnostic.ts';
import { junitXml } from '../testing/junit.ts';
import { displayPath, formatCase, formatFileProblems, formatSummary } from '../testing/report.ts';
import { type RunReport, runConfigTests } from '../testing/run.ts';
import { configPathOption } from './options.ts';

export interface TestCommandOptions {
  readonly config?: string;
  readonly json?: boolean;
  /** Also write the results as JUnit XML to this file. */
  readonly junit?: string;
}

export interface TestCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
}

export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      'run config tests (*.test.yaml, default under tests/ beside the config): sign each payload with a throwaway secret and push it through the real pipeline, no network',
    )
    .argument('[paths...]', 'test files or folders (default: tests/ beside the config)')
    .option('-c, --config <path>', 'the routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--json', 'print one JSON object (every file, case, failure and ignored reason, and the counts) instead of text')
    .option('--junit <file>', 'also write the results as JUnit XML to this file (for CI test reports)')
    .action(async function testAction(paths: string[], options: TestCommandOptions) {
      process.exitCode = await runTestCommand(paths, options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}

/** The command's body, returning the exit code (testable without a child process). */
export async function runTestCommand(paths: readonly string[], options: TestCommandOptions, io: TestCommandIo): Promise<number> {
  const env = io.env ?? process.env;
  const config = configPathOption(options.config, env);
  const json = options.json === true;
  const report = await runConfigTests({
    config,
    paths,
    env,
    ...(io.cwd ? { cwd: io.cwd } : {}),
    ...(json
      ? {}
      : { onCase: (result) => io.out(formatCase(result, io.cwd)), onFileProblem: (result) => io.out(formatFileProblems(result, io.cwd)) }),
  });
  if (options.junit !== undefined && report.configOk) {
    const file = path.resolve(io.cwd ?? process.cwd(), options.junit);
    try {
      writeFileSync(file, junitXml(report, io.cwd));
    } catch (error) {
      io.err(`--junit: cannot write ${options.junit}: ${(error as Error).message}`);
      return 1;
    }
  }
  if (json) {
    io.out(JSON.stringify(jsonReport(report)));
    return report.configOk && report.failed === 0 ? 0 : 1;
  }
  return finish(report, io);
}

/** The --json answer: everything the text shows, as data (paths absolute). */
export function jsonReport(report: RunReport): Record<string, unknown> {
  return {
    config: report.config,
    configOk: report.configOk,
    diagnostics: report.diagnostics.filter((d) => d.severity === 'error'),
    passed: report.passed,
    failed: report.failed,
    files: report.files.map((f) => ({
      file: f.file,
      problems: f.problems,
      cases: f.cases.map((c) => ({
        name: c.name,
        line: c.line,
        passed: c.passed,
        failures: c.failures,
        ...(c.outcome ? { status: c.outcome.kind, httpStatus: c.outcome.httpStatus, ignored: c.outcome.ignored } : {}),
      })),
    })),
  };
}

function finish(report: RunReport, io: TestCommandIo): number {
  if (!report.configOk) {
    for (const d of report.diagnostics) if (d.severity === 'error') io.err(formatDiagnostic(d));
    io.err(`${displayPath(report.config, io.cwd)}: invalid config, no test ran`);
    return 1;
  }
  if (report.files.length === 0) {
    io.out(`no test files (*.test.yaml) under ${report.searched.map((p) => displayPath(p, io.cwd)).join(', ')}`);
  }
  io.out(formatSummary(report));
  return report.failed > 0 ? 1 : 0;
}
