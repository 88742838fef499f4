/**
 * `hookgate plan --base <file|git-ref:REF:PATH> [-c routes.yaml] [--store URL | --events DIR]
 * [--since 7d] [--format text|markdown|json] [--fail-on KIND,...]`: what a routes.yaml change
 * does to the traffic that really arrived, before it ships. Exit 0, 1 when a kind named by
 * --fail-on was found (or the plan could not be made), 2 on a usage error.
 */
import { type Command, Option } from 'commander';
import { parseTimeBound, TIME_BOUND_HINT } from '../http/admin-time.ts';
import { buildPlan } from '../plan/compare.ts';
import { type PlanEvent, planEventFromStored } from '../plan/event-file.ts';
import { formatMarkdown } from '../plan/format-markdown.ts';
import { formatText } from '../plan/format-text.ts';
import { loadPlanConfig, type PlanConfig, PlanConfigError } from '../plan/load-config.ts';
import { CHANGE_KINDS, type ChangeKind, kindsFound } from '../plan/report.ts';
import { EventSourceError, readEventFolder, storedEvents } from '../plan/source.ts';
import type { CliIo } from './deliveries.ts';
import { withCliStore } from './deliveries.ts';
import { configPathOption } from './options.ts';

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export const DEFAULT_PLAN_SINCE = '7d';

export interface PlanOptions {
  readonly base?: string;
  readonly config?: string;
  readonly store?: string;
  readonly events?: string;
  readonly since?: string;
  readonly format?: (typeof PLAN_FORMATS)[number];
  readonly failOn?: string;
}

/** `stop-firing,map-error` → the kinds; a string naming the unknown ones otherwise. */
export function parseFailOn(text: string | undefined): ChangeKind[] | string {
  if (text === undefined) return [];
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(CHANGE_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0) return `--fail-on: ${unknown.map((k) => `"${k}"`).join(', ')} is not one of ${CHANGE_KINDS.join(', ')}`;
  return kinds as ChangeKind[];
}

export async function runPlan(options: PlanOptions, io: CliIo, now: () => number = Date.now): Promise<number> {
  const usage = (message: string): number => {
    io.err(`hookgate plan: ${message}`);
    return 2;
  };
  if (options.base === undefined || options.base === '') return usage('--base <file|git-ref:REF:PATH> is required');
  if (options.store !== undefined && options.events !== undefined) return usage('give --store or --events, not both');
  const failOn = parseFailOn(options.failOn);
  if (typeof failOn === 'string') return usage(failOn);
  // A store holds a retention's worth of events; a folder holds what its export chose.
  const sinceText = options.since ?? (options.events === undefined ? DEFAULT_PLAN_SINCE : undefined);
  let since: number | undefined;
  if (sinceText !== undefined) {
    since = parseTimeBound(sinceText, now());
    if (since === undefined) return usage(`--since "${sinceText}" is not ${TIME_BOUND_HINT}`);
  }

  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  let base: PlanConfig;
  let head: PlanConfig;
  try {
    base = loadPlanConfig(options.base, { env, cwd });
    head = loadPlanConfig(configPathOption(options.config, env), { env, cwd });
  } catch (error) {
    if (!(error instanceof PlanConfigError)) throw error;
    io.err(`hookgate plan: ${error.message}`);
    return 1;
  }

  const report = async (events: Iterable<PlanEvent> | AsyncIterable<PlanEvent>): Promise<number> => {
    const plan = await buildPlan({ base, head, events });
    if (options.format === 'json') io.out(JSON.stringify(plan, null, 2));
    else if (options.format === 'markdown') io.out(formatMarkdown(plan));
    else io.out(formatText(plan));
    const found = kindsFound(plan);
    const failed = failOn.filter((k) => found.has(k));
    if (failed.length > 0) {
      io.err(`hookgate plan: found ${failed.join(', ')} (--fail-on)`);
      return 1;
    }
    return 0;
  };

  if (options.events !== undefined) {
    let events: PlanEvent[];
    try {
      events = readEventFolder(options.events, since, cwd);
    } catch (error) {
      if (!(error instanceof EventSourceError)) throw error;
      io.err(`hookgate plan: ${error.message}`);
      return 1;
    }
    return report(events);
  }
  // The store is the head config's unless --store or $HOOKGATE_STORE names one.
  return withCliStore(
    { config: configPathOption(options.config, env), ...(options.store ? { store: options.store } : {}) },
    io,
    async function planFromStore(store) {
      async function* replayable(): AsyncGenerator<PlanEvent> {
        for await (const event of storedEvents(store, since ?? 0, now())) yield planEventFromStored(event);
      }
      return report(replayable());
    },
  );
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('replay recorded events through the base and the head config and show what the change does (nothing is sent)')
    .requiredOption(
      '--base <file|git-ref:REF:PATH>',
      'the config before the change: a file, or git-ref:origin/main:routes.yaml (path from the repository root)',
    )
    .option('-c, --config <path>', 'the config after the change (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--store <url>', "replay the events of this store (default: $HOOKGATE_STORE, else the head config's store)")
    .option('--events <dir>', 'replay the event files in this folder instead of a store (hookgate events export writes them)')
    .option(
      '--since <time>',
      `only events received since: a duration or an ISO time (default ${DEFAULT_PLAN_SINCE} for a store, all files for --events)`,
    )
    .addOption(new Option('--format <format>', 'output format').choices(PLAN_FORMATS).default('text'))
    .option('--fail-on <kinds>', `exit 1 when any of these is found: ${CHANGE_KINDS.join(', ')} (comma-separated)`)
    .action(async function planAction(options: PlanOptions) {
      process.exitCode = await runPlan(options, {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
