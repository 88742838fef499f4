/**
 * The real `hookgate` binary in child processes: exit codes, --version, --env-file, a listing
 * whose reader leaves early, and `test`/`validate`/`migrate` as a user or CI runs them (the same
 * commands' logic is tested in process beside the code).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.ts';
import { pendingDelivery } from '../support/admin-fixtures.ts';
import { BIN, REPO_ROOT } from '../support/router-process.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'hookgate-cli-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The environment of a CI job: no webhook secrets, no routine URLs or tokens, no config path. */
function ciEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/SECRET|TOKEN|ROUTINE_URL|HOOKGATE_/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** Run bin/hookgate.js as a program (its #! line), as npx and a shell do, not as `node bin/hookgate.js`. */
  readonly direct?: boolean;
  /** Close our end of stdout at once, as `| head` does once it has read enough. */
  readonly closeStdout?: boolean;
}

function hookgate(args: string[], options: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const [command, argv] = options.direct ? [BIN, args] : [process.execPath, [BIN, ...args]];
    const child = spawn(command, argv, { cwd: options.cwd ?? REPO_ROOT, env: ciEnv(options.env) });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hookgate (the binary)', () => {
  it('prints the package version for --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const ran = await hookgate([flag]);
      expect(ran).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('exits 2 naming the file when --env-file does not exist (not Node’s own exit 9)', async () => {
    const missing = path.join(tmp, 'no-such.env');
    const ran = await hookgate(['validate', '--env-file', missing, '-c', 'routes.yaml'], { direct: true });
    expect(ran.stderr).toBe(`hookgate: --env-file ${missing}: no such file\n`);
    expect(ran.code).toBe(2);
    const folder = await hookgate(['--env-file', tmp, 'validate', '-c', 'routes.yaml'], { direct: true });
    expect(folder.stderr).toBe(`hookgate: --env-file ${tmp}: is a folder, not a file\n`);
    expect(folder.code).toBe(2);
  });

  it('loads --env-file before the command runs', async () => {
    const env = path.join(tmp, 'stripe.env');
    writeFileSync(env, 'STRIPE_WEBHOOK_SECRET=whsec_from_file\n');
    const config = path.join(tmp, 'needs-secret.yaml');
    writeFileSync(
      config,
      'version: 1\nproviders:\n  stripe:\n    verify: { type: stripe, secret: "${STRIPE_WEBHOOK_SECRET}" }\ntargets:\n  t: { url: "https://t.example/" }\nroutes:\n  - { name: r, from: stripe, to: t }\n',
    );
    const without = await hookgate(['validate', '--strict-env', '-c', config], { direct: true });
    expect(without.code).toBe(1);
    const withFile = await hookgate(['validate', '--strict-env', '--env-file', env, '-c', config], { direct: true });
    expect(withFile.stdout).toContain('0 errors, 0 warnings');
    expect(withFile.code).toBe(0);
  });

  it('ends quietly with exit 0 when the reader of a listing closes the pipe first (deliveries --json | head)', async () => {
    const dir = path.join(tmp, 'epipe');
    mkdirSync(dir);
    const url = `sqlite:${path.join(dir, 'hookgate.db')}`;
    const store = await openStore(url);
    for (let i = 0; i < 20; i++) await pendingDelivery(store);
    await store.close();
    for (const args of [['deliveries', '--json'], ['deliveries']]) {
      const ran = await hookgate([...args, '--store', url], { closeStdout: true });
      expect(ran.stderr).toBe('');
      expect(ran.code).toBe(0);
    }
  });
});

describe('hookgate test', () => {
  it('passes the shipped config tests with no secret in the environment', async () => {
    const { code, stdout, stderr } = await hookgate(['test', '-c', 'routes.yaml']);
    expect(stderr).toBe('');
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(10);
    expect(summary![2]).toBe('0');
    expect(stdout).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('prints one JSON object with --json, and exits 1 when a case fails', async () => {
    const file = path.join(tmp, 'wrong.test.yaml');
    writeFileSync(
      file,
      `tests:
  - name: the plan is wrong on purpose
    provider: stripe
    payload: ${JSON.stringify(path.join(REPO_ROOT, 'samples/stripe/customer.subscription.created.json'))}
    expect: { deliveries: [{ route: stripe-onboarding-draft, target: onboarding-routine, body: { plan: Pro Yearly } }] }
`,
    );
    const { code, stdout } = await hookgate(['test', '--json', '-c', 'routes.yaml', file]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!) as { passed: number; failed: number; files: { cases: { passed: boolean }[] }[] };
    expect(report).toMatchObject({
      passed: 0,
      failed: 1,
      files: [{ file, cases: [{ name: 'the plan is wrong on purpose', passed: false }] }],
    });
    expect(code).toBe(1);
  });
});

describe('hookgate validate', () => {
  const dir = path.join(tmp, 'validate');
  mkdirSync(dir, { recursive: true });
  const clean = [
    'version: 1',
    'providers:',
    '  stripe:',
    '    verify: { type: stripe, secret: "${STRIPE_SECRET}" }',
    'targets:',
    '  crm: { url: "https://crm.example/hooks" }',
    'routes:',
    '  - { name: r, from: stripe, to: crm }',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'clean.yaml'), clean);
  writeFileSync(path.join(dir, 'broken.yaml'), clean.replace('to: crm', 'to: crn').replace('type: stripe', 'type: stripee'));

  it('exits 0 for a clean file, 1 for errors, 2 for a bad --format', async () => {
    expect((await hookgate(['validate', 'clean.yaml'], { cwd: dir, env: { STRIPE_SECRET: 's' } })).code).toBe(0);
    const broken = await hookgate(['validate', 'broken.yaml', '--format', 'github'], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^::error file=broken\.yaml,line=4,col=21,title=schema::/m);
    expect((await hookgate(['validate', 'clean.yaml', '--format', 'xml'], { cwd: dir })).code).toBe(2);
  });
});

describe('hookgate migrate', () => {
  it('is a registered command: exit 0 on success, 2 on a usage error', async () => {
    const ok = await hookgate(['migrate', '--store', `sqlite:${path.join(tmp, 'migrate.db')}`]);
    expect(ok.stdout).toContain('migrations applied');
    expect(ok.code).toBe(0);
    expect((await hookgate(['migrate', '--no-such-flag'])).code).toBe(2);
  });
});
