import { describe, expect, it } from 'vitest';
import { compileEventPatterns, eventMatches } from './match-event.ts';

describe('eventMatches', () => {
  const cases: Array<[string[] | undefined, string, boolean]> = [
    [undefined, 'anything.at.all', true],
    [['customer.subscription.created'], 'customer.subscription.created', true],
    [['customer.subscription'], 'customer.subscription.created', true],
    [['customer.subscription'], 'customer.subscriptions.created', false],
    [['customer.subscription.created'], 'customer.subscription', false],
    [['customer.*.created'], 'customer.subscription.created', true],
    [['customer.*.created'], 'customer.subscription.deleted', false],
    [['*'], 'push', true],
    [['*'], 'pull_request.opened', true],
    [['pull_request.opened', 'issues'], 'issues.closed', true],
    [['pull_request.opened'], 'pull_request.closed', false],
    [[], 'push', false],
    [['invoice'], 'invoice_item.created', false],
  ];
  it.each(cases)('patterns %j against %s → %s', (events, type, expected) => {
    expect(eventMatches(compileEventPatterns(events), type)).toBe(expected);
  });
});
