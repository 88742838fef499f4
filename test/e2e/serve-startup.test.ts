/** serve refuses to start while a referenced variable is missing, naming each one, never a value. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT } from '../support/router-process.ts';

describe('hookgate serve start-up', () => {
  it('exits 1 and names every missing variable of the example config, without printing any value', () => {
    const present = 'sk-ant-oat01-a-value-that-must-not-be-printed';
    const result = spawnSync(process.execPath, [BIN, 'serve', '-c', path.join(REPO_ROOT, 'routes.yaml'), '--port', '0'], {
      env: { PATH: process.env.PATH ?? '', ONBOARDING_ROUTINE_TOKEN: present },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const output = result.stdout + result.stderr;
    for (const name of [
      'STRIPE_WEBHOOK_SECRET',
      'GITHUB_WEBHOOK_SECRET',
      'SENTRY_CLIENT_SECRET',
      'ONBOARDING_ROUTINE_URL',
      'REVIEW_ROUTINE_URL',
      'REVIEW_ROUTINE_TOKEN',
      'TRIAGE_ROUTINE_URL',
      'TRIAGE_ROUTINE_TOKEN',
    ]) {
      expect(result.stderr).toContain(name);
    }
    expect(result.stderr).toMatch(/routes\.yaml:\d+:\d+ error env-missing/);
    expect(result.stderr).not.toMatch(/set [^\n]*ONBOARDING_ROUTINE_TOKEN/); // it is set
    expect(output).not.toContain(present);
  });

  it('starts on the example config with the demo values of .env.example, in demo mode that says so', async () => {
    const { startRouter } = await import('../support/router-process.ts');
    const router = await startRouter(
      ['-c', path.join(REPO_ROOT, 'routes.yaml'), '--env-file', path.join(REPO_ROOT, '.env.example'), '--store', 'sqlite::memory:'],
      {},
    );
    try {
      const ready = await fetch(`${router.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', store: 'sqlite' });
      expect(router.logs.find((l) => l.msg === 'listening')).toMatchObject({ host: '127.0.0.1', demo: true, admin: true });
      // Printed right after the listening line: wait for it rather than assume it arrived.
      const deadline = Date.now() + 10_000;
      while (!/admin API token/.test(router.stderr.join('')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const stderr = router.stderr.join('');
      expect(stderr).toMatch(/demo mode/);
      // The admin token is made up for this run, printed once on the terminal, never logged.
      const token = /admin API token for this run[^:]*: (\S+)/.exec(stderr)?.[1];
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(stderr.split(token!).length - 1).toBe(1);
      expect(JSON.stringify(router.logs)).not.toContain(token!);
      expect((await fetch(`${router.url}/admin/events`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${router.url}/admin/events`, { headers: { authorization: 'Bearer demo-only-admin-token' } })).status).toBe(401);
    } finally {
      expect(await router.stop()).toBe(0);
    }
  });

  it('outside demo mode has no admin API without a token and no demo target, and listens on 127.0.0.1', async () => {
    const { startRouter } = await import('../support/router-process.ts');
    const router = await startRouter(
      ['-c', path.join(REPO_ROOT, 'routes.yaml'), '--env-file', path.join(REPO_ROOT, '.env.example'), '--store', 'sqlite::memory:'],
      { HOOKGATE_DEMO: '0' },
    );
    try {
      expect(router.logs.find((l) => l.msg === 'listening')).toMatchObject({ host: '127.0.0.1', demo: false, admin: false });
      expect((await fetch(`${router.url}/admin/events`)).status).toBe(404);
      expect((await fetch(`${router.url}/_demo/routines/trig_1/fire`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      expect(await router.stop()).toBe(0);
    }
    expect(router.stderr.join('')).not.toMatch(/demo mode|admin API token/);
  });
});
