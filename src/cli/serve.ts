/**
 * `hookgate serve`: argument parsing, then the composition root (server/create-router.ts) builds
 * and starts the router. Ingress and delivery worker in one process by default (or one role each
 * with --no-worker / --worker-only). Reloads on SIGHUP and on file change; drains on SIGTERM.
 */
import type { Command } from 'commander';
import { createRouter } from '../server/create-router.ts';
import { parsePort } from './options.ts';

export interface ServeOptions {
  readonly config?: string;
  readonly host?: string;
  readonly port?: number;
  readonly store?: string;
  readonly demo?: boolean;
  /** commander's --no-worker sets worker: false */
  readonly worker?: boolean;
  readonly workerOnly?: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the router: webhook ingress and the delivery worker')
    .option('-c, --config <path>', 'routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--host <address>', 'listen address (default: $HOOKGATE_HOST, else server.host, else 127.0.0.1)')
    .option('--port <n>', 'listen port (default: $PORT, else server.port, else 8787)', parsePort)
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)")
    .option('--demo', 'demo mode (also HOOKGATE_DEMO=1): serve the demo echo target; an admin token is made up if none is set')
    .option('--no-worker', 'ingress only: store events, leave delivery to other processes')
    .option('--worker-only', 'delivery only: no webhook ingress (health endpoints stay up)')
    .action(async function serveAction(opts: ServeOptions) {
      if (opts.worker === false && opts.workerOnly) {
        program.error('--no-worker and --worker-only exclude each other', { exitCode: 2 });
      }
      const envFile = program.opts<{ envFile?: string }>().envFile;
      const start = await createRouter({ ...opts, ...(envFile === undefined ? {} : { envFile }) });
      if (!start.ok) {
        // In plain words for the person at the terminal (the log has the same for log shippers).
        for (const line of start.lines) process.stderr.write(`${line.startsWith(' ') ? line : `hookgate: ${line}`}\n`);
        process.exitCode = 1;
        return;
      }
      const router = start.router;
      for (const notice of router.notices) process.stderr.write(`hookgate: ${notice}\n`);
      process.on('SIGHUP', () => router.reload('SIGHUP'));
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          const hardStop = setTimeout(() => process.exit(1), 15_000);
          hardStop.unref();
          void router.shutdown(signal).then(() => process.exit(0));
        });
      }
    });
}
