/**
 * Reloading in place: a changed setting that only a restart applies is named in a warning (and in
 * /readyz), a refused file shows in /readyz and in the reload metrics while the previous config
 * keeps serving, and settings given by flag or environment are not the file's to change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { yamlText } from '../../test/support/config.ts';
import { startTestRouter, type TestRouter } from '../../test/support/in-process-router.ts';
import { parseExposition } from '../../test/support/metrics-parse.ts';
import { compileConfig } from '../pipeline/compile.ts';
import { restartOnlyChanges } from './restart-only.ts';

function config(server: string, store = 'sqlite:./r.db'): string {
  return yamlText`
    version: 1
    server: { ${server} }
    store: ${store}
    providers:
      open: { verify: { type: none } }
    targets:
      sink: { url: "http://127.0.0.1:9/never-called" }
    routes:
      - { name: all, from: open, to: sink }
  `;
}

describe('restartOnlyChanges', () => {
  const compiled = (server: Record<string, unknown>, store = 'sqlite:./a.db') =>
    compileConfig(
      {
        version: 1,
        server,
        store,
        providers: { p: { verify: { type: 'none' } } },
        targets: { t: { url: 'http://127.0.0.1:9/' } },
        routes: [{ name: 'r', from: 'p', to: 't' }],
      },
      { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) },
    );
  const none = { overridden: { host: false, port: false, store: false } };

  it.each<[string, Record<string, unknown>, string, string[]]>([
    ['nothing', { port: 1 }, 'sqlite:./a.db', []],
    ['the body limit (applied live)', { port: 1, bodyLimit: '2mb' }, 'sqlite:./a.db', []],
    ['the port', { port: 2 }, 'sqlite:./a.db', ['server.port']],
    ['the host', { port: 1, host: '0.0.0.0' }, 'sqlite:./a.db', ['server.host']],
    ['the store', { port: 1 }, 'sqlite:./b.db', ['store']],
    ['trustProxy', { port: 1, trustProxy: true }, 'sqlite:./a.db', ['server.trustProxy']],
    ['all of them', { port: 2, host: '::', trustProxy: 1 }, 'sqlite:./b.db', ['server.host', 'server.port', 'store', 'server.trustProxy']],
  ])('%s', (_name, server, store, expected) => {
    expect(restartOnlyChanges(compiled({ port: 1 }), compiled(server, store), none)).toEqual(expected);
  });

  it('ignores the file for a setting a flag or the environment gave', () => {
    const overridden = { overridden: { host: true, port: true, store: true } };
    expect(restartOnlyChanges(compiled({ port: 1 }), compiled({ port: 2, host: '::' }, 'sqlite:./b.db'), overridden)).toEqual([]);
  });
});

describe('reload of a running router', () => {
  let r: TestRouter | undefined;
  afterEach(async () => {
    await r?.close();
    r = undefined;
  });

  async function readyz(router: TestRouter): Promise<Record<string, unknown>> {
    return (await (await fetch(`${router.url}/readyz`)).json()) as Record<string, unknown>;
  }

  it('warns naming each changed setting that needs a restart, and applies the rest', async () => {
    r = await startTestRouter(config('port: 8787, bodyLimit: 1mb'));
    writeFileSync(r.file, config('port: 9999, host: 0.0.0.0, bodyLimit: 2mb, trustProxy: true', 'sqlite:./other.db'));
    expect(r.router.reload('test')).toBe(true);
    const warning = r.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('changed settings need a restart'));
    expect(warning?.settings).toEqual(['server.host', 'store', 'server.trustProxy']);
    expect(warning?.level).toBe(40);
    // The port was given as a flag (0): a change in the file is moot and not reported.
    expect(r.router.runtime.config().server.bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect((await readyz(r)).last_reload).toMatchObject({
      result: 'applied',
      reason: 'test',
      needsRestart: ['server.host', 'store', 'server.trustProxy'],
    });
    // Still listening where it started, on the store it opened.
    expect(r.router.host).toBe('127.0.0.1');
    expect(r.router.runtime.store.kind).toBe('sqlite');
  });

  it('names a changed --env-file as environment (its variables are read at start only)', async () => {
    const envDir = mkdtempSync(path.join(tmpdir(), 'hookgate-envfile-'));
    const envFile = path.join(envDir, '.env');
    writeFileSync(envFile, 'A=1\n');
    try {
      r = await startTestRouter(config('bodyLimit: 1mb'), { envFile });
      r.router.reload('SIGHUP');
      expect(r.logs().some((l) => typeof l.msg === 'string' && l.msg.startsWith('changed settings'))).toBe(false);
      writeFileSync(envFile, 'A=2\n');
      r.router.reload('SIGHUP');
      const warning = r.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('changed settings need a restart'));
      expect(warning?.settings).toEqual([`environment (${envFile})`]);
    } finally {
      rmSync(envDir, { recursive: true, force: true });
    }
  });

  it('shows a refused reload in /readyz and the metrics, and keeps serving the previous config', async () => {
    r = await startTestRouter(config('bodyLimit: 1mb'));
    const before = r.router.runtime.config().sha256;
    writeFileSync(r.file, 'version: 1\nproviders: {\n');
    expect(r.router.reload('SIGHUP')).toBe(false);
    const ready = await fetch(`${r.url}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as Record<string, unknown>;
    expect(body.config_sha256).toBe(before);
    expect(body.last_reload).toMatchObject({
      result: 'refused',
      reason: 'SIGHUP',
      errors: [expect.stringMatching(/routes\.yaml:\d+:\d+ error/)],
    });
    const metrics = parseExposition(await (await fetch(`${r.url}/metrics`)).text());
    expect(metrics.value('hookgate_config_last_reload_successful', {})).toBe(0);
    expect(metrics.value('hookgate_config_reloads_total', { result: 'refused' })).toBe(1);

    writeFileSync(r.file, config('bodyLimit: 2mb'));
    expect(r.router.reload('SIGHUP')).toBe(true);
    expect(((await readyz(r)).last_reload as Record<string, unknown>).result).toBe('applied');
    expect(parseExposition(await (await fetch(`${r.url}/metrics`)).text()).value('hookgate_config_last_reload_successful', {})).toBe(1);
  });
});
