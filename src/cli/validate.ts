/**
 * `hookgate validate [files...] [-c routes.yaml] [--format text|json|github] [--strict-env]`:
 * JSON Schema plus semantic checks. Exit 0 when there are at most warnings, 1 on any error; a bad
 * --format is a usage error (2, mapped by main.ts).
 */

import type { Command } from 'commander';
import { Option } from 'commander';
import type { Diagnostic } from '../config/diagnostic.ts';
import { formatDiagnostic, hasErrors } from '../config/diagnostic.ts';
import { expandConfigPaths } from '../config/find-files.ts';
import { loadAndCompile } from '../server/load-config.ts';
import { configPathOption } from './options.ts';

export const VALIDATE_FORMATS = ['text', 'json', 'github'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export interface ValidateCommandOptions {
  readonly config?: string;
  readonly format?: ValidateFormat;
  readonly strictEnv?: boolean;
}

export interface ValidateIo {
  readonly out: (text: string) => void;
  /** Relative file arguments and patterns resolve against it (default process.cwd()). */
  readonly cwd?: string;
  readonly env?: Record<string, string | undefined>;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check config files against the JSON schema and the semantic rules; each finding is file:line:col severity code message')
    .argument('[files...]', 'config files or glob patterns (default: -c, else $HOOKGATE_CONFIG, else routes.yaml)')
    .option('-c, --config <path>', 'the routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .addOption(new Option('--format <format>', 'output format').choices(VALIDATE_FORMATS).default('text'))
    .option('--strict-env', 'a referenced environment variable that is not set is an error, not a warning')
    .action(function validateAction(files: string[], options: ValidateCommandOptions) {
      process.exitCode = runValidate(files, options, { out: (text) => process.stdout.write(text) });
    });
}

/** The command's body: prints the findings and returns the exit code (0 or 1). */
export function runValidate(files: readonly string[], options: ValidateCommandOptions, io: ValidateIo): number {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const args = [...files, ...(options.config !== undefined && files.length > 0 ? [options.config] : [])];
  const requested = args.length > 0 ? args : [configPathOption(options.config, env)];
  const { files: paths, unmatched } = expandConfigPaths(requested, cwd);

  const diagnostics: Diagnostic[] = unmatched.map((pattern) => ({
    file: pattern,
    line: 0,
    col: 0,
    severity: 'error',
    code: 'file',
    message: `no file matches ${pattern}`,
  }));
  for (const path of paths) {
    const result = loadAndCompile(path, { env, cwd, strictEnv: options.strictEnv === true, mode: 'validate', compile: false });
    diagnostics.push(...result.diagnostics);
  }
  io.out(render(diagnostics, paths.length, options.format ?? 'text'));
  return hasErrors(diagnostics) ? 1 : 0;
}

export function render(diagnostics: readonly Diagnostic[], fileCount: number, format: ValidateFormat): string {
  if (format === 'json') return `${JSON.stringify(diagnostics, null, 2)}\n`;
  const lines = format === 'github' ? diagnostics.map(githubAnnotation) : diagnostics.map(formatDiagnostic);
  lines.push(summary(diagnostics, fileCount));
  return `${lines.join('\n')}\n`;
}

export function summary(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  return errors > 0 ? `${counts} in ${files}: invalid` : `${counts} in ${files}: valid`;
}

/**
 * A GitHub Actions workflow command: `::error file=F,line=L,col=C,title=CODE::message`. Data
 * escapes %, CR and LF; property values also escape : and ,.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
 */
export function githubAnnotation(d: Diagnostic): string {
  const properties = [`file=${escapeProperty(d.file)}`];
  if (d.line > 0) properties.push(`line=${d.line}`, `col=${d.col}`);
  properties.push(`title=${escapeProperty(d.code)}`);
  return `::${d.severity} ${properties.join(',')}::${escapeData(d.message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
