/**
 * The two configs a plan compares: the head from a file, the base from a file or from git
 * (`git-ref:origin/main:routes.yaml`, read with `git show` in the repository of the working
 * directory, the path from its root). Planning needs no secrets and checks no signatures: a
 * config loads as `validate` loads it (a missing variable is a warning) and every provider is
 * compiled with a throwaway credential, so its verifier exists only to name event types.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { formatDiagnostic, hasErrors } from '../config/diagnostic.ts';
import { type LoadResult, loadConfigText } from '../config/load.ts';
import { compileConfig } from '../pipeline/compile.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { loadAndCompile } from '../server/load-config.ts';
import { throwawaySecrets } from '../testing/throwaway-secrets.ts';

export const GIT_REF_PREFIX = 'git-ref:';

export class PlanConfigError extends Error {}

export interface PlanConfig {
  /** How the user named it (`routes.yaml`, `git-ref:origin/main:routes.yaml`). */
  readonly label: string;
  readonly config: CompiledConfig;
  /** Variables the file references that are unset here (names only). */
  readonly missingEnv: readonly string[];
}

export interface LoadPlanConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

/** `git-ref:REF:PATH` → { ref, path }; null when `spec` is a plain file path. Throws on a malformed one. */
export function parseGitRef(spec: string): { ref: string; file: string } | null {
  if (!spec.startsWith(GIT_REF_PREFIX)) return null;
  const rest = spec.slice(GIT_REF_PREFIX.length);
  // A ref name cannot contain ':' (git check-ref-format), so the first one ends it.
  const colon = rest.indexOf(':');
  const ref = colon < 0 ? '' : rest.slice(0, colon);
  const file = colon < 0 ? '' : rest.slice(colon + 1);
  if (ref === '' || file === '') {
    throw new PlanConfigError(`${spec}: expected git-ref:<ref>:<path>, for example git-ref:origin/main:routes.yaml`);
  }
  return { ref, file };
}

function gitOutput(args: readonly string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function gitFailure(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : (error as Error).message;
  return text.split('\n')[0] ?? text;
}

/** The file's text at `ref`, and the folder it sits in in the working tree (relative paths in it resolve there). */
export function readGitRef(spec: string, ref: string, file: string, cwd: string): { text: string; dir: string } {
  let root: string;
  try {
    root = gitOutput(['rev-parse', '--show-toplevel'], cwd).trim();
  } catch (error) {
    throw new PlanConfigError(`${spec}: ${cwd} is not inside a git repository (${gitFailure(error)})`);
  }
  const inRepo = file.replace(/^\/+/, '');
  try {
    const text = gitOutput(['show', `${ref}:${inRepo}`], root);
    return { text, dir: path.dirname(path.join(root, inRepo)) };
  } catch (error) {
    throw new PlanConfigError(`${spec}: git show ${ref}:${inRepo} failed: ${gitFailure(error)}`);
  }
}

export function loadPlanConfig(spec: string, options: LoadPlanConfigOptions = {}): PlanConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = { ...(options.env ?? process.env) };
  const git = parseGitRef(spec);
  const compile = { secretOverride: throwawaySecrets().override };
  if (!git) {
    const result = loadAndCompile(spec, { mode: 'validate', env, cwd, compile });
    if (!result.ok) throw new PlanConfigError(`${spec} is not a valid config:\n${result.errors.map((l) => `  ${l}`).join('\n')}`);
    if (result.config === null) throw new PlanConfigError(`${spec} was not compiled`);
    return { label: spec, config: result.config, missingEnv: result.loaded.missingEnv };
  }
  // The file at a ref has no path of its own to load from; its relative paths resolve beside it in the working tree.
  const { text, dir } = readGitRef(spec, git.ref, git.file, cwd);
  const loaded: LoadResult = loadConfigText(text, spec, dir, { mode: 'validate', env });
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new PlanConfigError(`${spec} is not a valid config:\n${errors.map((l) => `  ${l}`).join('\n')}`);
  }
  try {
    const config = compileConfig(loaded.config, { path: loaded.absPath, dir: loaded.dir, sha256: loaded.sha256 }, compile);
    return { label: spec, config, missingEnv: loaded.missingEnv };
  } catch (error) {
    throw new PlanConfigError(`${spec} does not compile: ${(error as Error).message}`);
  }
}
