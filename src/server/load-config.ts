/**
 * The one place a routes file is loaded and compiled, for every command: serve (and its reloads),
 * `hookgate test`, validate, send, and the store-opening commands. Loading is YAML, ${ENV},
 * schema and semantic checks (config/load.ts); compiling builds verifiers and JSONata once
 * (pipeline/compile.ts). A compile failure becomes a diagnostic like any other finding, so every
 * caller reports both the same way.
 */
import { type Diagnostic, formatDiagnostic, hasErrors } from '../config/diagnostic.ts';
import { type LoadOptions, type LoadResult, loadConfigFile } from '../config/load.ts';
import type { RoutesFile } from '../config/types.ts';
import { type CompileOptions, compileConfig } from '../pipeline/compile.ts';
import type { CompiledConfig } from '../pipeline/types.ts';

export interface LoadAndCompileOptions extends LoadOptions {
  /**
   * false: load and check only (validate, send, the store commands: their secrets may be unset,
   * so verifiers cannot be built). Otherwise the options handed to the compiler. Default {}.
   */
  readonly compile?: false | CompileOptions;
}

interface Common {
  /** What the loader saw: path, folder, sha256, missing variables. */
  readonly loaded: LoadResult;
  /** Every finding, warnings included (a compile failure is one with code `compile`). */
  readonly diagnostics: readonly Diagnostic[];
}

export type LoadedConfig =
  | (Common & {
      readonly ok: true;
      readonly file: RoutesFile;
      /** null when `compile: false` was asked for. */
      readonly config: CompiledConfig | null;
    })
  | (Common & {
      readonly ok: false;
      /** The errors as `file:line:col error code message` lines, for a person. */
      readonly errors: readonly string[];
    });

export function loadAndCompile(path: string, options: LoadAndCompileOptions = {}): LoadedConfig {
  const { compile, ...loadOptions } = options;
  const loaded = loadConfigFile(path, loadOptions);
  if (!loaded.config || hasErrors(loaded.diagnostics)) return refused(loaded, loaded.diagnostics);
  if (compile === false) return { ok: true, loaded, diagnostics: loaded.diagnostics, file: loaded.config, config: null };
  try {
    const config = compileConfig(loaded.config, { path: loaded.absPath, dir: loaded.dir, sha256: loaded.sha256 }, compile ?? {});
    return { ok: true, loaded, diagnostics: loaded.diagnostics, file: loaded.config, config };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const diagnostic: Diagnostic = { file: loaded.file, line: 0, col: 0, severity: 'error', code: 'compile', message };
    return refused(loaded, [...loaded.diagnostics, diagnostic]);
  }
}

function refused(loaded: LoadResult, diagnostics: readonly Diagnostic[]): LoadedConfig {
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  return { ok: false, loaded, diagnostics, errors };
}
