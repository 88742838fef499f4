/**
 * `hookgate events | head -n 1`, run by bash: the listing ends quietly (exit 0, no EPIPE stack
 * trace) when its reader leaves early.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { BIN, type TempDir, tempDir } from '../support/router-process.ts';
import { anEvent, T0 } from '../support/store/contract-fixtures.ts';

/** `hookgate <args> | head -n 1` in bash with pipefail: the exit status is hookgate's when it fails. */
function pipedIntoHead(args: string[]): Promise<{ stdout: string; code: number | null; stderr: string }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -o pipefail; ${quoted} | head -n 1`], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ stdout, code, stderr }));
  });
}

describe('hookgate events piped into a reader that leaves early', () => {
  let tmp: TempDir;
  let storeUrl: string;

  beforeAll(async () => {
    tmp = tempDir('hookgate-events-pipe-');
    storeUrl = `sqlite:${path.join(tmp.dir, 'events.db')}`;
    const store = await openStore(storeUrl);
    try {
      // 500 listed events of ~1 KB of JSON (a table row of ~300 bytes) each: far beyond a 64 KiB pipe buffer.
      const reason = { route: 'a-route-with-a-fairly-long-name', reason: `event type ${'x'.repeat(400)} not in events` };
      for (let i = 0; i < 520; i++) {
        await store.insertEvent(
          anEvent({ dedupKey: `k-${i}-${'x'.repeat(200)}`, receivedAt: T0 + i, status: 'ignored', ignored: [reason, reason] }),
          [],
        );
      }
    } finally {
      await store.close();
    }
  });

  afterAll(() => tmp?.remove());

  for (const format of [['--json'], []]) {
    it(`ends quietly with exit 0 (${format.length > 0 ? 'JSON lines' : 'table'})`, async () => {
      const result = await pipedIntoHead(['events', '--store', storeUrl, '--limit', '500', ...format]);
      // Only the note that more events match than the limit: no EPIPE, no stack trace.
      expect(result.stderr.trim()).toMatch(/^more events match: showing the newest 500;[^\n]*$/);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toMatch(format.length > 0 ? /"dedup_key":"k-519-x/ : /^ID\s+RECEIVED/);
    });
  }
});
