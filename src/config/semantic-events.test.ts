import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostic.ts';
import { loadConfigText } from './load.ts';

/** A config with a Stripe, a GitHub and an in-house provider, and one route per events list. */
function findings(routes: Array<{ from: string; events: string[] }>, providers = ''): Diagnostic[] {
  const text = [
    'version: 1',
    'providers:',
    '  stripe: { verify: { type: stripe, secret: "${S}" } }',
    '  github: { verify: { type: github, secret: "${G}" } }',
    '  backend: { verify: { type: hmac, header: x-sig, secret: "${B}" } }',
    providers,
    'targets: { t: { url: "https://t.example" } }',
    'routes:',
    ...routes.map((r, i) => `  - { name: r${i}, from: ${r.from}, events: ${JSON.stringify(r.events)}, to: t }`),
    '',
  ].join('\n');
  return loadConfigText(text, 'routes.yaml', '.', { env: { S: 's', G: 'g', B: 'b' } }).diagnostics.filter(
    (d) => d.code === 'unknown-event',
  );
}

describe('events a known provider never sends', () => {
  it('warns about a misspelled Stripe event type and suggests the real one', () => {
    const [d, ...rest] = findings([{ from: 'stripe', events: ['customer.subscription.created', 'customer.subscription.craeted'] }]);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      severity: 'warning',
      line: 9,
      message:
        'routes[0].events[1]: Stripe never sends `customer.subscription.craeted`, so this entry matches nothing (did you mean `customer.subscription.created`?)',
    });
  });

  it('warns about a misspelled GitHub event (from @octokit/webhooks) and suggests the real one', () => {
    const messages = findings([{ from: 'github', events: ['pull_request.opend', 'pull_reqest', 'push'] }]).map((d) => d.message);
    expect(messages).toEqual([
      'routes[0].events[0]: GitHub never sends `pull_request.opend`, so this entry matches nothing (did you mean `pull_request.opened`?)',
      'routes[0].events[1]: GitHub never sends `pull_reqest`, so this entry matches nothing (did you mean `pull_request`?)',
    ]);
  });

  it('never warns about prefixes and wildcards that match something the provider sends', () => {
    expect(
      findings([
        { from: 'stripe', events: ['customer.subscription', 'customer', '*', '*.created', 'charge.*.closed', 'invoice.*'] },
        { from: 'github', events: ['pull_request', '*.opened', 'issues.*', 'ping', 'check_run.completed'] },
      ]),
    ).toEqual([]);
  });

  it('warns about a wildcard that matches nothing, suggesting with the wildcard kept', () => {
    const [d] = findings([{ from: 'stripe', events: ['*.subscriptoin.created'] }]);
    expect(d?.message).toBe(
      'routes[0].events[0]: Stripe never sends `*.subscriptoin.created`, so this entry matches nothing (did you mean `*.subscription.created`?)',
    );
  });

  it('says nothing where the provider has no catalog or names its own event types', () => {
    expect(findings([{ from: 'backend', events: ['anything.at.all'] }])).toEqual([]);
    const own = '  custom: { verify: { type: stripe, secret: "${S}" }, event: body.kind }';
    expect(findings([{ from: 'custom', events: ['made.up'] }], own)).toEqual([]);
  });

  it('leaves a malformed entry to its own error', () => {
    expect(findings([{ from: 'stripe', events: ['customer..created'] }])).toEqual([]);
  });
});
