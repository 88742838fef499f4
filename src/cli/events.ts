/**
 * `hookgate events [-c routes.yaml] [--store URL] [--dedup-key K] [--provider P] [--status
 * accepted|ignored] [--since 1h] [--limit N] [--json]`: stored events, newest first, each with
 * what became of it (its deliveries by status), as a table or as JSON lines in the admin API's
 * shape. `events show` and `events export` are registered here as subcommands.
 */
import { type Command, Option } from 'commander';
import { EVENT_STATUSES } from '../http/admin-params.ts';
import { parseTimeBound, TIME_BOUND_HINT } from '../http/admin-time.ts';
import { eventSummaryView } from '../http/admin-views.ts';
import { printableLine } from '../plan/printable.ts';
import type { EventFilter, EventWithDeliveries, StoredEvent } from '../store/types.ts';
import { alignColumns, type CliIo, withCliStore } from './deliveries.ts';
import { registerEventsExport } from './events-export.ts';
import { stdoutIo, storeOptions } from './events-io.ts';
import { registerEventsShow } from './events-show.ts';
import { parsePositiveInt } from './options.ts';
import type { StoreCommandOptions } from './store-url.ts';

export interface EventsOptions extends StoreCommandOptions {
  readonly dedupKey?: string;
  readonly provider?: string;
  readonly status?: (typeof EVENT_STATUSES)[number];
  readonly since?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export async function runEvents(options: EventsOptions, io: CliIo, now: () => number = Date.now): Promise<number> {
  let since: number | undefined;
  if (options.since !== undefined) {
    since = parseTimeBound(options.since, now());
    if (since === undefined) {
      io.err(`hookgate events: --since "${options.since}" is not ${TIME_BOUND_HINT}`);
      return 2;
    }
  }
  const filter: EventFilter = {
    ...(options.dedupKey ? { dedupKey: options.dedupKey } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.status ? { status: options.status } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
  };
  return withCliStore(options, io, async function listEvents(store) {
    const page = await store.listEvents(filter);
    if (options.json) {
      for (const event of page.items) io.out(JSON.stringify(eventSummaryView(event)));
    } else if (page.items.length === 0) {
      io.out('no events match');
    } else {
      const detailed: EventWithDeliveries[] = [];
      for (const event of page.items) detailed.push((await store.getEvent(event.id)) ?? { ...event, deliveries: [] });
      io.out(eventsTable(detailed));
    }
    if (page.nextCursor !== null)
      io.err(`more events match: showing the newest ${page.items.length}; raise --limit (up to 500) or narrow with --since`);
    return 0;
  });
}

/** "2 delivered, 1 dead" for an event's deliveries; "-" when it has none. */
export function deliveryOutcomes(event: Pick<EventWithDeliveries, 'deliveries'>): string {
  const counts = new Map<string, number>();
  for (const d of event.deliveries) {
    const word = d.status === 'dead' && d.deadReason === 'unknown' ? 'unknown' : d.status === 'in_flight' ? 'pending' : d.status;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  if (counts.size === 0) return '-';
  return [...counts].map(([word, n]) => `${n} ${word}`).join(', ');
}

function shortTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function eventsTable(events: readonly (StoredEvent & Partial<Pick<EventWithDeliveries, 'deliveries'>>)[]): string {
  const header = ['ID', 'RECEIVED', 'PROVIDER', 'EVENT', 'STATUS', 'DELIVERIES', 'DEDUP KEY'];
  const rows = events.map((e) =>
    [
      e.id,
      shortTime(e.receivedAt),
      e.provider,
      e.eventType,
      e.status,
      deliveryOutcomes({ deliveries: e.deliveries ?? [] }),
      e.dedupKey,
    ].map(printableLine),
  );
  return alignColumns([header, ...rows]);
}

export function registerEvents(program: Command): void {
  const events = storeOptions(
    program
      .command('events')
      .description('list stored events, newest first, with what became of each (show <id>, export: see below)')
      .enablePositionalOptions(),
  )
    .option('--dedup-key <key>', 'only events with this dedup key (the id a 202 answered)')
    .option('--provider <name>', 'only events from this provider')
    .addOption(new Option('--status <status>', 'only accepted or only ignored events').choices(EVENT_STATUSES))
    .option('--since <time>', 'only events received since: a duration (1h = the last hour) or an ISO time')
    .option('--limit <n>', 'at most this many (default 50, up to 500)', parsePositiveInt)
    .option('--json', 'one JSON object per line (the admin API fields) instead of a table')
    .action(async function eventsAction(options: EventsOptions) {
      process.exitCode = await runEvents(options, stdoutIo());
    });
  registerEventsShow(events);
  registerEventsExport(events);
}
