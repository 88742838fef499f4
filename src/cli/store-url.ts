/**
 * Which store a command opens: --store, else $HOOKGATE_STORE (a sqlite path
 * relative to the working directory), else the config's `store` (relative to the config's
 * folder). The config is loaded in validate mode, so secrets these commands do not need may be
 * unset. Shared by deliveries, replay and migrate.
 */
import { resolveStoreUrl } from '../pipeline/compile.ts';
import { DEFAULTS } from '../pipeline/types.ts';
import { loadAndCompile } from '../server/load-config.ts';
import { configPathOption } from './options.ts';

export interface StoreCommandOptions {
  readonly config?: string;
  readonly store?: string;
}

/** A failure to report on stderr with exit code 1. */
export class CommandFailure extends Error {}

export interface StoreChoice {
  readonly url: string;
  /** Where the URL came from (`--store`, `HOOKGATE_STORE` or the config file), for messages that must not show the URL. */
  readonly source: string;
}

/** Throws CommandFailure when the config cannot supply a store. */
export function chooseStore(
  options: StoreCommandOptions,
  io: { readonly env?: Readonly<Record<string, string | undefined>>; readonly cwd?: string },
): StoreChoice {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  if (options.store !== undefined && options.store !== '') return { url: resolveStoreUrl(options.store, cwd), source: '--store' };
  const fromEnv = env.HOOKGATE_STORE;
  if (fromEnv !== undefined && fromEnv !== '') return { url: resolveStoreUrl(fromEnv, cwd), source: 'HOOKGATE_STORE' };

  const file = configPathOption(options.config, env);
  const result = loadAndCompile(file, { mode: 'validate', env, cwd, compile: false });
  if (!result.ok) {
    throw new CommandFailure(`${file} is not usable (pass --store or set HOOKGATE_STORE to skip it):\n${result.errors.join('\n')}`);
  }
  const loaded = result.loaded;
  const raw = result.file.store ?? DEFAULTS.store;
  if (raw.trim() === '') {
    const missing = loaded.missingEnv.length > 0 ? ` (unset: ${loaded.missingEnv.join(', ')})` : '';
    throw new CommandFailure(`${file}: store is empty after \${...} substitution${missing}; set it, or pass --store / set HOOKGATE_STORE`);
  }
  return { url: resolveStoreUrl(raw, loaded.dir), source: file };
}
