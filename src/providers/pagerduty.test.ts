import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { pagerdutyVerifier } from './pagerduty.ts';

const SECRETS = ['pd-current-secret-1', 'pd-previous-secret-2'];
const options = { type: 'pagerduty', secrets: SECRETS };

/** PagerDuty's documented signer: v1= hex HMAC-SHA256 of the raw body, one per active secret. */
function pagerdutyHeader(body: Buffer, ...secrets: string[]): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

/**
 * The test vector of PagerDuty's official Go client (go-pagerduty, webhookv3_test.go): its
 * secret, its body and the signature PagerDuty's scheme gives them, plus one that must not match.
 */
const GO_CLIENT_VECTOR = {
  secret: 'lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK',
  body: '{"event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2021-04-26T17:36:27.458Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"assignees":[{"html_url":"https://acme.pagerduty.com/users/PTUXL6G","id":"PTUXL6G","self":"https://api.pagerduty.com/users/PTUXL6G","summary":"User 123","type":"user_reference"}],"escalation_policy":{"html_url":"https://acme.pagerduty.com/escalation_policies/PUS0KTE","id":"PUS0KTE","self":"https://api.pagerduty.com/escalation_policies/PUS0KTE","summary":"Default","type":"escalation_policy_reference"},"teams":[{"html_url":"https://acme.pagerduty.com/teams/PFCVPS0","id":"PFCVPS0","self":"https://api.pagerduty.com/teams/PFCVPS0","summary":"Engineering","type":"team_reference"}],"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"},"urgency":"high","conference_bridge":{"conference_number":1000,"conference_url":"https://example.com"},"resolve_reason":null}}}',
  valid: 'v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd',
  mismatch: 'v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5',
};

describe('pagerduty verifier', () => {
  it("accepts the official Go client's test vector and refuses its mismatching signature", async () => {
    const verifier = pagerdutyVerifier.create({ type: 'pagerduty', secret: GO_CLIENT_VECTOR.secret });
    const req = request({ headers: { 'X-PagerDuty-Signature': GO_CLIENT_VECTOR.valid }, body: GO_CLIENT_VECTOR.body });
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(GO_CLIENT_VECTOR.body))).toEqual({
      eventType: 'incident.priority_updated',
      dedupKey: '01BWDWL3NYY7LUFPZCC28QUCMK',
    });
    expect((await refusal(verifier, withHeader(req, 'x-pagerduty-signature', GO_CLIENT_VECTOR.mismatch))).code).toBe('SIGNATURE_INVALID');
    const both = `${GO_CLIENT_VECTOR.mismatch},${GO_CLIENT_VECTOR.valid}`;
    await expect(verifier.verify(withHeader(req, 'x-pagerduty-signature', both))).resolves.toBeUndefined();
  });

  it('accepts a request signed the way PagerDuty documents it, and normalizes event type and id', async () => {
    const body = await sample('pagerduty', 'incident.triggered');
    const req = request({ headers: { 'X-PagerDuty-Signature': pagerdutyHeader(body, SECRETS[0]!) }, body });
    const verifier = pagerdutyVerifier.create(options);
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(body.toString()))).toEqual({
      eventType: 'incident.triggered',
      dedupKey: '01DEN3VCIYWVQP3LLXA5MGKVCH',
    });
  });

  it('accepts when any signature of the comma list matches any configured secret (rotation both ways)', async () => {
    const body = Buffer.from('{"event":{"id":"e1","event_type":"incident.acknowledged"}}');
    const verifier = pagerdutyVerifier.create(options);
    const twoFromPagerDuty = pagerdutyHeader(body, 'a-secret-we-do-not-know', SECRETS[1]!);
    await expect(verifier.verify(request({ headers: { 'x-pagerduty-signature': twoFromPagerDuty }, body }))).resolves.toBeUndefined();
    const spaced = pagerdutyHeader(body, SECRETS[1]!).replace('v1=', ' v1=');
    await expect(verifier.verify(request({ headers: { 'x-pagerduty-signature': `v0=abc, ${spaced}` }, body }))).resolves.toBeUndefined();
  });

  it("hookgate's sign() produces what the verifier and PagerDuty's scheme agree on", async () => {
    const body = await sample('pagerduty', 'incident.triggered');
    const headers = await pagerdutyVerifier.sign(options, { rawBody: body, secret: SECRETS[0]! });
    expect(headers).toEqual({ 'x-pagerduty-signature': pagerdutyHeader(body, SECRETS[0]!) });
  });

  it('refuses a forged signature, an altered body, a missing header and a list without v1 signatures', async () => {
    const body = await sample('pagerduty', 'incident.triggered');
    const verifier = pagerdutyVerifier.create(options);
    const good = request({ headers: { 'x-pagerduty-signature': pagerdutyHeader(body, SECRETS[0]!) }, body });
    expect((await refusal(verifier, withHeader(good, 'x-pagerduty-signature', pagerdutyHeader(body, 'forged')))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, 'x-pagerduty-signature', undefined))).code).toBe('SIGNATURE_MISSING');
    expect((await refusal(verifier, withHeader(good, 'x-pagerduty-signature', 'v1=abc,v2=00'))).code).toBe('SIGNATURE_MALFORMED');
  });
});
