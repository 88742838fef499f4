/**
 * `hookgate test`: loads routes.yaml leniently (CI has no secrets), compiles it once with a
 * throwaway secret per provider, and pushes every case through `ingest` — the very function the
 * HTTP ingress calls — each case against its own empty in-memory SQLite store. No network.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../config/diagnostic.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { loadAndCompile } from '../server/load-config.ts';
import { findTestFiles } from './find-test-files.ts';
import { parseTestFile } from './parse-test-file.ts';
import { tally } from './report.ts';
import { runCase } from './run-case.ts';
import { type ThrowawaySecrets, throwawaySecrets } from './throwaway-secrets.ts';
import type { CaseResult, FileResult } from './types.ts';

export interface RunOptions {
  /** The routes.yaml to test. */
  readonly config: string;
  /** Test files or folders; empty means `tests/` beside the config. */
  readonly paths: readonly string[];
  /** Resolves `config` and `paths` (default process.cwd()). */
  readonly cwd?: string;
  /** Environment for ${VAR} interpolation (default process.env). */
  readonly env?: Record<string, string | undefined>;
  /** Called as each case finishes, for streaming output. */
  readonly onCase?: (result: CaseResult) => void;
  /** Called when a test file is malformed or missing (no case of it ran). */
  readonly onFileProblem?: (result: FileResult) => void;
}

export interface RunReport {
  /** Absolute path of the config file. */
  readonly config: string;
  /** False when the config could not be loaded or compiled: no test ran. */
  readonly configOk: boolean;
  /** Findings from loading the config (errors make configOk false). */
  readonly diagnostics: readonly Diagnostic[];
  /** The test files searched when none were found (to say where we looked). */
  readonly searched: readonly string[];
  readonly files: readonly FileResult[];
  readonly passed: number;
  readonly failed: number;
}

export async function runConfigTests(options: RunOptions): Promise<RunReport> {
  const cwd = options.cwd ?? process.cwd();
  const configPath = path.resolve(cwd, options.config);
  // The loader resolves against process.cwd() and names the file as given in its messages.
  const given = cwd === process.cwd() ? options.config : configPath;
  const secrets = throwawaySecrets();
  const fail = (diagnostics: readonly Diagnostic[]): RunReport => ({
    config: configPath,
    configOk: false,
    diagnostics,
    searched: [],
    files: [],
    passed: 0,
    failed: 0,
  });
  const result = loadAndCompile(given, {
    mode: 'lenient',
    ...(options.env ? { env: options.env } : {}),
    compile: { secretOverride: secrets.override },
  });
  if (!result.ok || result.config === null) return fail(result.diagnostics);
  const { loaded, config } = result;

  const paths = options.paths.length > 0 ? options.paths : [path.join(loaded.dir, 'tests')];
  const found = findTestFiles(paths, cwd);
  const files: FileResult[] = [];
  for (const missing of found.missing) {
    // The default folder may simply not exist yet; only a path the user named is an error.
    if (options.paths.length === 0) continue;
    const result: FileResult = { file: missing, problems: [{ line: 0, col: 0, message: 'no such file or folder' }], cases: [] };
    files.push(result);
    options.onFileProblem?.(result);
  }
  for (const file of found.files) {
    const result = await runTestFile(file, config, secrets, options.onCase);
    if (result.problems.length > 0) options.onFileProblem?.(result);
    files.push(result);
  }
  return {
    config: configPath,
    configOk: true,
    diagnostics: loaded.diagnostics,
    searched: paths.map((p) => path.resolve(cwd, p)),
    files,
    ...tally(files),
  };
}

/** One test file, its cases in order (each in its own store: see runCase). */
export async function runTestFile(
  file: string,
  config: CompiledConfig,
  secrets: ThrowawaySecrets,
  onCase?: (result: CaseResult) => void,
): Promise<FileResult> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { file, problems: [{ line: 0, col: 0, message: `cannot read: ${(error as Error).message}` }], cases: [] };
  }
  const parsed = parseTestFile(file, text);
  if (parsed.problems.length > 0) return { file, problems: parsed.problems, cases: [] };
  const cases: CaseResult[] = [];
  for (const testCase of parsed.cases) {
    const result = await runCase(testCase, config, secrets);
    cases.push(result);
    onCase?.(result);
  }
  return { file, problems: [], cases };
}
