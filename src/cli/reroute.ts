/**
 * `hookgate reroute [-c routes.yaml] [--store URL] <event-id...> | --status ignored [--provider P]
 * [--since 1h] [--until T] [--dry-run] [--json]`: route stored events again through the current
 * config (the admin API's reroute). Deliveries it adds are picked up by a running `serve`.
 */
import { type Command, Option } from 'commander';
import { EVENT_STATUSES } from '../http/admin-params.ts';
import { parseTimeBound, TIME_BOUND_HINT } from '../http/admin-time.ts';
import { silentLogger } from '../observability/logger.ts';
import { type RerouteOutcome, rerouteMatching, rerouteReply, rerouteStoredEvent } from '../pipeline/reroute.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { loadAndCompile } from '../server/load-config.ts';
import type { EventFilter } from '../store/types.ts';
import { type CliIo, withCliStore } from './deliveries.ts';
import { configPathOption } from './options.ts';
import type { StoreCommandOptions } from './store-url.ts';

export interface RerouteOptions extends StoreCommandOptions {
  readonly status?: (typeof EVENT_STATUSES)[number];
  readonly provider?: string;
  readonly since?: string;
  readonly until?: string;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

function describe(outcome: RerouteOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return `${outcome.eventId} (${outcome.dedupKey}): accepted, ${outcome.added.length} new ${outcome.added.length === 1 ? 'delivery' : 'deliveries'}${outcome.added.map((d) => ` ${d.route}->${d.target}`).join(',')}`;
    case 'ignored':
      return `${outcome.eventId} (${outcome.dedupKey}): still ignored: ${outcome.ignored.map((r) => `${r.route}: ${r.reason}`).join('; ')}`;
    case 'not_found':
      return `${outcome.eventId}: no such event`;
    case 'unroutable':
      return `${outcome.eventId}: cannot be routed: ${outcome.error.message}`;
  }
}

function filterFrom(options: RerouteOptions, now: number): EventFilter | string {
  const filter: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
  if (options.status) filter.status = options.status;
  if (options.provider) filter.provider = options.provider;
  for (const name of ['since', 'until'] as const) {
    const value = options[name];
    if (value === undefined) continue;
    const at = parseTimeBound(value, now);
    if (at === undefined) return `--${name} "${value}" is not ${TIME_BOUND_HINT}`;
    filter[name] = at;
  }
  return filter;
}

export async function runReroute(
  ids: readonly string[],
  options: RerouteOptions,
  io: CliIo,
  now: () => number = Date.now,
): Promise<number> {
  const usesFilter =
    options.status !== undefined || options.provider !== undefined || options.since !== undefined || options.until !== undefined;
  if (ids.length > 0 && usesFilter) {
    io.err('hookgate reroute: give event ids or filters, not both');
    return 2;
  }
  if (ids.length === 0 && options.status === undefined) {
    io.err('hookgate reroute: give event ids, or --status ignored with optional --provider, --since, --until');
    return 2;
  }
  const filter = filterFrom(options, now());
  if (typeof filter === 'string') {
    io.err(`hookgate reroute: ${filter}`);
    return 2;
  }
  const file = configPathOption(options.config, io.env ?? process.env);
  const loaded = loadAndCompile(file, { mode: 'serve', env: { ...(io.env ?? process.env) } });
  if (!loaded.ok || loaded.config === null) {
    const errors = loaded.ok ? [] : loaded.errors;
    io.err(`hookgate reroute: ${file} is not usable:\n${errors.map((l) => `  ${l}`).join('\n')}`);
    const missingEnv = loaded.loaded.missingEnv;
    if (missingEnv.length > 0) io.err(`set ${missingEnv.join(', ')} (or load them with --env-file)`);
    return 1;
  }
  const config: CompiledConfig = loaded.config;
  return withCliStore(options, io, async function reroute(store) {
    const ctx = { config, store, logger: silentLogger(), now };
    if (ids.length > 0) {
      let failed = false;
      for (const id of [...new Set(ids)]) {
        const event = await store.getEvent(id);
        const outcome: RerouteOutcome = event === null ? { kind: 'not_found', eventId: id } : await rerouteStoredEvent(ctx, event);
        if (outcome.kind === 'not_found' || outcome.kind === 'unroutable') failed = true;
        io.out(options.json ? JSON.stringify({ event_id: id, ...rerouteReply(outcome).body }) : describe(outcome));
      }
      return failed ? 1 : 0;
    }
    const result = await rerouteMatching(ctx, filter, options.dryRun === true);
    const more = result.truncated ? ' (more match: run again, or narrow with --since/--until)' : '';
    if (options.dryRun) {
      if (options.json)
        io.out(JSON.stringify({ count: result.matched.length, truncated: result.truncated, ids: result.matched.map((e) => e.id) }));
      else {
        for (const e of result.matched) io.out(`${e.id}  ${e.provider}  ${e.eventType}  ${e.dedupKey}`);
        io.out(`would reroute ${result.matched.length} events (dry run: nothing changed)${more}`);
      }
      return 0;
    }
    const accepted = result.outcomes.filter((o) => o.kind === 'accepted').length;
    if (options.json) io.out(JSON.stringify({ rerouted: result.outcomes.length, accepted, truncated: result.truncated }));
    else {
      for (const outcome of result.outcomes) io.out(describe(outcome));
      io.out(`rerouted ${result.outcomes.length} events: ${accepted} accepted now${more}`);
    }
    return 0;
  });
}

export function registerReroute(program: Command): void {
  program
    .command('reroute')
    .description('route stored events again through the current config (e.g. ignored ones, after fixing routes.yaml)')
    .argument('[event-ids...]', 'event ids (evt_...), as the admin API lists them')
    .option('-c, --config <path>', 'routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)")
    .addOption(new Option('--status <status>', 'reroute every event in this status (with the filters below)').choices(EVENT_STATUSES))
    .option('--provider <name>', 'only events from this provider')
    .option('--since <time>', 'only events received since: a duration (1h = the last hour) or an ISO time')
    .option('--until <time>', 'only events received until: a duration or an ISO time')
    .option('--dry-run', 'list the events it would reroute; change nothing')
    .option('--json', 'print JSON')
    .action(async function rerouteAction(ids: string[], options: RerouteOptions) {
      process.exitCode = await runReroute(ids, options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
