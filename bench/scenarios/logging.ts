/**
 * Logging cost per line: hookgate's logger (createLogger, with its configured redaction) against
 * the same pino without redaction, writing the ingest path's "event received" line to /dev/null
 * synchronously, in this process. The difference is what the redaction costs on every line.
 */
import { pino } from 'pino';
import { createLogger } from '../../src/observability/logger.ts';
import type { BenchContext } from '../lib/context.ts';
import { fmt } from '../lib/report.ts';

/** The fields ingest logs for an accepted event with one delivery. */
const LINE = {
  eventId: 'evt_01kbbq4v2q9m4c8d0e6f1g2h3j',
  provider: 'stripe',
  eventType: 'customer.subscription.created',
  dedupKey: 'evt_1NG8Du2eZvKYlo2CUI9ZXw2e',
  outcome: 'accepted',
  deliveries: [{ id: 'dlv_01kbbq4v2q9m4c8d0e6f1g2h3k', route: 'stripe-onboarding-draft', target: 'onboarding-routine' }],
};

function nsPerLine(log: (fields: typeof LINE) => void, lines: number): number {
  for (let i = 0; i < Math.min(lines, 20_000); i++) log(LINE);
  const started = process.hrtime.bigint();
  for (let i = 0; i < lines; i++) log(LINE);
  return Number(process.hrtime.bigint() - started) / lines;
}

export async function logging(ctx: BenchContext): Promise<void> {
  const lines = ctx.args.quick ? 50_000 : 300_000;
  // createLogger takes a node stream; a sync SonicBoom writes the same way pino's stdout does.
  const sink = () => pino.destination({ dest: '/dev/null', sync: true }) as unknown as NodeJS.WritableStream;
  const configured = createLogger({ level: 'info', destination: sink() });
  const plain = pino({ level: 'info', base: { app: 'hookgate' } }, sink());
  const runs: Array<{ configured: number; plain: number }> = [];
  // Alternate the two, three rounds each, and keep the fastest of each: the machine's other load only ever slows a round down.
  for (let round = 0; round < 3; round++) {
    runs.push({
      configured: nsPerLine((f) => configured.info(f, 'event received'), lines),
      plain: nsPerLine((f) => plain.info(f, 'event received'), lines),
    });
  }
  const withRedaction = Math.min(...runs.map((r) => r.configured));
  const without = Math.min(...runs.map((r) => r.plain));
  const line = JSON.stringify({
    level: 30,
    time: Date.now(),
    pid: process.pid,
    hostname: 'h',
    app: 'hookgate',
    ...LINE,
    msg: 'event received',
  });
  ctx.section(
    'logging',
    { lines, bytesPerLine: line.length, nsPerLineConfigured: withRedaction, nsPerLineWithoutRedaction: without, runs },
    [
      `logging, one "event received" line (${line.length} B) to /dev/null: hookgate's logger ${fmt(withRedaction / 1000)} µs/line, ` +
        `pino without redaction ${fmt(without / 1000)} µs/line; redaction costs ${fmt((withRedaction - without) / 1000)} µs/line`,
    ],
  );
}
