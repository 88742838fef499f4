/**
 * A router built in this process by the composition root (createRouter), on 127.0.0.1 and a free
 * port, with its routes file and SQLite database in a temp folder and its log lines captured.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger.ts';
import { createRouter, type RouterOptions, type RunningRouter } from '../../src/server/create-router.ts';

export interface TestRouter {
  readonly router: RunningRouter;
  readonly url: string;
  readonly dir: string;
  readonly file: string;
  /** Every log line so far, parsed. */
  logs(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startTestRouter(
  yaml: string,
  options: Omit<RouterOptions, 'config' | 'port'> & { readonly port?: number } = {},
): Promise<TestRouter> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-router-'));
  const file = path.join(dir, 'routes.yaml');
  writeFileSync(file, yaml);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const start = await createRouter({
    watch: false,
    logger: createLogger({ level: 'info', destination: sink }),
    env: {},
    cwd: dir,
    port: 0,
    ...options,
    config: file,
  });
  if (!start.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`router did not start: ${start.lines.join('\n')}`);
  }
  const router = start.router;
  return {
    router,
    url: router.url,
    dir,
    file,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    async close() {
      await router.shutdown('test');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
