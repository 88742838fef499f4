/**
 * Reloading the config in place (SIGHUP, file change): the new file is loaded and compiled like at
 * start; a refused one keeps the previous config in force and is logged, shown by /readyz and
 * counted; an applied one swaps atomically and names every changed setting only a restart applies.
 */
import type { Logger } from 'pino';
import { formatDiagnostic } from '../config/diagnostic.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { ReloadStatus } from '../runtime.ts';
import { loadAndCompile } from './load-config.ts';
import { restartOnlyChanges } from './restart-only.ts';
import type { Env, StartSettings } from './settings.ts';

export interface ReloadDeps {
  readonly file: string;
  readonly env: Env;
  readonly logger: Logger;
  readonly start: Pick<StartSettings, 'overridden'>;
  readonly envFile?: { readonly path: string; readonly sha256: string | null };
  current(): CompiledConfig;
  apply(next: CompiledConfig): void;
  /** Told every outcome (readyz state, metrics). */
  report(status: ReloadStatus): void;
}

export function createReloader(deps: ReloadDeps): (reason: string) => boolean {
  const { file, logger } = deps;
  return function reload(reason: string): boolean {
    const at = new Date().toISOString();
    const next = loadServeConfig(file, deps.env, logger);
    if (next.config === null) {
      logger.error({ reason }, 'reload refused: keeping the previous config');
      deps.report({ result: 'refused', at, reason, errors: next.errors });
      return false;
    }
    const running = deps.current();
    const needsRestart = restartOnlyChanges(running, next.config, deps.start, deps.envFile);
    if (needsRestart.length > 0) {
      logger.warn(
        { reason, settings: needsRestart },
        `changed settings need a restart to apply: ${needsRestart.join(', ')}; the rest of the config is applied`,
      );
    }
    const status = needsRestart.length > 0 ? { needsRestart } : {};
    if (next.config.sha256 === running.sha256) {
      deps.report({ result: 'unchanged', at, reason, ...status });
      return true;
    }
    deps.apply(next.config);
    logger.info({ reason, config_sha256: next.config.sha256 }, 'config reloaded');
    deps.report({ result: 'applied', at, reason, ...status });
    return true;
  };
}

/**
 * Load and compile for serving (a missing variable is an error). A refused file is logged with
 * every diagnostic; its errors come back as lines for a person.
 */
export function loadServeConfig(
  file: string,
  env: Env,
  logger: Logger,
):
  | { readonly config: CompiledConfig; readonly errors?: undefined; readonly missingEnv?: undefined }
  | {
      readonly config: null;
      readonly errors: readonly string[];
      readonly missingEnv: readonly string[];
    } {
  const result = loadAndCompile(file, { mode: 'serve', env: { ...env } });
  const diagnostics = result.diagnostics.map(formatDiagnostic);
  const missingEnv = result.loaded.missingEnv;
  if (!result.ok || result.config === null) {
    logger.error({ file, diagnostics, missingEnv }, 'config refused');
    return { config: null, errors: result.ok ? [] : result.errors, missingEnv };
  }
  if (diagnostics.length > 0) logger.warn({ file, diagnostics }, 'config warnings');
  return { config: result.config };
}
