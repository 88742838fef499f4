/**
 * `hookgate test` end to end: the real CLI in a child process against the shipped routes.yaml and
 * tests/, with no secret in the environment (as in CI), and a deliberately wrong expectation.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runTestCommand } from './test.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hookgate-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The environment of a CI job: no webhook secrets, no routine URLs or tokens. */
function ciEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/SECRET|TOKEN|ROUTINE_URL|HOOKGATE_CONFIG/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

function hookgate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repo, 'bin/hookgate.js'), ...args], { cwd: repo, env: ciEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const WRONG = `
tests:
  - name: the plan is wrong on purpose
    provider: stripe
    payload: ${JSON.stringify(path.join(repo, 'samples/stripe/customer.subscription.created.json'))}
    expect:
      status: accepted
      deliveries:
        - route: stripe-onboarding-draft
          target: onboarding-routine
          body: { plan: Pro Yearly }
`;

describe('hookgate test (CLI)', () => {
  it('passes the shipped config tests', async () => {
    const { code, stdout, stderr } = await hookgate(['test', '-c', 'routes.yaml']);
    expect(stderr).toBe('');
    const summary = /^(\d+) passed, (\d+) failed$/m.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(10);
    expect(summary![2]).toBe('0');
    expect(stdout).toContain('✓ a new active subscription drafts an onboarding message (tests/stripe-onboarding.test.yaml)');
    expect(stdout).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('fails a wrong expectation with a diff and exit 1', async () => {
    const file = path.join(tmp, 'wrong.test.yaml');
    writeFileSync(file, WRONG);
    const { code, stdout } = await hookgate(['test', '-c', 'routes.yaml', file]);
    expect(stdout).toContain('✗ the plan is wrong on purpose');
    expect(stdout).toContain('deliveries[0] (stripe-onboarding-draft → onboarding-routine): differs at body.plan');
    expect(stdout).toContain('expected: "Pro Yearly"');
    expect(stdout).toContain('actual:   "Pro Monthly"');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(code).toBe(1);
  });
});

describe('runTestCommand', () => {
  it('prints the diagnostics of an invalid config and exits 1', async () => {
    const config = path.join(tmp, 'bad-routes.yaml');
    writeFileSync(config, 'version: 2\nproviders: {}\ntargets: {}\nroutes: []\n');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runTestCommand([], { config }, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.some((l) => /bad-routes\.yaml:1:\d+ error /.test(l))).toBe(true);
    expect(err.at(-1)).toMatch(/invalid config, no test ran$/);
  });

  it('uses $HOOKGATE_CONFIG when -c is not given, and says when there are no test files', async () => {
    const config = path.join(tmp, 'empty', 'routes.yaml');
    mkdirSync(path.dirname(config), { recursive: true });
    writeFileSync(config, 'version: 1\nproviders: {}\ntargets: {}\nroutes: []\n');
    const out: string[] = [];
    const code = await runTestCommand([], {}, { out: (l) => out.push(l), err: () => {}, env: { HOOKGATE_CONFIG: config } });
    expect(out).toEqual([`no test files (*.test.yaml) under ${path.join(path.dirname(config), 'tests')}`, '0 passed, 0 failed']);
    expect(code).toBe(0);
  });
});
