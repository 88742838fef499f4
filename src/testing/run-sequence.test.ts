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

async function run(test: string, config = CONFIG): Promise<RunReport> {
  const dir = mkdtempSync(path.join(root, 'case-'));
  writeFileSync(path.join(dir, 'routes.yaml'), config);
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

const BUDGETS = `
version: 1
providers:
  mon:
    verify: { type: hmac, header: x-signature, secret: "\${MON_SECRET}" }
    event: kind
    id: $headers."x-request-id"
budgets:
  runs: { limit: 2, per: 1h }
  pages: { limit: 1, per: 10m, over: drop }
targets:
  triage:
    routine: { url: "https://api.example/fire", token: "\${TOKEN}" }
    budget: runs
  pager:
    url: https://pager.example/in
    budget: pages
  log:
    url: https://log.example/in
routes:
  - name: alerts
    from: mon
    events: [alert]
    map: '{"n": n}'
    to: [triage, log]
  - name: storms
    from: mon
    events: [storm]
    group: { by: monitor, wait: 30s }
    map: '{"monitor": $group.key, "events": $group.count}'
    to: triage
  - name: pages
    from: mon
    events: [page]
    map: '{"n": n}'
    to: pager
`;

function sent(kind: string, n: number, after: string): string {
  return `      - { body: { kind: ${kind}, n: ${n} }, headers: { x-request-id: ${kind}-${n} }, after: ${after} }\n`;
}

describe('requests: sequences with budgets', () => {
  it('holds the request beyond a budget of N per window and sends it when the window has room', async () => {
    const report = await run(
      `tests:
  - name: three alerts on a budget of two an hour
    provider: mon
    requests:
${sent('alert', 1, '0s')}${sent('alert', 2, '1m')}${sent('alert', 3, '1m')}
    expect:
      deliveries:
        - { route: alerts, target: triage, body: { n: 1 }, held: false, sentAt: 0s }
        - { route: alerts, target: triage, body: { n: 2 }, held: false, sentAt: 1m }
        - { route: alerts, target: triage, body: { n: 3 }, held: true, sentAt: 1h }
        - { route: alerts, target: log, body: { n: 1 }, held: false, sentAt: 0s }
        - { route: alerts, target: log, body: { n: 2 }, held: false }
        - { route: alerts, target: log, body: { n: 3 }, held: false, sentAt: 2m }
`,
      BUDGETS,
    );
    expect(failuresOf(report)).toEqual([]);
    expect(report.passed).toBe(1);
  });

  it('a wrong expectation names the delivery and what became of it', async () => {
    const report = await run(
      `tests:
  - name: the third alert is not held, says the test
    provider: mon
    requests:
${sent('alert', 1, '0s')}${sent('alert', 2, '1m')}${sent('alert', 3, '1m')}
    expect:
      deliveries:
        - { route: alerts, target: triage, body: { n: 1 }, sentAt: 1h }
        - { route: alerts, target: triage, body: { n: 2 } }
        - { route: alerts, target: triage, body: { n: 3 }, held: false }
        - { route: alerts, target: log }
        - { route: alerts, target: log }
        - { route: alerts, target: log, held: true }
`,
      BUDGETS,
    );
    expect(failuresOf(report)).toEqual([
      'deliveries[0] (alerts → triage): sent at +0s, not held, expected sent at +1h',
      'deliveries[2] (alerts → triage): held by budget runs until +1h, then sent, expected not held',
      'deliveries[5] (alerts → log): sent at +2m, not held, expected held by a budget',
    ]);
    const failure = report.files[0]?.cases[0]?.failures[1];
    expect(failure).toMatchObject({ path: 'held', expected: false, actual: { sentAt: '+1h', held: { budget: 'runs', until: '+1h' } } });
  });

  it('over: drop dead-letters what comes beyond the budget, and sends again once the window has room', async () => {
    const report = await run(
      `tests:
  - name: pages on a budget of one per ten minutes
    provider: mon
    requests:
${sent('page', 1, '0s')}${sent('page', 2, '5m')}${sent('page', 3, '6m')}
    expect:
      deliveries:
        - { route: pages, target: pager, body: { n: 1 }, dropped: false, held: false, sentAt: 0s }
        - { route: pages, target: pager, body: { n: 2 }, dropped: true, held: false }
        - { route: pages, target: pager, body: { n: 3 }, dropped: false, sentAt: 11m }
`,
      BUDGETS,
    );
    expect(failuresOf(report)).toEqual([]);
    const wrong = await run(
      `tests:
  - name: expects the second page sent
    provider: mon
    requests:
${sent('page', 1, '0s')}${sent('page', 2, '5m')}
    expect:
      deliveries:
        - { route: pages, target: pager, body: { n: 1 } }
        - { route: pages, target: pager, body: { n: 2 }, sentAt: 5m }
`,
      BUDGETS,
    );
    expect(failuresOf(wrong)).toEqual(['deliveries[1] (pages → pager): dropped by budget pages (dead over_budget), expected sent at +5m']);
  });

  it('group fires spend the budget at the time they fire; the one beyond it waits for room', async () => {
    const storm = (monitor: string, id: string, after: string) =>
      `      - { body: { kind: storm, monitor: ${monitor} }, headers: { x-request-id: ${id} }, after: ${after} }\n`;
    const report = await run(
      `tests:
  - name: three storms fire at once on a budget of two an hour
    provider: mon
    requests:
${storm('db', 's1', '0s')}${storm('web', 's2', '0s')}${storm('db', 's3', '10s')}${storm('queue', 's4', '0s')}
    expect:
      deliveries:
        - { route: storms, target: triage, body: { monitor: db, events: 2 }, held: false, sentAt: 40s }
        - { route: storms, target: triage, body: { monitor: web }, held: false, sentAt: 30s }
        - { route: storms, target: triage, body: { monitor: queue }, held: true, sentAt: 1h30s }
`,
      BUDGETS,
    );
    expect(failuresOf(report)).toEqual([]);
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
      '5:41 tests[0] ("bad").requests[0].after: must be a duration such as 500ms, 30s, 5m, 1h, 1d or 1h30m',
      '6:9 tests[0] ("bad").requests[1].provider: required',
      '7:9 tests[0] ("bad").requests[2]: a request is a mapping with provider, payload or body, and optionally headers and after',
      '10:15 tests[1] ("empty").requests: must be a non-empty list of requests',
    ]);
  });

  it('reads held, dropped and sentAt on a sequence, and reports bad values and misplaced ones at their line', () => {
    const good = parseTestFile(
      '/tmp/x.test.yaml',
      `tests:
  - name: fates
    requests:
      - { provider: p, body: {}, after: 1h30m }
    expect:
      deliveries:
        - { route: r, held: true, sentAt: 1d30s }
        - { route: r, dropped: true, held: false }
`,
    );
    expect(good.problems).toEqual([]);
    expect(good.cases[0]?.requests?.[0]?.afterMs).toBe(5_400_000);
    expect(good.cases[0]?.expect.deliveries).toEqual([
      { route: 'r', held: true, sentAtMs: 86_430_000 },
      { route: 'r', dropped: true, held: false },
    ]);
    const bad = parseTestFile(
      '/tmp/x.test.yaml',
      `tests:
  - name: bad values
    requests:
      - { provider: p, body: {}, expect: { deliveries: [{ route: r, held: false }] } }
    expect:
      deliveries:
        - { route: r, held: yes, dropped: 1, sentAt: soon }
  - name: single
    provider: p
    body: {}
    expect: { deliveries: [{ route: r, sentAt: 1h }] }
`,
    );
    expect(bad.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '7:29 tests[0] ("bad values").expect.deliveries[0].held: must be true or false (held back by a budget before it was sent)',
      '7:43 tests[0] ("bad values").expect.deliveries[0].dropped: must be true or false (dead-lettered over_budget by an `over: drop` budget)',
      '7:54 tests[0] ("bad values").expect.deliveries[0].sentAt: must be a duration since the sequence started, such as 90s, 24h or 1d30s',
      '4:75 tests[0] ("bad values").requests[0].expect.deliveries[0]: `held` goes on the case\'s expect.deliveries: delivery is simulated once the whole sequence has run',
      '11:48 tests[1] ("single").expect.deliveries[0]: `sentAt` needs a requests: case (only a sequence simulates delivery); give this case\'s request as the one item of requests',
    ]);
  });
});
