/** Runs a real `hookgate serve` child process and waits for its "listening" log line. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO_ROOT, 'bin/hookgate.js');

export interface RouterProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Every stdout line parsed as JSON (pino), in order. */
  readonly logs: Array<Record<string, unknown>>;
  readonly stderr: string[];
  post(
    provider: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<{ status: number; json: unknown; headers: Headers }>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface TempDir {
  readonly dir: string;
  write(name: string, text: string): string;
  remove(): void;
}

export function tempDir(prefix = 'hookgate-e2e-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function startRouter(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<RouterProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`router did not start in ${timeoutMs} ms: ${stderr.join('')} ${JSON.stringify(logs)}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') {
            clearTimeout(timer);
            resolve(entry.port as number);
          }
        } catch {
          stderr.push(line);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router exited with ${code} before listening: ${stderr.join('')} ${JSON.stringify(logs)}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    child,
    logs,
    stderr,
    async post(provider, body, headers) {
      const res = await fetch(`${url}/webhooks/${provider}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, json, headers: res.headers };
    },
    stop(signal = 'SIGTERM') {
      // Already gone (exited, or killed by a signal): the exit event will not come again.
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
