/**
 * The composition root: from typed options it builds, in order, the logger, the config (loaded and
 * compiled once), the settings, the store, metrics, the delivery worker, the HTTP door, reloads
 * and retention, and returns the running router. `hookgate serve` parses arguments and calls it;
 * tests and embeddings call it directly (port 0, their own logger and environment).
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { SafeDestinationOptions } from '../observability/log-destination.ts';
import { createRouterLogger } from '../observability/logger.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { ReloadStatus, Runtime } from '../runtime.ts';
import type { Store } from '../store/types.ts';
import { buildHttp, type HttpHooks } from './build-http.ts';
import { createGroupScheduler, recoverFiringGroups } from './group-firing.ts';
import { boundPort, listen } from './listen.ts';
import { openServingStore } from './open-store.ts';
import { startPurge } from './purge.ts';
import { createReloader, loadServeConfig } from './reload.ts';
import { fileSha256 } from './restart-only.ts';
import { type Env, resolveSettings, type SettingFlags, type StartSettings } from './settings.ts';
import { createShutdown } from './shutdown.ts';
import { claimServingStore } from './store-owner.ts';
import { watchConfig } from './watch-config.ts';
import { createWorker, recoverInFlight } from './worker.ts';

export interface RouterOptions extends SettingFlags {
  /** The routes file (default $HOOKGATE_CONFIG, else routes.yaml). */
  readonly config?: string;
  /** false: ingress only, no delivery worker in this process. Default true. */
  readonly worker?: boolean;
  /** true: delivery only, no webhook ingress (health, metrics and admin stay up). */
  readonly workerOnly?: boolean;
  /** The dotenv file loaded at start: a reload warns when it changed (variables are read once). */
  readonly envFile?: string;
  /** Default process.env. */
  readonly env?: Env;
  /** Relative --store / HOOKGATE_STORE sqlite paths resolve against it. Default process.cwd(). */
  readonly cwd?: string;
  /** A logger of the caller's; default: LOG_LEVEL / LOG_FORMAT to standard output, never blocking. */
  readonly logger?: Logger;
  /** Log lines dropped so far, when the caller brings its own logger and counts them. */
  readonly logDropped?: () => number;
  /** Where the router's own logger writes (default standard output); ignored with `logger`. */
  readonly logDestination?: Omit<SafeDestinationOptions, 'format'>;
  /** Reload when the file changes (default true). SIGHUP is the caller's to wire to reload(). */
  readonly watch?: boolean;
  readonly hooks?: HttpHooks;
}

export interface RunningRouter {
  readonly host: string;
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  readonly settings: StartSettings;
  readonly runtime: Runtime;
  readonly metrics: Metrics;
  readonly server: Server;
  /**
   * What the person who started the router should read once, on the terminal and not in the
   * log: demo mode, and the admin token made up for this run.
   */
  readonly notices: readonly string[];
  reload(reason: string): boolean;
  shutdown(signal: string): Promise<void>;
}

export type RouterStart =
  | { readonly ok: true; readonly router: RunningRouter }
  /** `lines` say why, in plain words, for stderr (the log has the details). */
  | { readonly ok: false; readonly lines: readonly string[] };

export async function createRouter(options: RouterOptions = {}): Promise<RouterStart> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const log = openLogger(options, env);
  if (typeof log === 'string') return { ok: false, lines: [log] };
  const { logger, dropped } = log;
  const flushLog = log.flush;

  const file = options.config ?? env.HOOKGATE_CONFIG ?? 'routes.yaml';
  const first = loadServeConfig(file, env, logger);
  if (first.config === null) return { ok: false, lines: refusalLines(file, first.errors, first.missingEnv) };
  let current: CompiledConfig = first.config;

  const settings = resolveSettings(options, env, current, cwd);
  if (typeof settings === 'string') {
    logger.error({ error: settings }, 'invalid setting');
    return { ok: false, lines: [settings] };
  }
  const owner = claimServingStore(settings.storeUrl, logger);
  if (owner !== null && 'error' in owner) return { ok: false, lines: [owner.error] };
  const opened = await openServingStore(settings.storeUrl, logger);
  if ('error' in opened) {
    owner?.release();
    return { ok: false, lines: [`cannot open the store: ${opened.error}`] };
  }
  const store: Store = opened;

  const metrics = createMetrics({ store, groups: store.groups, config: () => current, logger, logDropped: dropped });
  const worker = options.worker === false ? null : createWorker(store, () => current, logger, settings, metrics);
  // Groups fire from the worker role, from the store.
  const groups = worker
    ? createGroupScheduler(
        store,
        () => current,
        logger,
        settings,
        metrics,
        () => worker.notify(),
      )
    : null;
  const runtime: Runtime = {
    config: () => current,
    store,
    logger,
    notifyWorker: () => {
      worker?.notify();
      groups?.notify();
    },
    state: { ready: false, shuttingDown: false },
  };
  if (worker) await recoverInFlight(store, logger);
  if (groups) await recoverFiringGroups(store, logger);

  const ingress = options.workerOnly !== true;
  const listener = buildHttp({
    runtime,
    metrics,
    ingress,
    adminToken: settings.adminToken,
    demo: settings.demo,
    hooks: options.hooks ?? {},
  });
  const listening = await listen(listener, settings.host, settings.port);
  if ('error' in listening) {
    logger.error({ host: settings.host, port: settings.port, error: listening.error }, 'cannot listen');
    await store.close();
    owner?.release();
    return { ok: false, lines: [`cannot listen on ${settings.host}:${settings.port}: ${listening.error}`] };
  }
  const server: Server = listening;
  const port = boundPort(server, settings.port);

  worker?.start();
  groups?.start();
  runtime.state.ready = true;
  logger.info(
    {
      host: settings.host,
      port,
      config: file,
      config_sha256: current.sha256,
      store: store.kind,
      worker: worker !== null,
      ingress,
      admin: settings.adminToken !== null,
      demo: settings.demo,
    },
    'listening',
  );
  if (settings.demo) logger.warn('demo mode: the built-in echo target is served under /_demo; not for production');

  const envFile = options.envFile === undefined ? undefined : { path: options.envFile, sha256: fileSha256(options.envFile) };
  const reload = createReloader({
    file,
    env,
    logger,
    start: settings,
    ...(envFile ? { envFile } : {}),
    current: () => current,
    apply(next) {
      current = next;
    },
    report(status: ReloadStatus) {
      runtime.state.lastReload = status;
      metrics.onReload(status.result);
    },
  });
  const stopPurge = startPurge(store, () => current, logger);
  const watcher = options.watch === false ? null : watchConfig(file, () => reload('file changed'));

  const shutdown = createShutdown({
    runtime,
    server,
    worker,
    ...(groups ? { drains: [() => groups.stop()] } : {}),
    stops: [stopPurge, () => watcher?.close()],
    ...(owner ? { afterClose: () => owner.release() } : {}),
    ...(flushLog ? { flushLog } : {}),
  });

  const shownHost = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return {
    ok: true,
    router: {
      host: settings.host,
      port,
      url: `http://${shownHost}:${port}`,
      settings,
      runtime,
      metrics,
      server,
      notices: noticesFor(settings, `http://${shownHost}:${port}`),
      reload,
      shutdown,
    },
  };
}

interface OpenedLogger {
  readonly logger: Logger;
  readonly dropped: () => number;
  readonly flush?: () => Promise<void>;
}

function openLogger(options: RouterOptions, env: Env): OpenedLogger | string {
  if (options.logger) return { logger: options.logger, dropped: options.logDropped ?? (() => 0) };
  const made = createRouterLogger(env, options.logDestination ?? {});
  if (typeof made === 'string') return made;
  return { logger: made.logger, dropped: made.destination.dropped, flush: () => made.destination.flush() };
}

function refusalLines(file: string, errors: readonly string[], missingEnv: readonly string[]): string[] {
  const lines = [`refusing to start with ${file}:`, ...errors.map((line) => `  ${line}`)];
  if (missingEnv.length > 0) lines.push(`set ${missingEnv.join(', ')} (or load them with --env-file)`);
  return lines;
}

function noticesFor(settings: StartSettings, url: string): string[] {
  if (!settings.demo) return [];
  const notices = [
    `demo mode (HOOKGATE_DEMO / --demo): the demo echo target answers at ${url}/_demo/routines/<trigger>/fire; do not expose this process`,
  ];
  if (settings.adminTokenGenerated && settings.adminToken !== null) {
    notices.push(`admin API token for this run (shown once; set HOOKGATE_ADMIN_TOKEN to choose your own): ${settings.adminToken}`);
  }
  return notices;
}
