/**
 * A failing log destination never blocks or crashes the process: lines are dropped and counted.
 * Real failures: /dev/full (every write fails with ENOSPC, as on a full disk), a pipe whose reader
 * has exited (EPIPE), and a pipe whose reader never reads.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSafeDestination } from './log-destination.ts';
import { createLogger } from './logger.ts';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createSafeDestination', () => {
  it.skipIf(!existsSync('/dev/full'))('drops and counts lines when every write fails (a full disk), and never throws', async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      const destination = createSafeDestination({ fd, retryAfterMs: 60_000 });
      const logger = createLogger({ destination });
      for (let i = 0; i < 100; i++) logger.info({ i }, 'line');
      await until(() => destination.dropped() === 100, 'all 100 lines counted as dropped');
      logger.info('one more');
      expect(destination.dropped()).toBe(101);
    } finally {
      closeSync(fd);
    }
  });

  it.skipIf(!existsSync('/dev/full'))('tries the descriptor again after a while (space may have been freed)', async () => {
    const fd = openSync('/dev/full', 'w');
    let clock = 0;
    try {
      const destination = createSafeDestination({ fd, retryAfterMs: 1_000, now: () => clock });
      destination.write('{"a":1}\n');
      await until(() => destination.dropped() === 1, 'the first line dropped');
      destination.write('{"a":2}\n');
      expect(destination.dropped()).toBe(2); // within the pause: dropped without a write
      clock = 1_000;
      destination.write('{"a":3}\n'); // after the pause: written again (and fails again here)
      await until(() => destination.dropped() === 3, 'the retried line dropped by the device');
    } finally {
      closeSync(fd);
    }
  });

  it('drops and counts lines after the pipe reader exited (EPIPE), without an unhandled error', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((resolve) => child.once('exit', resolve));
    const destination = createSafeDestination({ stream: child.stdin! });
    const logger = createLogger({ destination });
    for (let i = 0; i < 20; i++) logger.info({ i }, 'into a closed pipe');
    await until(() => destination.dropped() === 20, 'every line counted');
    logger.info('still fine');
    expect(destination.dropped()).toBe(21);
  });

  it('drops instead of queueing without bound when the reader stops reading', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const destination = createSafeDestination({ stream: child.stdin!, maxBufferedBytes: 256 * 1024 });
      const line = `${JSON.stringify({ pad: 'x'.repeat(1_000) })}\n`;
      // Far more than the pipe's buffer plus the allowance: the rest must be dropped, at once.
      for (let i = 0; i < 2_000; i++) destination.write(line);
      expect(destination.dropped()).toBeGreaterThan(1_000);
      expect(child.stdin!.writableLength).toBeLessThan(512 * 1024);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('writes every line, in order and whole, to a file descriptor', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-log-'));
    const file = path.join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const destination = createSafeDestination({ fd });
      const logger = createLogger({ destination });
      for (let i = 0; i < 1_000; i++) logger.info({ i }, 'line');
      await destination.flush();
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { i: number });
      expect(lines.map((l) => l.i)).toEqual([...Array(1_000).keys()]);
      expect(destination.dropped()).toBe(0);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes every line, in order, to a working destination', async () => {
    const chunks: string[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const destination = createSafeDestination({ stream: sink, format: (l) => l.toUpperCase() });
    destination.write('a\n');
    destination.write('b\n');
    await destination.flush();
    expect(chunks.join('')).toBe('A\nB\n');
    expect(destination.dropped()).toBe(0);
  });
});
