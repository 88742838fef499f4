/**
 * A `requests:` sequence spans hours of simulated time: every verifier judges a request's signed
 * time against the sequence's clock, so schemes with a fixed tolerance (Standard Webhooks and its
 * presets) verify a request sent a day into the sequence as `serve` would at that moment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfigTests } from './run.ts';

const root = mkdtempSync(path.join(tmpdir(), 'hookgate-seq-clock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = `
version: 1
providers:
  svix: { verify: { type: standard-webhooks, secret: "\${SVIX_SECRET}" } }
  resend: { verify: { type: resend, secret: "\${RESEND_SECRET}" } }
targets:
  sink: { url: "https://sink.example/in" }
routes:
  - { name: from-svix, from: svix, map: '{"id": id}', to: sink }
  - { name: from-resend, from: resend, map: '{"id": data.email_id}', to: sink }
`;

describe('requests: sequences and signed times', () => {
  it('standard-webhooks and resend requests an hour and a day into a sequence verify and fire', async () => {
    const dir = mkdtempSync(path.join(root, 'case-'));
    writeFileSync(path.join(dir, 'routes.yaml'), CONFIG);
    writeFileSync(
      path.join(dir, 'clock.test.yaml'),
      `tests:
  - name: a day of events
    requests:
      - { provider: svix, body: { id: a, type: user.created } }
      - { provider: svix, body: { id: b, type: user.created }, after: 1h }
      - { provider: resend, body: { type: email.sent, data: { email_id: c } }, after: 1d }
    expect:
      deliveries:
        - { route: from-svix, target: sink, body: { id: a } }
        - { route: from-svix, target: sink, body: { id: b } }
        - { route: from-resend, target: sink, body: { id: c } }
`,
    );
    const report = await runConfigTests({ config: path.join(dir, 'routes.yaml'), paths: [path.join(dir, 'clock.test.yaml')], env: {} });
    const failures = report.files.flatMap((f) => [
      ...f.problems.map((p) => p.message),
      ...f.cases.flatMap((c) => c.failures.map((x) => x.message)),
    ]);
    expect(failures).toEqual([]);
    expect(report.passed).toBe(1);
  });
});
