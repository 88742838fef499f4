/**
 * `hookgate events show <id|dedup-key> [--provider P] [--json]`: what arrived (provider, type,
 * headers without credentials, body) and what became of it per route: the reason of each route
 * that did not take it, and each delivery with its target, status, dead reason and attempts
 * (status, error, time, the routine session it started).
 */
import type { Command } from 'commander';
import { bodyView, eventDetailView } from '../http/admin-views.ts';
import { printable, printableLine } from '../plan/printable.ts';
import type { Attempt, Delivery, EventWithDeliveries, Store } from '../store/types.ts';
import { type CliIo, withCliStore } from './deliveries.ts';
import { storeOptions } from './events-io.ts';
import type { StoreCommandOptions } from './store-url.ts';

export interface EventsShowOptions extends StoreCommandOptions {
  readonly provider?: string;
  readonly json?: boolean;
}

/** A body longer than this is cut in the text view (the JSON view has it all). */
const BODY_PREVIEW_CHARS = 4000;

/** The events an argument names: an event id (evt_...), else every event with that dedup key. */
export async function findEvents(store: Store, idOrKey: string, provider?: string): Promise<EventWithDeliveries[]> {
  const byId = await store.getEvent(idOrKey);
  if (byId !== null && (provider === undefined || byId.provider === provider)) return [byId];
  const page = await store.listEvents({ dedupKey: idOrKey, ...(provider ? { provider } : {}), limit: 50 });
  const found: EventWithDeliveries[] = [];
  for (const event of page.items) {
    const detail = await store.getEvent(event.id);
    if (detail !== null) found.push(detail);
  }
  return found;
}

export async function runEventsShow(idOrKey: string, options: EventsShowOptions, io: CliIo): Promise<number> {
  return withCliStore(options, io, async function showEvent(store) {
    const events = await findEvents(store, idOrKey, options.provider);
    if (events.length === 0) {
      const from = options.provider ? ` from provider ${options.provider}` : '';
      io.err(`no event with id or dedup key "${idOrKey}"${from} (hookgate events lists them)`);
      return 1;
    }
    events.forEach((event, i) => {
      if (options.json) io.out(JSON.stringify(eventDetailView(event)));
      else io.out(`${i > 0 ? '\n' : ''}${describeEvent(event)}`);
    });
    return 0;
  });
}

function time(ms: number): string {
  return new Date(ms).toISOString();
}

export function describeEvent(event: EventWithDeliveries): string {
  const view = eventDetailView(event);
  const lines = [
    `event ${event.id}`,
    `  provider    ${event.provider}`,
    `  type        ${printableLine(event.eventType)}`,
    `  dedup key   ${printableLine(event.dedupKey)}`,
    `  received    ${time(event.receivedAt)}`,
    `  status      ${event.status}`,
    `  config      sha256 ${event.configSha256.slice(0, 12)}`,
    '',
    event.deliveries.length === 0 ? 'deliveries: none' : `deliveries (${event.deliveries.length}):`,
  ];
  for (const delivery of event.deliveries) lines.push(...describeDelivery(delivery));
  if (event.ignored.length > 0) {
    lines.push('', 'routes that did not take it:');
    const width = Math.max(...event.ignored.map((r) => r.route.length));
    for (const r of event.ignored) lines.push(`  ${r.route.padEnd(width)}  ${r.reason}`);
  }
  lines.push('', 'headers (credentials are never stored):');
  for (const [name, value] of Object.entries(view.headers)) lines.push(`  ${printableLine(name)}: ${printableLine(value)}`);
  lines.push('', 'body:', indent(printable(preview(bodyView(event.rawBody)))));
  return lines.join('\n');
}

function describeDelivery(d: Delivery & { readonly attempts: readonly Attempt[] }): string[] {
  const status = d.status === 'dead' ? `dead (${d.deadReason ?? 'unknown reason'})` : d.status;
  const lines = [`  ${d.route} -> ${d.target}  ${status}  ${d.id}`];
  if (d.error) lines.push(`    error: ${printableLine(d.error)}`);
  if (d.status === 'pending' || d.status === 'in_flight') lines.push(`    next attempt ${time(d.nextAttemptAt)}`);
  if (d.heldBy) lines.push(`    held by budget ${d.heldBy}${d.heldUntil ? ` until ${time(d.heldUntil)}` : ''}`);
  for (const a of d.attempts) {
    const answer = a.statusCode === null ? 'no reply' : `HTTP ${a.statusCode}`;
    const parts = [`    attempt ${a.number}  ${time(a.startedAt)}  ${answer}  ${a.outcome}  ${a.durationMs} ms`];
    if (a.error) parts.push(`error: ${printableLine(a.error)}`);
    lines.push(parts.join('  '));
    if (a.sessionUrl || a.sessionId) lines.push(`      routine session ${printableLine(a.sessionUrl ?? a.sessionId ?? '')}`);
  }
  return lines;
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  if (text.length <= BODY_PREVIEW_CHARS) return text;
  return `${text.slice(0, BODY_PREVIEW_CHARS)}\n… ${text.length - BODY_PREVIEW_CHARS} more characters (--json shows all)`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function registerEventsShow(events: Command): void {
  storeOptions(
    events
      .command('show')
      .description('one event in full: what arrived, and per route what became of it (deliveries, attempts, reasons)')
      .argument('<id-or-dedup-key>', 'the event id (evt_...) or its dedup key (the id a 202 answered)'),
  )
    .option('--provider <name>', 'with a dedup key: only the event of this provider')
    .option('--json', 'the admin API JSON of each event, one per line')
    .action(async function eventsShowAction(idOrKey: string, options: EventsShowOptions) {
      process.exitCode = await runEventsShow(idOrKey, options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
