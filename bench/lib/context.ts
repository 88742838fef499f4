/** What every scenario gets: the settings of this run, the shared sink, a temp dir, and the sink's stats. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchArgs } from './args.ts';
import { benchConfig, benchEnv } from './bench-config.ts';
import { type Child, startHookgate } from './children.ts';
import { microsPer } from './cpu.ts';
import type { Figure } from './figures.ts';
import { REPO_ROOT, SignedPool } from './fixture.ts';
import { type LoadResult, runLoad } from './load.ts';

export interface Settings {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly deliveryEvents: number;
  readonly workerConcurrency: number;
  readonly e2eRate: number;
  readonly e2eSeconds: number;
}

export function settingsFor(args: BenchArgs): Settings {
  return args.quick
    ? { connections: 32, warmupSeconds: 0.5, seconds: 1.5, deliveryEvents: 1_000, workerConcurrency: 64, e2eRate: 1_000, e2eSeconds: 1.5 }
    : { connections: 32, warmupSeconds: 2, seconds: 5, deliveryEvents: 20_000, workerConcurrency: 64, e2eRate: 1_000, e2eSeconds: 5 };
}

export interface SinkStats {
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly timed: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface BenchContext {
  readonly args: BenchArgs;
  readonly settings: Settings;
  readonly sink: Child;
  /** This run's temp folder. */
  readonly work: string;
  record(figure: Figure): void;
  /** A figure that is not a throughput line (store, logging, listings): printed below the table, kept in the JSON. */
  section(key: string, data: unknown, lines: readonly string[]): void;
  log(message: string): void;
}

export async function sinkStats(sink: Child, reset = false): Promise<SinkStats> {
  const res = await fetch(`${sink.url}/${reset ? '_reset' : '_stats'}`, { method: reset ? 'POST' : 'GET' });
  return (await res.json()) as SinkStats;
}

export interface Measured extends LoadResult {
  /** Server CPU time (user + system, all threads) over the measured window per 2xx answer, µs. */
  readonly cpuUsPerEvent: number | null;
  /** 2xx answers in the measured window. */
  readonly acknowledged: number;
}

export function acknowledged(statuses: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const [status, count] of Object.entries(statuses)) if (status.startsWith('2')) n += count;
  return n;
}

/**
 * Warm up (JIT, connections, SQLite cache), then measure; each phase with its own pre-signed pool.
 * The server's CPU time is read right before and after the measured window; `afterWarmup` runs
 * between the two phases (e.g. to reset the sink's count).
 */
export async function measureIngest(ctx: BenchContext, server: Child, afterWarmup?: () => Promise<void>): Promise<Measured> {
  const { connections, warmupSeconds, seconds } = ctx.settings;
  const url = server.url;
  const warmPool = new SignedPool(Math.ceil(warmupSeconds * 8_000));
  const warm = await runLoad({ url, path: '/webhooks/stripe', pool: warmPool, connections, duration: warmupSeconds });
  // Enough for this rate plus half again (a warmed-up server is faster than during its warmup).
  const pool = new SignedPool(Math.ceil(Math.max(warm.requestsPerSecond, 2_000) * seconds * 1.5) + 1_000);
  await afterWarmup?.();
  const before = server.cpu();
  const result = await runLoad({ url, path: '/webhooks/stripe', pool, connections, duration: seconds });
  const after = server.cpu();
  const ok = acknowledged(result.statuses);
  return { ...result, acknowledged: ok, cpuUsPerEvent: microsPer(before, after, ok) };
}

export interface HookgateRun {
  readonly routes?: number;
  readonly flags?: readonly string[];
  /** Reuse a folder (and its database and routes.yaml) from an earlier run. */
  readonly dir?: string;
  /** More environment for the process (e.g. the admin token). */
  readonly env?: Record<string, string>;
  /** Another entry point than --bin's (the --compare-bin tree). */
  readonly bin?: string;
}

export interface RunningHookgate {
  readonly child: Child;
  readonly dir: string;
  readonly database: string;
}

/** A `hookgate serve` child with the bench config in its own folder (a fresh database unless `dir`). */
export async function startBenchHookgate(ctx: BenchContext, name: string, run: HookgateRun = {}): Promise<RunningHookgate> {
  const dir = run.dir ?? path.join(ctx.work, name);
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'routes.yaml');
  if (!run.dir) writeFileSync(config, benchConfig({ routes: run.routes ?? 1, concurrency: ctx.settings.workerConcurrency }));
  // One folder per process: tsx's loader thread writes a profile of its own beside the main one.
  const profileDir = path.join(REPO_ROOT, 'bench/results/profiles', name);
  const child = await startHookgate({
    config,
    flags: run.flags ?? [],
    env: { ...benchEnv(ctx.sink.url), ...run.env },
    logFile: path.join(dir, `${name}.log`),
    ...(run.bin ? { bin: path.resolve(run.bin) } : ctx.args.bin ? { bin: path.resolve(ctx.args.bin) } : {}),
    nodeArgs: [...ctx.args.nodeOptions, ...(ctx.args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
  });
  return { child, dir, database: path.join(dir, 'hookgate.db') };
}

export function mb(bytes: number | null): number | null {
  return bytes === null ? null : Math.round((bytes / 1024 / 1024) * 10) / 10;
}
