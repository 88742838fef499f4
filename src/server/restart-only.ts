/**
 * Settings a reload cannot apply: the listening socket (host, port), the open store, express's
 * `trust proxy`, and the process environment (read once at start, from the shell or --env-file).
 * A reload applies everything else and names each of these that changed, so nobody waits for a
 * change that only a restart brings.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { StartSettings } from './settings.ts';

/** The setting names (as written in routes.yaml, or `environment (FILE)`) that need a restart. */
export function restartOnlyChanges(
  running: CompiledConfig,
  next: CompiledConfig,
  start: Pick<StartSettings, 'overridden'>,
  envFile?: { readonly path: string; readonly sha256: string | null },
): string[] {
  const changed: string[] = [];
  // A setting given by flag or environment is not the file's to move: a change there is moot.
  if (!start.overridden.host && running.server.host !== next.server.host) changed.push('server.host');
  if (!start.overridden.port && running.server.port !== next.server.port) changed.push('server.port');
  if (!start.overridden.store && running.store !== next.store) changed.push('store');
  if (JSON.stringify(running.server.trustProxy) !== JSON.stringify(next.server.trustProxy)) changed.push('server.trustProxy');
  if (envFile && fileSha256(envFile.path) !== envFile.sha256) changed.push(`environment (${envFile.path})`);
  return changed;
}

/** Hex sha256 of a file's bytes, or null when it cannot be read. */
export function fileSha256(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}
