import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { claimSqliteOwnership, SqliteStoreInUseError } from './sqlite-owner.ts';

const CHILD = fileURLToPath(new URL('../../test/support/store/sqlite-owner-child.ts', import.meta.url));
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function dbFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'hookgate-owner-')), 'hookgate.db');
}

/** Starts a process that holds the claim; resolves once it says it holds it. */
function holdInChild(file: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [RUN_TS, CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('claimed')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`owner child exited early with ${code}`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}

describe('SQLite store ownership', () => {
  it('refuses a second claim in another process and names the file and the holder', async () => {
    const file = dbFile();
    const child = await holdInChild(file);
    let caught: unknown;
    try {
      claimSqliteOwnership(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SqliteStoreInUseError);
    const error = caught as SqliteStoreInUseError;
    expect(error.file).toBe(file);
    expect(error.owner?.pid).toBe(child.pid);
    expect(error.message).toContain(file);
    expect(error.message).toContain(`process ${child.pid}`);
  });

  it('is free again the moment the holder is killed with SIGKILL (no stale lock)', async () => {
    const file = dbFile();
    const child = await holdInChild(file);
    expect(() => claimSqliteOwnership(file)).toThrow(SqliteStoreInUseError);
    child.kill('SIGKILL');
    await exited(child);
    const mine = claimSqliteOwnership(file);
    mine.release();
  });

  it('refuses a second claim in the same process until the first is released', () => {
    const file = dbFile();
    const first = claimSqliteOwnership(file);
    expect(() => claimSqliteOwnership(file)).toThrow(SqliteStoreInUseError);
    first.release();
    const second = claimSqliteOwnership(file);
    second.release();
  });
});
