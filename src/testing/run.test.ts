import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunReport, runConfigTests } from './run.ts';

const root = mkdtempSync(path.join(tmpdir(), 'hookgate-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

// A config with no secret in the environment at all: the runner supplies throwaway ones.
const CONFIG = `
version: 1
providers:
  billing:
    verify:
      type: hmac
      header: x-signature
      prefix: "sha256="
      secrets: ["\${BILLING_SECRET}", "\${BILLING_SECRET_OLD:-}"]
    event: kind
    id: $headers."x-request-id"
  hooks:
    verify: { type: basic, username: ci, secret: "\${HOOKS_PASSWORD}" }
targets:
  ledger:
    url: https://ledger.example/hooks
    auth: { bearer: "\${LEDGER_TOKEN}" }
    headers: { x-team: growth }
  audit:
    url: https://audit.example/in
  notes:
    routine: { url: "\${NOTES_URL}", token: "\${NOTES_TOKEN}" }
routes:
  - name: invoices
    from: billing
    events: [invoice]
    map: '{ "amount": amount, "currency": $uppercase(currency), "who": $provider }'
    to: [ledger, audit]
  - name: broken
    from: billing
    events: [invoice]
    filter: amount > 100
    map: 'amount + "x"'
    to: notes
  - name: anything
    from: hooks
    to: audit
`;

async function run(tests: Record<string, string>): Promise<RunReport> {
  const dir = mkdtempSync(path.join(root, 'case-'));
  writeFileSync(path.join(dir, 'routes.yaml'), CONFIG);
  for (const [name, text] of Object.entries(tests)) {
    mkdirSync(path.dirname(path.join(dir, 'tests', name)), { recursive: true });
    writeFileSync(path.join(dir, 'tests', name), text);
  }
  return runConfigTests({ config: path.join(dir, 'routes.yaml'), paths: [], env: {} });
}

function failures(report: RunReport): string[] {
  return report.files.flatMap((f) => f.cases.flatMap((c) => c.failures.map((x) => `${c.name}: ${x.message}`)));
}

describe('runConfigTests', () => {
  it('runs cases through the pipeline: fan-out, provider id expression, map errors, target headers', async () => {
    const report = await run({
      'billing.test.yaml': `
tests:
  - name: a big invoice fans out and breaks one route
    provider: billing
    headers: { x-request-id: req-1 }
    body: { kind: invoice, amount: 250, currency: eur }
    expect:
      status: 202
      deliveries:
        - route: invoices
          target: audit
          bodyEquals: { amount: 250, currency: EUR, who: billing }
        - route: invoices
          target: ledger
          body: { currency: EUR }
          headers: { X-Team: growth, content-type: application/json }
        - route: broken
          target: notes
          error: 'map failed: T2002'
  - name: the same request id again is a duplicate
    provider: billing
    headers: { x-request-id: req-1 }
    body: { kind: invoice, amount: 1, currency: usd }
    repeat: 2
    expect: { status: duplicate }
  - name: other kinds are ignored, with the reasons
    provider: billing
    headers: { x-request-id: req-2 }
    body: { kind: refund }
    expect:
      status: ignored
      ignored:
        - { route: invoices, reason: not in events }
        - { route: broken }
  - name: basic auth is signed with the throwaway password
    provider: hooks
    body: { type: ping }
    expect: { status: accepted, deliveries: [{ route: anything, target: audit, bodyEquals: { type: ping } }] }
  - name: and refused with another one
    provider: hooks
    body: { type: ping }
    signature: invalid
    expect: { status: 400 }
  - name: an unknown provider answers 404
    provider: gitlab
    body: {}
    expect: { status: 404 }
`,
    });
    expect(report.configOk).toBe(true);
    expect(failures(report)).toEqual([]);
    expect({ passed: report.passed, failed: report.failed }).toEqual({ passed: 6, failed: 0 });
  });

  it('gives each case its own empty store: a second case with the same request is accepted, not a duplicate', async () => {
    const report = await run({
      'same.test.yaml': `
tests:
  - { name: first, provider: billing, headers: { x-request-id: r-1 }, body: { kind: invoice, amount: 5, currency: eur }, expect: { status: accepted } }
  - { name: second, provider: billing, headers: { x-request-id: r-1 }, body: { kind: invoice, amount: 5, currency: eur }, expect: { status: accepted } }
`,
    });
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(2);
  });

  it('sends a case repeat times into its store and checks the last answer', async () => {
    const body = '{ kind: invoice, amount: 5, currency: eur }';
    const report = await run({
      'repeat.test.yaml': `
tests:
  - { name: retried, provider: billing, headers: { x-request-id: r-1 }, body: ${body}, repeat: 2, expect: { status: duplicate } }
  - { name: once, provider: billing, headers: { x-request-id: r-1 }, body: ${body}, repeat: 1, expect: { status: accepted } }
  - { name: thrice, provider: billing, headers: { x-request-id: r-1 }, body: ${body}, repeat: 3, expect: { status: accepted } }
`,
    });
    expect(report.files[0]!.cases.map((c) => [c.name, c.passed])).toEqual([
      ['retried', true],
      ['once', true],
      ['thrice', false],
    ]);
    expect(report.files[0]!.cases[2]!.failures[0]!.message).toBe('status: expected accepted, got duplicate (200)');
  });

  it("keeps each route's reason on an ignored case's outcome", async () => {
    const report = await run({
      'ignored.test.yaml': `
tests:
  - { name: refund, provider: billing, headers: { x-request-id: r-9 }, body: { kind: refund }, expect: { status: ignored } }
`,
    });
    const result = report.files[0]!.cases[0]!;
    expect(result.passed).toBe(true);
    expect(result.outcome).toEqual({
      kind: 'ignored',
      httpStatus: 200,
      ignored: [
        { route: 'invoices', reason: expect.stringContaining('refund') },
        { route: 'broken', reason: expect.stringContaining('refund') },
      ],
    });
  });

  it('gives each test file its own store', async () => {
    const text = `
tests:
  - { name: first, provider: hooks, body: { n: 1 }, expect: { status: accepted } }
`;
    const report = await run({ 'a.test.yaml': text, 'b.test.yaml': text });
    expect(failures(report)).toEqual([]);
    expect(report.passed).toBe(2);
  });

  it('fails a wrong expectation with the path of the difference', async () => {
    const report = await run({
      'wrong.test.yaml': `
tests:
  - name: wrong currency
    provider: billing
    headers: { x-request-id: r }
    body: { kind: invoice, amount: 5, currency: eur }
    expect:
      deliveries:
        - { route: invoices, target: ledger, body: { currency: eur } }
        - { route: invoices, target: audit }
`,
    });
    expect(report.failed).toBe(1);
    const failure = report.files[0]!.cases[0]!.failures[0]!;
    expect(failure).toMatchObject({ path: 'body.currency', expected: 'eur', actual: 'EUR' });
  });

  it('reports a malformed test file and a missing named path as failures', async () => {
    const report = await run({
      'bad.test.yaml': 'tests:\n  - name: x\n    provider: hooks\n    body: {}\n    expect: { status: maybe }\n',
    });
    expect(report.failed).toBe(1);
    expect(report.files[0]!.problems).toEqual([
      {
        line: 5,
        col: 23,
        message: 'tests[0] ("x").expect.status: must be accepted, ignored, duplicate or an HTTP status number (e.g. 400)',
      },
    ]);
    const config = write('named/routes.yaml', CONFIG);
    const named = await runConfigTests({ config, paths: [path.join(root, 'named/nowhere')], env: {} });
    expect(named.configOk).toBe(true);
    expect({ passed: named.passed, failed: named.failed }).toEqual({ passed: 0, failed: 1 });
    expect(named.files[0]!.problems[0]!.message).toBe('no such file or folder');
  });

  it('refuses an invalid config with its diagnostics and runs nothing', async () => {
    const config = write(
      'broken/routes.yaml',
      'version: 1\nproviders: {}\ntargets: {}\nroutes:\n  - { name: r, from: nobody, to: nowhere }\n',
    );
    write('broken/tests/a.test.yaml', 'tests: []\n');
    const report = await runConfigTests({ config, paths: [], env: {} });
    expect(report.configOk).toBe(false);
    expect(report.files).toEqual([]);
    expect(report.diagnostics.some((d) => d.severity === 'error' && d.line === 5)).toBe(true);
  });
});
