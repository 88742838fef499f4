/** `requests:` cases: sequences on a simulated clock, with grouping and cooldown, no real waiting. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTestFile } from './parse-test-file.ts';
import { type RunReport, runConfigTests } from './run.ts';

const root = mkdtempSync(path.join(tmpdir(), 'hookgate-seq-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CONFIG = `
version: 1
providers:
  mon:
    verify: { type: hmac, header: x-signature, secret: "\${MON_SECRET}" }
    event: kind
    id: $headers."x-request-id"
targets:
  triage:
    routine: { url: "https://api.example/fire", token: "\${TOKEN}" }
  pager:
    url: https://pager.example/in
routes:
  - name: storms
    from: mon
    events: [alert]
    group: { by: monitor, wait: 30s, maxWait: 2m, max: 3 }
    cooldown: 10m
    map: '"monitor " & $group.key & ": " & $string($group.count) & " events (" & $join($group.events.id, ",") & ")"'
    to: triage
  - name: pages
    from: mon
    events: [page]
    cooldown: { by: who, for: 5m }
    map: '{"who": who}'
    to: pager
`;

async function run(test: string): Promise<RunReport> {
  const dir = mkdtempSync(path.join(root, 'case-'));
  writeFileSync(path.join(dir, 'routes.yaml'), CONFIG);
  writeFileSync(path.join(dir, 'seq.test.yaml'), test);
  return runConfigTests({ config: path.join(dir, 'routes.yaml'), paths: [path.join(dir, 'seq.test.yaml')], env: {} });
}

function alert(id: string, monitor: string, after?: string): string {
  return `      - { body: { kind: alert, monitor: ${monitor} }, headers: { x-request-id: ${id} }${after ? `, after: ${after}` : ''} }\n`;
}

function failuresOf(report: RunReport): string[] {
  return report.files.flatMap((f) => [...f.problems.map((p) => p.message), ...f.cases.flatMap((c) => c.failures.map((x) => x.message))]);
}

describe('requests: sequences', () => {
  it('groups a storm per key and fires when each group goes quiet, on the simulated clock', async () => {
    const report = await run(`tests:
  - name: two monitors
    provider: mon
    requests:
${alert('a1', 'db')}${alert('b1', 'web', '5s')}${alert('a2', 'db', '20s')}${alert('a3', 'db', '1h')}
    expect:
      deliveries:
        - { route: storms, target: triage, bodyEquals: "monitor db: 2 events (a1,a2)" }
        - { route: storms, target: triage, bodyEquals: "monitor web: 1 events (b1)" }
        - { route: storms, target: triage, body: "~/^monitor db: 1 events \\\\(a3\\\\)$/" }
        - { route: storms, target: triage, headers: { idempotency-key: "~/^hg_/" } }
`);
    // The fourth expected delivery has no fire left to match: the list is complete, not a subset.
    expect(failuresOf(report)).toEqual([expect.stringMatching(/^deliveries\[3\] \(storms → triage\): no such delivery/)]);
  });

  it('passes when the expected fires are exactly the ones the sequence causes', async () => {
    const report = await run(`tests:
  - name: max fires at once; cooldown holds the next group back
    provider: mon
    requests:
${alert('a1', 'db')}${alert('a2', 'db', '1s')}${alert('a3', 'db', '1s')}${alert('a4', 'db', '1s')}${alert('a5', 'db', '11m')}
    expect:
      deliveries:
        - { route: storms, target: triage, bodyEquals: "monitor db: 3 events (a1,a2,a3)" }
        - { route: storms, target: triage, bodyEquals: "monitor db: 1 events (a5)" }
`);
    expect(failuresOf(report)).toEqual([]);
    expect(report.passed).toBe(1);
  });

  it('an ungrouped route with a cooldown fires at ingest, and a request can expect its own answer', async () => {
    const report = await run(`tests:
  - name: pages
    provider: mon
    requests:
      - { body: { kind: page, who: ann }, headers: { x-request-id: p1 }, expect: { status: accepted } }
      - { body: { kind: page, who: ann }, headers: { x-request-id: p2 }, after: 1m }
      - { body: { kind: page, who: bob }, headers: { x-request-id: p3 }, after: 1m }
      - { body: { kind: page, who: ann }, headers: { x-request-id: p4 }, after: 4m }
      - { body: { kind: nothing }, headers: { x-request-id: p5 }, expect: { status: ignored } }
    expect:
      status: ignored
      deliveries:
        - { route: pages, target: pager, bodyEquals: { who: ann } }
        - { route: pages, target: pager, bodyEquals: { who: bob } }
        - { route: pages, target: pager, bodyEquals: { who: ann } }
`);
    expect(failuresOf(report)).toEqual([]);
  });

  it('names the request whose own expectation failed', async () => {
    const report = await run(`tests:
  - name: wrong status
    provider: mon
    requests:
      - { body: { kind: alert, monitor: x }, headers: { x-request-id: q1 } }
      - { name: the retry, body: { kind: alert, monitor: x }, headers: { x-request-id: q1 }, after: 1s, expect: { status: accepted } }
    expect:
      deliveries:
        - { route: storms, target: triage }
`);
    expect(failuresOf(report)).toEqual(['requests[1] (the retry): status: expected accepted, got duplicate (200)']);
  });
});

describe('parsing requests:', () => {
  it('reports malformed sequences at their line and column', () => {
    const parsed = parseTestFile(
      '/tmp/x.test.yaml',
      `tests:
  - name: bad
    payload: a.json
    requests:
      - { provider: p, body: {}, after: soon }
      - { body: {} }
      - 3
    expect: { deliveries: [] }
  - name: empty
    requests: []
    expect: { status: accepted }
`,
    );
    expect(parsed.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '3:14 tests[0] ("bad"): `payload` goes on each item of requests, not on the case',
      '5:41 tests[0] ("bad").requests[0].after: must be a duration such as 500ms, 30s, 5m, 1h or 1d',
      '6:9 tests[0] ("bad").requests[1].provider: required',
      '7:9 tests[0] ("bad").requests[2]: a request is a mapping with provider, payload or body, and optionally headers and after',
      '10:15 tests[1] ("empty").requests: must be a non-empty list of requests',
    ]);
  });
});
