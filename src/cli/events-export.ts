/**
 * `hookgate events export [-c routes.yaml] [--store URL] [--since 7d] [--out DIR]`: the stored
 * events of a window as one JSON file each (src/plan/event-file.ts), for `hookgate plan --events
 * DIR` where there is no store (CI). Credentials are left out (see src/plan/scrub.ts). Files of
 * an earlier export in DIR are replaced, so the folder holds exactly this window; other files in
 * it are left alone.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfigFile } from '../config/load.ts';
import { parseTimeBound, TIME_BOUND_HINT } from '../http/admin-time.ts';
import { EVENT_FILE_FORMAT, eventFileName, toEventFile } from '../plan/event-file.ts';
import { Scrubber, secretValues } from '../plan/scrub.ts';
import { storedEvents } from '../plan/source.ts';
import { type CliIo, withCliStore } from './deliveries.ts';
import { storeOptions } from './events-io.ts';
import { configPathOption } from './options.ts';
import type { StoreCommandOptions } from './store-url.ts';

export interface EventsExportOptions extends StoreCommandOptions {
  readonly since?: string;
  readonly out?: string;
}

export const DEFAULT_EXPORT_SINCE = '7d';
export const DEFAULT_EXPORT_DIR = 'hookgate-events';

/** The config's secret values, when it loads; none when it does not (only credential headers are dropped then). */
function configSecrets(options: EventsExportOptions, io: CliIo): string[] | null {
  const env = io.env ?? process.env;
  const file = configPathOption(options.config, env);
  const loaded = loadConfigFile(file, { mode: 'validate', env, ...(io.cwd ? { cwd: io.cwd } : {}) });
  return loaded.config ? secretValues(loaded.config) : null;
}

/** Removes the files of an earlier export (those with our format mark); returns how many. */
function removeEarlierExport(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown };
      if (data.format !== EVENT_FILE_FORMAT) continue;
    } catch {
      continue;
    }
    rmSync(file);
    removed++;
  }
  return removed;
}

export async function runEventsExport(options: EventsExportOptions, io: CliIo, now: () => number = Date.now): Promise<number> {
  const sinceText = options.since ?? DEFAULT_EXPORT_SINCE;
  const since = parseTimeBound(sinceText, now());
  if (since === undefined) {
    io.err(`hookgate events export: --since "${sinceText}" is not ${TIME_BOUND_HINT}`);
    return 2;
  }
  const outDir = path.resolve(io.cwd ?? process.cwd(), options.out ?? DEFAULT_EXPORT_DIR);
  const secrets = configSecrets(options, io);
  const scrubber = new Scrubber(secrets ?? []);
  return withCliStore(options, io, async function exportEvents(store) {
    mkdirSync(outDir, { recursive: true });
    const removed = removeEarlierExport(outDir);
    let replaced = 0;
    let written = 0;
    for await (const event of storedEvents(store, since, now())) {
      written++;
      const headers = scrubber.headers(event.headers);
      const body = scrubber.bytes(event.rawBody);
      replaced += headers.replaced + body.replaced;
      const file = path.join(outDir, eventFileName(event));
      writeFileSync(file, `${JSON.stringify(toEventFile(event, headers.value, body.value), null, 2)}\n`);
    }
    const shown = path.relative(io.cwd ?? process.cwd(), outDir) || '.';
    const earlier = removed > 0 ? ` (replacing ${removed} files of an earlier export)` : '';
    io.out(`exported ${written} events received since ${new Date(since).toISOString()} to ${shown}${earlier}`);
    if (replaced > 0) io.err(`replaced ${replaced} occurrences of secret values from the config with [redacted]`);
    if (secrets === null)
      io.err('note: the config did not load, so only credential headers were removed; pass -c to also search bodies for its secrets');
    return 0;
  });
}

export function registerEventsExport(events: Command): void {
  storeOptions(
    events
      .command('export')
      .description('write the stored events of a window as JSON files (credentials removed) for `hookgate plan --events DIR`'),
  )
    .option('--since <time>', `events received since: a duration (7d = the last 7 days) or an ISO time (default ${DEFAULT_EXPORT_SINCE})`)
    .option('--out <dir>', `folder to write to; an earlier export in it is replaced (default ${DEFAULT_EXPORT_DIR})`)
    .action(async function eventsExportAction(options: EventsExportOptions) {
      process.exitCode = await runEventsExport(options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
