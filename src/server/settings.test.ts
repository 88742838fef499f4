/** Start-up settings: flag over environment over file over default, and the admin token rules. */
import { describe, expect, it } from 'vitest';
import { compileConfig } from '../pipeline/compile.ts';
import { resolveSettings, type StartSettings } from './settings.ts';

function config(server: Record<string, unknown> = {}, store?: string) {
  return compileConfig(
    {
      version: 1,
      server,
      ...(store ? { store } : {}),
      providers: { p: { verify: { type: 'none' } } },
      targets: { t: { url: 'http://127.0.0.1:9/' } },
      routes: [{ name: 'r', from: 'p', to: 't' }],
    },
    { path: '/etc/hookgate/routes.yaml', dir: '/etc/hookgate', sha256: '0'.repeat(64) },
  );
}

function settings(...args: Parameters<typeof resolveSettings>): StartSettings {
  const result = resolveSettings(...args);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

describe('resolveSettings', () => {
  it('defaults to 127.0.0.1:8787 and the default store beside the config', () => {
    const s = settings({}, {}, config(), '/work');
    expect([s.host, s.port, s.storeUrl]).toEqual(['127.0.0.1', 8787, 'sqlite:/etc/hookgate/data/hookgate.db']);
    expect(s.overridden).toEqual({ host: false, port: false, store: false });
  });

  it.each<[string, Parameters<typeof resolveSettings>[0], Record<string, string>, string, number]>([
    ['the file', {}, {}, '10.0.0.1', 9000],
    ['the environment over the file', {}, { HOOKGATE_HOST: '0.0.0.0', PORT: '9100' }, '0.0.0.0', 9100],
    ['flags over the environment', { host: '::1', port: 9200 }, { HOOKGATE_HOST: '0.0.0.0', PORT: '9100' }, '::1', 9200],
    ['an empty variable counts as unset', {}, { HOOKGATE_HOST: ' ', PORT: '' }, '10.0.0.1', 9000],
  ])('takes host and port from %s', (_name, flags, env, host, port) => {
    const s = settings(flags, env, config({ host: '10.0.0.1', port: 9000 }), '/work');
    expect([s.host, s.port]).toEqual([host, port]);
  });

  it('resolves a relative --store or HOOKGATE_STORE against the working directory, and marks it overridden', () => {
    expect(settings({ store: 'sqlite:./x.db' }, {}, config(), '/work').storeUrl).toBe('sqlite:/work/x.db');
    const fromEnv = settings({}, { HOOKGATE_STORE: 'sqlite:./y.db' }, config(), '/work');
    expect(fromEnv.storeUrl).toBe('sqlite:/work/y.db');
    expect(fromEnv.overridden.store).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT "eighty" is not a port (0-65535)'],
    [{ PORT: '70000' }, 'PORT "70000" is not a port (0-65535)'],
    [{ HOOKGATE_LEASE: '10ms' }, 'HOOKGATE_LEASE "10ms" is not a duration of at least 1s (e.g. 30s, 2m)'],
  ])('names a bad setting: %j', (env, message) => {
    expect(resolveSettings({}, env, config(), '/work')).toBe(message);
  });

  it('has no admin API without a token, outside demo mode', () => {
    const s = settings({}, {}, config(), '/work');
    expect([s.adminToken, s.adminTokenGenerated, s.demo]).toEqual([null, false, false]);
  });

  it('uses HOOKGATE_ADMIN_TOKEN as given, in demo mode too', () => {
    const s = settings({}, { HOOKGATE_ADMIN_TOKEN: 'mine', HOOKGATE_DEMO: '1' }, config(), '/work');
    expect([s.adminToken, s.adminTokenGenerated, s.demo]).toEqual(['mine', false, true]);
  });

  it('makes up a fresh random admin token in demo mode without one', () => {
    const a = settings({ demo: true }, {}, config(), '/work');
    const b = settings({}, { HOOKGATE_DEMO: 'true' }, config(), '/work');
    expect(a.adminTokenGenerated && b.adminTokenGenerated).toBe(true);
    expect(a.adminToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.adminToken).not.toBe(b.adminToken);
  });

  it('is not in demo mode for HOOKGATE_DEMO=0', () => {
    expect(settings({}, { HOOKGATE_DEMO: '0' }, config(), '/work').demo).toBe(false);
  });
});
