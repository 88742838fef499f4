/**
 * `hookgate deliveries [-c routes.yaml] [--store URL] [--status pending|delivered|dead]
 * [--route NAME] [--target NAME] [--limit N] [--json]`: list deliveries, newest first, as an
 * aligned table or as JSON lines (the admin API's shape). Safe while `serve` runs (SQLite WAL).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { DELIVERY_STATUSES } from '../http/admin-params.ts';
import { deliverySummaryView } from '../http/admin-views.ts';
import { openStore, sqlitePath } from '../store/open.ts';
import type { Delivery, DeliveryFilter, Store } from '../store/types.ts';
import { parsePositiveInt } from './options.ts';
import { CommandFailure, chooseStore, type StoreCommandOptions } from './store-url.ts';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths resolve against it (default process.cwd()). */
  readonly cwd?: string;
}

/** Opens an existing store: a missing SQLite file is an error, not a new empty store. */
export async function openCliStore(options: StoreCommandOptions, io: Pick<CliIo, 'env' | 'cwd'>): Promise<Store> {
  const { url } = chooseStore(options, io);
  const file = sqlitePath(url);
  if (file !== null && file !== ':memory:' && !existsSync(file)) {
    throw new CommandFailure(
      `no store at ${path.relative(io.cwd ?? process.cwd(), file) || file}: has \`hookgate serve\` run with this config? (or pass --store)`,
    );
  }
  try {
    return await openStore(url);
  } catch (error) {
    throw new CommandFailure(`cannot open the store: ${(error as Error).message}`);
  }
}

/** Runs `body` with an open store and turns failures into exit code 1. */
export async function withCliStore(options: StoreCommandOptions, io: CliIo, body: (store: Store) => Promise<number>): Promise<number> {
  let store: Store;
  try {
    store = await openCliStore(options, io);
  } catch (error) {
    io.err((error as Error).message);
    return 1;
  }
  try {
    return await body(store);
  } catch (error) {
    io.err(error instanceof CommandFailure ? error.message : `failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}

export interface DeliveriesOptions extends StoreCommandOptions {
  readonly status?: (typeof DELIVERY_STATUSES)[number];
  readonly route?: string;
  readonly target?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export interface DeliveryRow {
  readonly delivery: Delivery;
  /** The last attempt's HTTP status, null when it got none; undefined when never attempted. */
  readonly lastStatusCode: number | null | undefined;
}

export async function runDeliveries(options: DeliveriesOptions, io: CliIo): Promise<number> {
  return withCliStore(options, io, async function listDeliveries(store) {
    const filter: DeliveryFilter = {
      ...(options.status ? { status: options.status } : {}),
      ...(options.route ? { route: options.route } : {}),
      ...(options.target ? { target: options.target } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    };
    const page = await store.listDeliveries(filter);
    const rows: DeliveryRow[] = [];
    for (const delivery of page.items) {
      const attempts = (await store.getDelivery(delivery.id))?.attempts ?? [];
      rows.push({ delivery, lastStatusCode: attempts.length === 0 ? undefined : attempts[attempts.length - 1]!.statusCode });
    }
    if (options.json) {
      for (const row of rows)
        io.out(JSON.stringify({ ...deliverySummaryView(row.delivery), last_status_code: row.lastStatusCode ?? null }));
    } else if (rows.length === 0) {
      io.out('no deliveries match');
    } else {
      io.out(deliveriesTable(rows));
    }
    if (page.nextCursor !== null) io.err(`more deliveries match: showing the newest ${rows.length}; raise --limit (up to 500) to see more`);
    return 0;
  });
}

function shortTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One aligned line per delivery under a header; the last column is not padded. */
export function deliveriesTable(rows: readonly DeliveryRow[]): string {
  const header = ['ID', 'STATUS', 'REASON', 'ROUTE', 'TARGET', 'ATTEMPTS', 'LAST', 'WHEN'];
  const body = rows.map(function tableRow({ delivery: d, lastStatusCode }): string[] {
    const waiting = d.status === 'pending' || d.status === 'in_flight';
    return [
      d.id,
      d.status,
      d.deadReason ?? '-',
      d.route,
      d.target,
      String(d.attemptCount),
      lastStatusCode === undefined ? '-' : lastStatusCode === null ? 'no-reply' : String(lastStatusCode),
      waiting ? `next ${shortTime(d.nextAttemptAt)}` : `updated ${shortTime(d.updatedAt)}`,
    ];
  });
  return alignColumns([header, ...body]);
}

export function alignColumns(table: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of table) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

export function registerDeliveries(program: Command): void {
  program
    .command('deliveries')
    .description('list deliveries, newest first: status, dead reason, attempts, last HTTP status')
    .option('-c, --config <path>', 'routes file, for its store (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)")
    .addOption(new Option('--status <status>', 'only these (pending includes in flight)').choices(DELIVERY_STATUSES))
    .option('--route <name>', 'only this route')
    .option('--target <name>', 'only this target')
    .option('--limit <n>', 'at most this many (default 50, up to 500)', parsePositiveInt)
    .option('--json', 'one JSON object per line (the admin API fields) instead of a table')
    .action(async function deliveriesAction(options: DeliveriesOptions) {
      process.exitCode = await runDeliveries(options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
