import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, sqlitePath } from './open.ts';
import { isUnavailableError } from './postgres-errors.ts';

describe('sqlitePath', () => {
  it.each([
    ['sqlite:/abs/x.db', '/abs/x.db'],
    ['sqlite:///abs/x.db', '/abs/x.db'],
    ['sqlite:./data/x.db', resolve(process.cwd(), 'data/x.db')],
    ['sqlite:rel.db', resolve(process.cwd(), 'rel.db')],
    ['sqlite::memory:', ':memory:'],
    ['postgres://h/db', null],
  ])('%s -> %s', (url, expected) => {
    expect(sqlitePath(url)).toBe(expected);
  });

  it('refuses an empty path', () => {
    expect(() => sqlitePath('sqlite:')).toThrow(/has no path/);
  });
});

describe('openStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('opens a migrated in-memory store', async () => {
    const store = await openStore('sqlite::memory:');
    expect(store.kind).toBe('sqlite');
    await store.ping();
    expect(await store.listEvents({})).toEqual({ items: [], nextCursor: null });
    await store.close();
  });

  it('creates the missing folder of a file store, and opens it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookgate-open-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'deeper', 'hookgate.db');
    const first = await openStore(`sqlite:${file}`);
    await first.close();
    expect(existsSync(file)).toBe(true);
    const second = await openStore(`sqlite:${file}`);
    await second.ping();
    await second.close();
  });

  it.each(['postgres://user:hunter2@127.0.0.1:1/hookgate', 'postgresql://user:hunter2@127.0.0.1:1/hookgate'])(
    'routes %s to the PostgreSQL backend, and its errors never echo the URL',
    async (url) => {
      const error: unknown = await openStore(url).catch((e: unknown) => e);
      // Routed to the PostgreSQL backend: nothing listens on port 1, so it is "unavailable".
      expect(isUnavailableError(error)).toBe(true);
      expect(String(error)).not.toContain('hunter2');
    },
  );

  it('names an unknown scheme', async () => {
    await expect(openStore('mysql://x')).rejects.toThrow(/scheme "mysql:" is not supported/);
    await expect(openStore('./file.db')).rejects.toThrow(/without a scheme/);
  });
});
