/**
 * `hookgate replay [-c routes.yaml] [--store URL] <delivery-id...> | --status dead [--route NAME]
 * [--target NAME] [--since 1h] [--reason R] [--dry-run] [--json]`: re-queue deliveries (the stored
 * body, the same Idempotency-Key). A running `serve` picks them up within its poll interval (about
 * a second). `--dry-run` lists what would be re-queued and changes nothing. A bulk replay leaves
 * `unknown` outcomes out (a routine run may already have started) unless `--reason unknown`.
 */
import { type Command, Option } from 'commander';
import { REPLAY_STATUSES } from '../http/admin-params.ts';
import { parseTimeBound, TIME_BOUND_HINT } from '../http/admin-time.ts';
import { deliverySummaryView } from '../http/admin-views.ts';
import { DEAD_REASONS, type DeadReason, type DeliveryFilter, type Store } from '../store/types.ts';
import { type CliIo, deliveriesTable, withCliStore } from './deliveries.ts';
import type { StoreCommandOptions } from './store-url.ts';

export interface ReplayOptions extends StoreCommandOptions {
  readonly status?: (typeof REPLAY_STATUSES)[number];
  readonly route?: string;
  readonly target?: string;
  readonly since?: string;
  readonly reason?: DeadReason;
  readonly dryRun?: boolean;
  readonly json?: boolean;
}

export type ReplayPlan =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'filter'; readonly filter: DeliveryFilter }
  | { readonly kind: 'usage'; readonly message: string };

/** Ids or filters, never both; filters need --status (so nothing is replayed by accident). */
export function planReplay(ids: readonly string[], options: ReplayOptions, now: number): ReplayPlan {
  const filters = (['status', 'route', 'target', 'since', 'reason'] as const).filter((name) => options[name] !== undefined);
  if (ids.length > 0 && filters.length > 0) {
    return { kind: 'usage', message: `give delivery ids or filters, not both (got ids and --${filters.join(', --')})` };
  }
  if (ids.length > 0) return { kind: 'ids', ids: [...new Set(ids)] };
  if (filters.length === 0)
    return { kind: 'usage', message: 'give delivery ids, or --status dead with optional --route, --target, --since' };
  if (options.status === undefined) {
    return { kind: 'usage', message: `--${filters.join(', --')} need --status (${REPLAY_STATUSES.join(' or ')})` };
  }
  let since: number | undefined;
  if (options.since !== undefined) {
    since = parseTimeBound(options.since, now);
    if (since === undefined) return { kind: 'usage', message: `--since "${options.since}" is not ${TIME_BOUND_HINT}` };
  }
  return {
    kind: 'filter',
    filter: {
      status: options.status,
      ...(options.route !== undefined ? { route: options.route } : {}),
      ...(options.target !== undefined ? { target: options.target } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    },
  };
}

function plural(n: number): string {
  return `${n} deliver${n === 1 ? 'y' : 'ies'}`;
}

export function replaySummary(count: number, dryRun: boolean): string {
  return dryRun ? `would re-queue ${plural(count)} (dry run: nothing changed)` : `re-queued ${plural(count)}`;
}

export async function runReplay(ids: readonly string[], options: ReplayOptions, io: CliIo, now: () => number = Date.now): Promise<number> {
  const plan = planReplay(ids, options, now());
  if (plan.kind === 'usage') {
    io.err(`hookgate replay: ${plan.message}`);
    return 2;
  }
  const dryRun = options.dryRun === true;
  return withCliStore(options, io, async function replay(store) {
    if (plan.kind === 'filter') return replayByFilter(store, plan.filter, dryRun, options.json === true, io, now);
    const { replayable, problems } = await checkIds(store, plan.ids);
    for (const problem of problems) io.err(problem);
    const count = dryRun ? replayable.length : await store.replay(replayable, now());
    io.out(options.json ? JSON.stringify(dryRun ? { count, ids: replayable } : { replayed: count }) : replaySummary(count, dryRun));
    return problems.length > 0 ? 1 : 0;
  });
}

async function replayByFilter(
  store: Store,
  filter: DeliveryFilter,
  dryRun: boolean,
  json: boolean,
  io: CliIo,
  now: () => number,
): Promise<number> {
  // Said out loud, so nobody mistakes the exclusion for "there were none".
  const unknownLeftOut =
    filter.status === 'dead' && filter.reason === undefined ? await store.replayMatching({ ...filter, reason: 'unknown' }, now(), true) : 0;
  if (dryRun) {
    const count = await store.replayMatching(filter, now(), true);
    const page = await store.listDeliveries({ ...filter, replayable: true, limit: 500 });
    if (json) {
      io.out(JSON.stringify({ count, items: page.items.map(deliverySummaryView), unknown_left_out: unknownLeftOut }));
      return 0;
    }
    if (page.items.length > 0) io.out(deliveriesTable(page.items.map((delivery) => ({ delivery, lastStatusCode: undefined }))));
    io.out(replaySummary(count, true));
  } else {
    const count = await store.replayMatching(filter, now(), false);
    if (json) {
      io.out(JSON.stringify({ replayed: count, unknown_left_out: unknownLeftOut }));
      return 0;
    }
    io.out(replaySummary(count, false));
  }
  if (unknownLeftOut > 0) {
    io.err(
      `left out ${plural(unknownLeftOut)} whose outcome is unknown (a routine run may have started); add --reason unknown to replay them`,
    );
  }
  return 0;
}

/** Which ids exist and are not queued already; a line for each that is not replayable. */
async function checkIds(store: Store, ids: readonly string[]): Promise<{ replayable: string[]; problems: string[] }> {
  const replayable: string[] = [];
  const problems: string[] = [];
  for (const id of ids) {
    const delivery = await store.getDelivery(id);
    if (!delivery) problems.push(`${id}: no such delivery`);
    else if (delivery.status === 'pending' || delivery.status === 'in_flight') problems.push(`${id}: ${delivery.status}, queued already`);
    else replayable.push(id);
  }
  return { replayable, problems };
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-queue deliveries by id, or every one matching --status and filters (same body, same Idempotency-Key)')
    .argument('[delivery-ids...]', 'delivery ids (dlv_...), as `hookgate deliveries` lists them')
    .option('-c, --config <path>', 'routes file, for its store (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)")
    .addOption(new Option('--status <status>', 'replay every delivery in this status (with the filters below)').choices(REPLAY_STATUSES))
    .option('--route <name>', 'only this route')
    .option('--target <name>', 'only this target')
    .option('--since <time>', 'only deliveries created since: a duration (1h = the last hour) or an ISO time')
    .addOption(new Option('--reason <reason>', 'only dead letters with this reason (unknown outcomes need it named)').choices(DEAD_REASONS))
    .option('--dry-run', 'list what would be re-queued; change nothing')
    .option('--json', 'print the result as one JSON object')
    .action(async function replayAction(ids: string[], options: ReplayOptions) {
      process.exitCode = await runReplay(ids, options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
