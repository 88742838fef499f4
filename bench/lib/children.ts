/**
 * Child processes of a benchmark run: the servers under test, the sink, and `hookgate serve`.
 * Each runs in its own process so none shares an event loop with the load generator.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cpuMicros, onCore, type Pinning } from './cpu.ts';
import { REPO_ROOT } from './fixture.ts';

let pinning: Pinning = { generator: null, server: null, note: 'not pinned' };

/** The cores children start on from now on (see cpu.ts pinGenerator). */
export function usePinning(p: Pinning): void {
  pinning = p;
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Resident set size in bytes (Linux /proc), or null when unreadable. */
  rss(): number | null;
  /** User + system CPU time so far, microseconds (Linux /proc), or null when unreadable. */
  cpu(): number | null;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

function childHandle(name: string, child: ChildProcess, port: number): Child {
  const pid = child.pid ?? -1;
  return {
    name,
    process: child,
    pid,
    port,
    url: `http://127.0.0.1:${port}`,
    rss: () => readRss(pid),
    cpu: () => cpuMicros(pid),
    stop: () => stopChild(child),
  };
}

/**
 * Runs bench/servers/<file> under tsx; the server prints one JSON line {"ready": port}. Servers
 * under test go on the server core; `role: 'helper'` (the sink) beside the load generator.
 */
export function startBenchServer(file: string, env: Record<string, string> = {}, role: 'server' | 'helper' = 'server'): Promise<Child> {
  const [command, args] = onCore(role === 'server' ? pinning.server : pinning.generator, process.execPath, [
    '--import',
    'tsx',
    path.join(REPO_ROOT, 'bench/servers', file),
  ]);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise(function awaitReady(resolve, reject) {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${file} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.stdout!.on('data', function onData(chunk: Buffer) {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n')[0];
      if (line === undefined || !buffered.includes('\n')) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      const ready = (JSON.parse(line) as { ready: number }).ready;
      resolve(childHandle(file, child, ready));
    });
    child.once('exit', function onExit(code) {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready`));
    });
  });
}

export interface HookgateStart {
  readonly config: string;
  readonly flags: readonly string[];
  readonly env: Record<string, string>;
  /** pino's stdout goes to this file (not a pipe: reading it would load the generator's process). */
  readonly logFile: string;
  readonly nodeArgs?: readonly string[];
  /** Default: this tree's bin/hookgate.js. */
  readonly bin?: string;
}

/** `hookgate serve --port 0 ...`, ready when its "listening" line appears in the log file. */
export async function startHookgate(options: HookgateStart): Promise<Child> {
  const out = openSync(options.logFile, 'a');
  const [command, args] = onCore(pinning.server, process.execPath, [
    ...(options.nodeArgs ?? []),
    options.bin ?? path.join(REPO_ROOT, 'bin/hookgate.js'),
    'serve',
    '-c',
    options.config,
    '--port',
    '0',
    ...options.flags,
  ]);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', out, 'inherit'],
  });
  closeSync(out);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const port = listeningPort(options.logFile);
    if (port !== null) return childHandle('hookgate', child, port);
    if (exited !== undefined) throw new Error(`hookgate exited with ${exited} before listening; see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hookgate did not listen within ${START_TIMEOUT_MS} ms; see ${options.logFile}`);
    }
    await sleep(50);
  }
}

function listeningPort(logFile: string): number | null {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    if (!line.includes('"listening"')) continue;
    const entry = JSON.parse(line) as { msg?: string; port?: number };
    if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
  }
  return null;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(function awaitExit(resolve) {
    const hard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function readRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
