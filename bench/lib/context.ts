/** What every scenario gets: the settings of this run, the shared sink, a temp dir, and the sink's stats. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchArgs } from './args.ts';
import { benchConfig, benchEnv } from './bench-config.ts';
import { type Child, startHookgate } from './children.ts';
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
  log(message: string): void;
}

export async function sinkStats(sink: Child, reset = false): Promise<SinkStats> {
  const res = await fetch(`${sink.url}/${reset ? '_reset' : '_stats'}`, { method: reset ? 'POST' : 'GET' });
  return (await res.json()) as SinkStats;
}

/** Warm up (JIT, connections, SQLite cache), then measure; each phase with its own pre-signed pool. */
export async function measureIngest(ctx: BenchContext, url: string): Promise<LoadResult> {
  const { connections, warmupSeconds, seconds } = ctx.settings;
  const warmPool = new SignedPool(Math.ceil(warmupSeconds * 8_000));
  const warm = await runLoad({ url, path: '/webhooks/stripe', pool: warmPool, connections, duration: warmupSeconds });
  // Enough for this rate plus half again (a warmed-up server is faster than during its warmup).
  const pool = new SignedPool(Math.ceil(Math.max(warm.requestsPerSecond, 2_000) * seconds * 1.5) + 1_000);
  return runLoad({ url, path: '/webhooks/stripe', pool, connections, duration: seconds });
}

export interface HookgateRun {
  readonly routes?: number;
  readonly flags?: readonly string[];
  /** Reuse a folder (and its database) from an earlier run. */
  readonly dir?: string;
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
    env: benchEnv(ctx.sink.url),
    logFile: path.join(dir, `${name}.log`),
    ...(ctx.args.bin ? { bin: path.resolve(ctx.args.bin) } : {}),
    nodeArgs: [...ctx.args.nodeOptions, ...(ctx.args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
  });
  return { child, dir, database: path.join(dir, 'hookgate.db') };
}

export function mb(bytes: number | null): number | null {
  return bytes === null ? null : Math.round((bytes / 1024 / 1024) * 10) / 10;
}
