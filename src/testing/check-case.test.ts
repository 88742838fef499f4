import { describe, expect, it } from 'vitest';
import { checkCase, type Observed } from './check-case.ts';

const accepted: Observed = {
  kind: 'accepted',
  httpStatus: 202,
  replyBody: '{"status":"accepted","id":"evt_1","deliveries":1}',
  deliveries: [{ route: 'r', target: 't', mapped: { plan: 'Pro' }, headers: {}, error: null }],
  ignored: [{ route: 'other', reason: 'event type "x" is not in events' }],
};
const rejected: Observed = {
  kind: 'rejected',
  httpStatus: 400,
  replyBody: '{"error":"signature does not match: Stripe-Signature"}',
  deliveries: [],
  ignored: [],
};

describe('checkCase', () => {
  it('compares a status word with the outcome and a number with the HTTP status', () => {
    expect(checkCase({ status: 'accepted' }, accepted)).toEqual([]);
    expect(checkCase({ status: 202 }, accepted)).toEqual([]);
    expect(checkCase({ status: 400 }, rejected)).toEqual([]);
    expect(checkCase({ status: 'ignored' }, accepted)).toHaveLength(1);
  });

  it('says why a request was refused when it should have been accepted', () => {
    expect(checkCase({ status: 'accepted' }, rejected)).toEqual([
      {
        message: 'status: expected accepted, got 400 {"error":"signature does not match: Stripe-Signature"}',
        path: 'status',
        expected: 'accepted',
        actual: 400,
      },
    ]);
  });

  it('checks the delivery list and the ignored routes', () => {
    expect(
      checkCase(
        { deliveries: [{ route: 'r', body: { value: { plan: 'Pro' } } }], ignored: [{ route: 'other', reason: 'not in events' }] },
        accepted,
      ),
    ).toEqual([]);
    expect(checkCase({ deliveries: [] }, accepted).map((f) => f.message)).toEqual(['unexpected delivery (r → t)']);
    expect(checkCase({ ignored: [] }, accepted).map((f) => f.message)).toEqual(['unexpected ignored route other']);
    expect(checkCase({ ignored: [{ route: 'other', reason: 'filter returned false' }] }, accepted)).toEqual([
      {
        message: 'ignored[0] (other): reason differs',
        path: 'ignored[0].reason',
        expected: 'filter returned false',
        actual: 'event type "x" is not in events',
      },
    ]);
  });

  it('expects no deliveries of an event that was not accepted', () => {
    expect(checkCase({ status: 400, deliveries: [] }, rejected)).toEqual([]);
    expect(checkCase({ status: 400, deliveries: [{ route: 'r' }] }, rejected)[0]?.message).toBe('deliveries[0] (r → *): no such delivery');
  });
});
