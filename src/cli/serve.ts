/**
 * `hookgate serve`: ingress and delivery worker in one process (or one role each with
 * --no-worker / --worker-only). Reloads on SIGHUP and on file change; drains on SIGTERM.
 */
import { type FSWatcher, watch } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { formatDiagnostic, hasErrors } from '../config/diagnostic.ts';
import { loadConfigFile } from '../config/load.ts';
import { DEFAULT_LEASE_GRACE_MS, DeliveryWorker } from '../delivery/worker.ts';
import { adminToken, createAdminRouter } from '../http/admin.ts';
import { type AppOptions, createApp } from '../http/app.ts';
import { createWebhookHandler } from '../http/ingress.ts';
import { createRequestListener } from '../http/lean-server.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { createMetricsHandler } from '../observability/metrics-http.ts';
import { compileConfig, resolveStoreUrl } from '../pipeline/compile.ts';
import { type CompiledConfig, DEFAULTS } from '../pipeline/types.ts';
import type { Runtime } from '../runtime.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { parseDuration } from '../util/units.ts';
import { configPathOption, parsePort } from './options.ts';

export interface ServeOptions {
  readonly config?: string;
  readonly port?: number;
  readonly store?: string;
  /** commander's --no-worker sets worker: false */
  readonly worker?: boolean;
  readonly workerOnly?: boolean;
  /** Extra app wiring (admin API, metrics). */
  readonly app?: AppOptions;
  readonly logger?: Logger;
  readonly env?: Record<string, string | undefined>;
}

export interface RunningServer {
  readonly port: number;
  readonly runtime: Runtime;
  readonly server: Server;
  reload(reason: string): boolean;
  shutdown(signal: string): Promise<void>;
}

export interface Refusal {
  /** Lines `file:line:col error code message`, for a person. */
  readonly errors: readonly string[];
  readonly missingEnv: readonly string[];
}

/** Load and compile; a refused file is logged with every diagnostic and described for stderr. */
export function loadAndCompile(
  file: string,
  logger: Logger,
  env?: Record<string, string | undefined>,
): { readonly config: CompiledConfig } | { readonly config: null; readonly refusal: Refusal } {
  const loaded = loadConfigFile(file, { mode: 'serve', ...(env ? { env } : {}) });
  const diagnostics = loaded.diagnostics.map(formatDiagnostic);
  if (!loaded.config || hasErrors(loaded.diagnostics)) {
    logger.error({ file, diagnostics, missingEnv: loaded.missingEnv }, 'config refused');
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    return { config: null, refusal: { errors, missingEnv: loaded.missingEnv } };
  }
  if (diagnostics.length > 0) logger.warn({ file, diagnostics }, 'config warnings');
  try {
    return { config: compileConfig(loaded.config, { path: loaded.absPath, dir: loaded.dir, sha256: loaded.sha256 }) };
  } catch (err) {
    const error = (err as Error).message;
    logger.error({ file, error }, 'config refused');
    return { config: null, refusal: { errors: [error], missingEnv: [] } };
  }
}

export async function startServer(options: ServeOptions): Promise<RunningServer | null> {
  const logger = options.logger ?? createLogger();
  const env = options.env ?? process.env;
  const file = configPathOption(options.config, env);
  const first = loadAndCompile(file, logger, env);
  if (first.config === null) {
    // Also in plain words for the person at the terminal (the JSON line above is for log shippers).
    const { errors, missingEnv } = first.refusal;
    process.stderr.write(`hookgate: refusing to start with ${file}:\n${errors.map((l) => `  ${l}`).join('\n')}\n`);
    if (missingEnv.length > 0) process.stderr.write(`hookgate: set ${missingEnv.join(', ')} (or load them with --env-file)\n`);
    return null;
  }
  const initial = first.config;
  let current = initial;

  // Flag over environment over file; the file's sqlite path is already relative to its folder.
  const override = options.store ?? env.HOOKGATE_STORE;
  const storeUrl = override ? resolveStoreUrl(override, process.cwd()) : initial.store;
  const lease = leaseFromEnv(env.HOOKGATE_LEASE);
  if (typeof lease === 'string') {
    logger.error({ error: lease }, 'invalid HOOKGATE_LEASE');
    process.stderr.write(`hookgate: ${lease}\n`);
    return null;
  }
  let store: Store;
  try {
    store = await openStore(storeUrl, {
      postgres: {
        onIdleError: function idleConnectionFailed(error: Error) {
          logger.warn({ error: error.message }, 'idle PostgreSQL connection failed; the pool opens a new one when needed');
        },
      },
    });
  } catch (err) {
    // Neither the store nor the driver puts the URL (which may hold a password) in a message.
    logger.error({ error: (err as Error).message }, 'store could not be opened');
    process.stderr.write(`hookgate: cannot open the store: ${(err as Error).message}\n`);
    return null;
  }

  const metrics = createMetrics({ store, config: () => current, logger });
  const runWorker = options.worker !== false;
  // Replicas on PostgreSQL pace each target together, through the database.
  const limiter = store.sharedLimiter() ?? undefined;
  const worker = runWorker
    ? new DeliveryWorker({
        store,
        getConfig: () => current,
        logger,
        ...lease,
        ...(limiter ? { limiter } : {}),
        onAttempt: metrics.onAttempt,
      })
    : null;
  const runtime: Runtime = {
    config: () => current,
    store,
    logger,
    notifyWorker: () => worker?.notify(),
    state: { ready: false, shuttingDown: false },
  };

  if (worker && store.kind === 'sqlite') {
    // One process owns a SQLite file: whatever was in flight when it last stopped is retried now.
    const recovered = await store.recoverInFlight(Date.now());
    if (recovered > 0) logger.warn({ recovered }, 'deliveries left in flight by the previous run are queued again');
  }

  const extra = options.app;
  const token = adminToken(env);
  const appOptions: AppOptions = {
    ...extra,
    demoEcho: extra?.demoEcho ?? env.HOOKGATE_DEMO_ECHO === '1',
    ingress: !options.workerOnly,
    onOutcome(outcome) {
      metrics.onOutcome(outcome);
      extra?.onOutcome?.(outcome);
    },
    onRejectedEarly(provider, code) {
      metrics.onRejectedEarly(provider, code);
      extra?.onRejectedEarly?.(provider, code);
    },
    mount(expressApp) {
      expressApp.get('/metrics', createMetricsHandler(metrics));
      // Without HOOKGATE_ADMIN_TOKEN nothing is mounted: the whole /admin prefix answers 404.
      if (token !== null)
        expressApp.use('/admin', createAdminRouter({ token, store, logger, notifyWorker: runtime.notifyWorker, config: runtime.config }));
      extra?.mount?.(expressApp);
    },
  };
  // One webhook handler (and so one inbound rate limiter) for the lean listener and the app's route.
  const webhooks = createWebhookHandler(runtime, appOptions);
  const app = createApp(runtime, { ...appOptions, webhooks });
  const port = options.port ?? (env.PORT ? parsePort(env.PORT) : initial.server.port);
  const listening = await new Promise<Server>((resolve, reject) => {
    // POST /webhooks/* skips express's router (lean-server.ts); every other request goes to the app.
    const s = createServer(createRequestListener(app, runtime, { ...appOptions, webhooks })).listen(port, () => resolve(s));
    s.once('error', reject);
  }).catch((err: Error) => {
    logger.error({ port, error: err.message }, 'cannot listen');
    return null;
  });
  if (!listening) {
    await store.close();
    return null;
  }
  const server: Server = listening;
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;

  worker?.start();
  runtime.state.ready = true;
  logger.info(
    {
      port: actualPort,
      config: file,
      config_sha256: current.sha256,
      store: store.kind,
      worker: runWorker,
      ingress: !options.workerOnly,
      admin: token !== null,
    },
    'listening',
  );

  function reload(reason: string): boolean {
    const { config: next } = loadAndCompile(file, logger, env);
    if (!next) {
      logger.error({ reason }, 'reload refused: keeping the previous config');
      return false;
    }
    if (next.sha256 === current.sha256) return true;
    current = next;
    logger.info({ reason, config_sha256: next.sha256 }, 'config reloaded');
    return true;
  }

  const purgeTimer = setInterval(() => void purge(), 10 * 60_000);
  purgeTimer.unref();
  async function purge(): Promise<void> {
    try {
      const deleted = await store.purge(Date.now(), current.retentionMs, DEFAULTS.deadRetentionMs);
      if (deleted > 0) logger.info({ deleted }, 'retention purge');
    } catch (err) {
      logger.warn({ error: (err as Error).message }, 'retention purge failed');
    }
  }
  void purge();

  const watcher = watchConfig(file, () => reload('file changed'));

  let shuttingDown: Promise<void> | null = null;
  function shutdown(signal: string): Promise<void> {
    shuttingDown ??= (async () => {
      logger.info({ signal }, 'shutting down');
      runtime.state.shuttingDown = true;
      clearInterval(purgeTimer);
      watcher?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await worker?.stop(10_000);
      server.closeAllConnections();
      await closed;
      await store.close();
      logger.info({ signal }, 'stopped');
    })();
    return shuttingDown;
  }

  return { port: actualPort, runtime, server, reload, shutdown };
}

/**
 * HOOKGATE_LEASE (default 30s): how long a claimed delivery stays with its worker before another
 * replica may take it over. The lease always outlasts the target's timeout by a grace for
 * recording the attempt: 15 s, or the lease itself when that is shorter.
 */
function leaseFromEnv(raw: string | undefined): { leaseMs: number; leaseGraceMs: number } | string {
  if (raw === undefined || raw.trim() === '') return { leaseMs: DEFAULTS.leaseMs, leaseGraceMs: DEFAULT_LEASE_GRACE_MS };
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 1000) return `HOOKGATE_LEASE "${raw}" is not a duration of at least 1s (e.g. 30s, 2m)`;
  return { leaseMs: ms, leaseGraceMs: Math.min(DEFAULT_LEASE_GRACE_MS, ms) };
}

/** Watch the config's folder (editors replace files by rename) and debounce bursts of events. */
function watchConfig(file: string, onChange: () => void): FSWatcher | null {
  const abs = path.resolve(file);
  let timer: NodeJS.Timeout | null = null;
  try {
    const watcher = watch(path.dirname(abs), { persistent: false }, function onEvent(_type, name) {
      if (name !== null && name !== path.basename(abs)) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    });
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return null;
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the router: webhook ingress and the delivery worker')
    .option('-c, --config <path>', 'routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--port <n>', 'listen port (default: $PORT, else server.port, else 8787)', parsePort)
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)")
    .option('--no-worker', 'ingress only: store events, leave delivery to other processes')
    .option('--worker-only', 'delivery only: no webhook ingress (health endpoints stay up)')
    .action(async function serveAction(opts: ServeOptions) {
      if (opts.worker === false && opts.workerOnly) {
        program.error('--no-worker and --worker-only exclude each other', { exitCode: 2 });
      }
      const running = await startServer(opts);
      if (!running) {
        process.exitCode = 1;
        return;
      }
      process.on('SIGHUP', () => running.reload('SIGHUP'));
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          const hardStop = setTimeout(() => process.exit(1), 15_000);
          hardStop.unref();
          void running.shutdown(signal).then(() => process.exit(0));
        });
      }
    });
}
