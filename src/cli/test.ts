/**
 * `hookgate test [paths...] [-c routes.yaml]`: runs the config tests (spec section 5). Prints one
 * line per case, a diff under each failure, and `N passed, N failed`. Exit 1 on any failure or an
 * invalid config, 0 otherwise.
 */
import type { Command } from 'commander';
import { formatDiagnostic } from '../config/diagnostic.ts';
import { displayPath, formatCase, formatFileProblems, formatSummary } from '../testing/report.ts';
import { type RunReport, runConfigTests } from '../testing/run.ts';
import { configPathOption } from './options.ts';

export interface TestCommandOptions {
  readonly config?: string;
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
  const report = await runConfigTests({
    config,
    paths,
    env,
    ...(io.cwd ? { cwd: io.cwd } : {}),
    onCase: (result) => io.out(formatCase(result, io.cwd)),
    onFileProblem: (result) => io.out(formatFileProblems(result, io.cwd)),
  });
  return finish(report, io);
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
