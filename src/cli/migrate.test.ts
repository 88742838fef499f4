import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../../test/support/store/postgres-schema.ts';
import type { MigrateCommandOptions } from './migrate.ts';
import { redact, runMigrate } from './migrate.ts';

function config(store: string): string {
  return `version: 1
store: ${store}
providers:
  stripe:
    verify: { type: stripe, secret: "\${MIGRATE_TEST_UNSET_SECRET}" }
targets:
  sink: { url: "http://127.0.0.1:9/x" }
routes:
  - { name: all, from: stripe, to: sink }
`;
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function migrate(options: MigrateCommandOptions, env: Record<string, string | undefined> = {}, cwd?: string): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runMigrate(options, {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env,
    ...(cwd === undefined ? {} : { cwd }),
  });
  return { code, out, err };
}

async function appliedVersions(schema: string): Promise<number[]> {
  const client = new Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    const result = await client.query<{ version: number }>(
      `SELECT version FROM ${client.escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
    );
    return result.rows.map((row) => row.version);
  } finally {
    await client.end();
  }
}

describe('hookgate migrate', () => {
  const dirs: string[] = [];
  const schemas: string[] = [];

  function tempDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-migrate-'));
    dirs.push(dir);
    return dir;
  }

  afterEach(async () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    await dropSchemas(schemas.splice(0));
  });

  it("migrates the config's SQLite store, relative to the config's folder, without needing its secrets", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'routes.yaml');
    writeFileSync(file, config('sqlite:./data/m.db'));
    const run = await migrate({ config: file });
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('sqlite store');
    expect(run.out).toContain(`from ${file}`);
    expect(existsSync(path.join(dir, 'data/m.db'))).toBe(true);
  });

  it('takes --store over HOOKGATE_STORE over the config', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'routes.yaml');
    writeFileSync(file, config('sqlite:./from-file.db'));
    const flag = `sqlite:${path.join(dir, 'from-flag.db')}`;
    const env = { HOOKGATE_STORE: `sqlite:${path.join(dir, 'from-env.db')}` };

    expect((await migrate({ config: file, store: flag }, env)).code).toBe(0);
    expect(['from-flag.db', 'from-env.db', 'from-file.db'].map((f) => existsSync(path.join(dir, f)))).toEqual([true, false, false]);

    const viaEnv = await migrate({ config: file }, env);
    expect(viaEnv.out).toContain('from HOOKGATE_STORE');
    expect(['from-env.db', 'from-file.db'].map((f) => existsSync(path.join(dir, f)))).toEqual([true, false]);

    expect((await migrate({ config: file }, {})).code).toBe(0);
    expect(existsSync(path.join(dir, 'from-file.db'))).toBe(true);
  });

  it('resolves a relative --store sqlite path against the working directory', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'work'));
    const run = await migrate({ store: 'sqlite:./rel.db' }, {}, path.join(dir, 'work'));
    expect(run.code).toBe(0);
    expect(existsSync(path.join(dir, 'work/rel.db'))).toBe(true);
  });

  it('applies every PostgreSQL migration once, in the schema the URL names, and again is a no-op', async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const url = `${TEST_PG_URL}?schema=${schema}`;
    const first = await migrate({ store: url });
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain(`postgres store (schema ${schema}) from --store`);
    expect(first.out).not.toContain(TEST_PG_URL);
    const versions = await appliedVersions(schema);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));

    expect((await migrate({}, { HOOKGATE_STORE: url })).code).toBe(0);
    expect(await appliedVersions(schema)).toEqual(versions);
  });

  it('fails with exit 1 and a clear message that never shows the URL or its password when the database is unreachable', async () => {
    const url = 'postgres://hookgate:hunter2secret@127.0.0.1:1/hookgate';
    const run = await migrate({ store: url });
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^migrate failed: the database named by --store is unreachable/);
    expect(run.err).not.toContain('hunter2secret');
    expect(run.err).not.toContain('postgres://');
  });

  it('fails with exit 1 on an unsupported scheme, naming the scheme only', async () => {
    const run = await migrate({}, { HOOKGATE_STORE: 'mysql://root:topsecret@db/x' });
    expect(run.code).toBe(1);
    expect(run.err).toContain('store from HOOKGATE_STORE: store URL scheme "mysql:" is not supported');
    expect(run.err).not.toContain('topsecret');
  });

  it('fails with exit 1 when there is no usable config and no --store', async () => {
    const dir = tempDir();
    const run = await migrate({ config: path.join(dir, 'missing.yaml') });
    expect(run.code).toBe(1);
    expect(run.err).toContain('missing.yaml is not usable');
    expect(run.err).toContain('no such file');
  });

  it('names the unset variable when the config store is empty after substitution', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'routes.yaml');
    writeFileSync(file, config('"${MIGRATE_TEST_DATABASE_URL}"'));
    const run = await migrate({ config: file });
    expect(run.code).toBe(1);
    expect(run.err).toContain('store is empty');
    expect(run.err).toContain('MIGRATE_TEST_DATABASE_URL');
  });
});

describe('redact', () => {
  it('removes the URL and a password of 4 characters or more', () => {
    const url = 'postgres://u:s3cret@h/db';
    expect(redact(`failed for ${url} (s3cret)`, url)).toBe('failed for [store URL] ([redacted])');
    expect(redact('a b c', 'postgres://u:b@h/db')).toBe('a b c');
  });
});
