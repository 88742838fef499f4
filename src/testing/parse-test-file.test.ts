import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTestFile } from './parse-test-file.ts';

const FILE = path.resolve('/repo/tests/stripe.test.yaml');

describe('parseTestFile', () => {
  it('reads aliases: a delivery, a request and a header value written once with &name and repeated with *name', () => {
    const text = [
      'tests:',
      '  - name: three runs',
      '    requests:',
      '      - &alert { provider: mon, body: { kind: alert }, headers: { x-team: &team core } }',
      '      - *alert',
      '      - { provider: mon, body: { kind: alert }, headers: { x-team: *team }, after: 1h }',
      '    expect:',
      '      deliveries:',
      '        - &run { route: storms, target: triage, held: false }',
      '        - *run',
      '        - *run',
    ].join('\n');
    const { cases, problems } = parseTestFile(FILE, text);
    expect(problems).toEqual([]);
    const [only] = cases;
    expect(only?.requests).toHaveLength(3);
    expect(only?.requests?.map((q) => q.headers)).toEqual([{ 'x-team': 'core' }, { 'x-team': 'core' }, { 'x-team': 'core' }]);
    expect(only?.expect.deliveries).toEqual([
      { route: 'storms', target: 'triage', held: false },
      { route: 'storms', target: 'triage', held: false },
      { route: 'storms', target: 'triage', held: false },
    ]);
  });

  it('reads the spec example', () => {
    const text = [
      'tests:',
      '  - name: a new subscription drafts a welcome email',
      '    provider: stripe',
      '    payload: fixtures/stripe/customer.subscription.created.json',
      '    headers: { X-Request-Id: r-1, x-attempt: 2 }',
      '    expect:',
      '      status: accepted',
      '      deliveries:',
      '        - route: stripe-onboarding-draft',
      '          target: onboarding-routine',
      '          body: { event: customer.subscription.created, plan: Pro Monthly }',
      '  - name: refunds go nowhere',
      '    provider: stripe',
      '    body: { id: evt_2, type: charge.refunded, data: { object: {} } }',
      '    expect: { status: ignored }',
      '  - name: a forged request is refused',
      '    provider: stripe',
      '    body: null',
      '    signature: invalid',
      '    expect: { status: 400 }',
    ].join('\n');
    const { cases, problems } = parseTestFile(FILE, text);
    expect(problems).toEqual([]);
    expect(cases).toHaveLength(3);
    const [first, second, third] = cases;
    expect(first).toMatchObject({
      name: 'a new subscription drafts a welcome email',
      file: FILE,
      line: 2,
      provider: 'stripe',
      payload: path.resolve('/repo/tests/fixtures/stripe/customer.subscription.created.json'),
      headers: { 'x-request-id': 'r-1', 'x-attempt': '2' },
      signature: 'valid',
      expect: {
        status: 'accepted',
        deliveries: [
          {
            route: 'stripe-onboarding-draft',
            target: 'onboarding-routine',
            body: { value: { event: 'customer.subscription.created', plan: 'Pro Monthly' } },
          },
        ],
      },
    });
    expect(second?.body).toEqual({ value: { id: 'evt_2', type: 'charge.refunded', data: { object: {} } } });
    expect(second?.line).toBe(12);
    expect(third).toMatchObject({ signature: 'invalid', body: { value: null }, expect: { status: 400 } });
  });

  it('reports every problem with its line and column', () => {
    const text = [
      'tests:',
      '  - name: one',
      '    provider: stripe',
      '    payload: a.json',
      '    sigature: invalid',
      '    expect: { status: acepted }',
      '  - provider: stripe',
      '    body: {}',
      '    expect:',
      '      deliveries: { route: x }',
    ].join('\n');
    const { cases, problems } = parseTestFile(FILE, text);
    expect(cases).toEqual([]);
    expect(problems).toEqual([
      {
        line: 5,
        col: 5,
        message:
          'tests[0] ("one"): unknown field "sigature" (expected one of: name, provider, payload, body, headers, query, signature, event, repeat, requests, expect)',
      },
      {
        line: 6,
        col: 23,
        message: 'tests[0] ("one").expect.status: must be accepted, ignored, duplicate or an HTTP status number (e.g. 400)',
      },
      { line: 7, col: 5, message: 'tests[1].name: required' },
      { line: 10, col: 19, message: 'tests[1].expect.deliveries: must be a list' },
    ]);
  });

  it('needs exactly one of payload and body, and an expect block', () => {
    const text = [
      'tests:',
      '  - name: x',
      '    provider: p',
      '  - name: y',
      '    provider: p',
      '    payload: a.json',
      '    body: {}',
      '    expect: {}',
    ].join('\n');
    const messages = parseTestFile(FILE, text).problems.map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(messages).toEqual([
      '2:5 tests[0] ("x"): needs payload (a file) or body (inline)',
      '2:5 tests[0] ("x"): needs expect',
      '6:14 tests[1] ("y"): give either payload or body, not both',
      '8:13 tests[1] ("y").expect: give at least one of status, deliveries, ignored',
    ]);
  });

  it('reports YAML syntax errors and a wrong top level', () => {
    const duplicateKey = parseTestFile(FILE, 'tests:\n  - name: a\n    name: b\n').problems;
    expect(duplicateKey).toEqual([{ line: 3, col: 5, message: expect.stringMatching(/^YAML: Map keys must be unique/) }]);
    expect(parseTestFile(FILE, '- a\n- b\n').problems).toEqual([
      { line: 1, col: 1, message: 'a test file is a mapping with a `tests:` list' },
    ]);
    expect(parseTestFile(FILE, 'tests: 3\n').problems).toEqual([{ line: 1, col: 8, message: '`tests:` must be a list of test cases' }]);
  });

  it('keeps a string status word apart from a number', () => {
    const text = 'tests:\n  - { name: a, provider: p, body: {}, expect: { status: "400" } }\n';
    expect(parseTestFile(FILE, text).problems[0]?.message).toContain('expect.status: must be accepted');
  });

  it('reads repeat as a whole number from 1 to 100, and leaves it out when not given', () => {
    const ok = parseTestFile(FILE, 'tests:\n  - { name: a, provider: p, body: {}, repeat: 2, expect: { status: duplicate } }\n');
    expect(ok.problems).toEqual([]);
    expect(ok.cases[0]!.repeat).toBe(2);
    expect(
      parseTestFile(FILE, 'tests:\n  - { name: a, provider: p, body: {}, expect: { status: accepted } }\n').cases[0],
    ).not.toHaveProperty('repeat');
    for (const bad of ['0', '1.5', '"2"', '101']) {
      const { problems } = parseTestFile(
        FILE,
        `tests:\n  - { name: a, provider: p, body: {}, repeat: ${bad}, expect: { status: accepted } }\n`,
      );
      expect(problems).toEqual([
        {
          line: 2,
          col: expect.any(Number),
          message: 'tests[0] ("a").repeat: must be a whole number from 1 to 100 (how many times the same request is sent)',
        },
      ]);
    }
  });
});
