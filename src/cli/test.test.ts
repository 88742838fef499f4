/**
 * `hookgate test` in process, against the shipped routes.yaml and tests/ with no secret in the
 * environment (as in CI), a deliberately wrong expectation, and an ignored case. The binary itself
 * is run in test/e2e/cli.test.ts.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runTestCommand } from './test.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'hookgate-cli-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The environment of a CI job: no webhook secrets, no routine URLs or tokens. */
function ciEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/SECRET|TOKEN|ROUTINE_URL|HOOKGATE_CONFIG/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

async function hookgateTest(args: string[], json = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTestCommand(
    args,
    { config: 'routes.yaml', ...(json ? { json } : {}) },
    {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      cwd: repo,
      env: ciEnv(),
    },
  );
  return { code, stdout: out.map((line) => `${line}\n`).join(''), stderr: err.join('\n') };
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

const IGNORED = `
tests:
  - name: a refund goes nowhere
    provider: stripe
    body: { id: evt_refund, type: charge.refunded, data: { object: {} } }
    expect: { status: ignored }
  - name: a refund was expected to fire
    provider: stripe
    body: { id: evt_refund, type: charge.refunded, data: { object: {} } }
    expect: { status: accepted }
`;

describe('hookgate test (shipped config)', () => {
  it('passes the shipped config tests', async () => {
    const { code, stdout, stderr } = await hookgateTest([]);
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
    const { code, stdout } = await hookgateTest([file]);
    expect(stdout).toContain('✗ the plan is wrong on purpose');
    expect(stdout).toContain('deliveries[0] (stripe-onboarding-draft → onboarding-routine): differs at body.plan');
    expect(stdout).toContain('expected: "Pro Yearly"');
    expect(stdout).toContain('actual:   "Pro Monthly"');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
    expect(code).toBe(1);
  });

  it('says why each route ignored a case, whether the case passes or fails', async () => {
    const file = path.join(tmp, 'ignored.test.yaml');
    writeFileSync(file, IGNORED);
    const { code, stdout } = await hookgateTest([file]);
    const [passed, failed] = stdout.split(/^(?=[✓✗] )/m);
    expect(passed).toMatch(/^✓ a refund goes nowhere /);
    expect(passed).toContain('    ignored by stripe-onboarding-draft: event type "charge.refunded" is not in events');
    expect(failed).toMatch(/^✗ a refund was expected to fire /);
    expect(failed).toContain('    status: expected accepted, got ignored (200)');
    expect(failed).toContain('    ignored by stripe-onboarding-draft: event type "charge.refunded" is not in events');
    expect(code).toBe(1);
  });

  it('prints the whole run as one JSON object with --json, reasons included', async () => {
    const file = path.join(tmp, 'ignored-json.test.yaml');
    writeFileSync(file, IGNORED);
    const { code, stdout } = await hookgateTest([file], true);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      configOk: true,
      passed: 1,
      failed: 1,
      files: [
        {
          file,
          problems: [],
          cases: [
            {
              name: 'a refund goes nowhere',
              passed: true,
              status: 'ignored',
              httpStatus: 200,
              ignored: expect.arrayContaining([
                { route: 'stripe-onboarding-draft', reason: 'event type "charge.refunded" is not in events' },
              ]),
            },
            {
              name: 'a refund was expected to fire',
              passed: false,
              failures: [{ message: 'status: expected accepted, got ignored (200)' }],
            },
          ],
        },
      ],
    });
    expect(code).toBe(1);
  });
});

describe('hookgate test --junit', () => {
  it('writes one testsuite per file and one testcase per case, failures with the reasons', async () => {
    const file = path.join(tmp, 'ignored-junit.test.yaml');
    writeFileSync(file, IGNORED);
    const xmlFile = path.join(tmp, 'results.xml');
    const code = await runTestCommand(
      [file],
      { config: 'routes.yaml', junit: xmlFile },
      { out: () => {}, err: () => {}, cwd: repo, env: ciEnv() },
    );
    expect(code).toBe(1);
    const xml = readFileSync(xmlFile, 'utf8');
    // Outside the working directory, a file is named by its absolute path.
    const suite = file;
    expect(xml).toContain('<testsuites name="hookgate test" tests="2" failures="1">');
    expect(xml).toContain(`<testsuite name="${suite}" tests="2" failures="1">`);
    expect(xml).toContain(`<testcase classname="${suite}" name="a refund goes nowhere"/>`);
    expect(xml).toContain(
      `<testcase classname="${suite}" name="a refund was expected to fire">\n      <failure message="status: expected accepted, got ignored (200)">status: expected accepted, got ignored (200)\nexpected: "accepted"\nactual:   "ignored"\nignored by stripe-onboarding-draft: event type "charge.refunded" is not in events`,
    );
  });

  it('escapes what XML would misread', async () => {
    const file = path.join(tmp, 'escape.test.yaml');
    writeFileSync(file, 'tests:\n  - { name: "a <b> & \\"c\\"", provider: nobody, body: {}, expect: { status: accepted } }\n');
    const xmlFile = path.join(tmp, 'escape.xml');
    await runTestCommand([file], { config: 'routes.yaml', junit: xmlFile }, { out: () => {}, err: () => {}, cwd: repo, env: ciEnv() });
    expect(readFileSync(xmlFile, 'utf8')).toContain('name="a &lt;b&gt; &amp; &quot;c&quot;"');
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
