import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pagerdutyVerifier } from './pagerduty.ts';
import { refusal, request, sample, tampered, withHeader } from './provider-test-kit.ts';

const SECRETS = ['pd-current-secret-1', 'pd-previous-secret-2'];
const options = { type: 'pagerduty', secrets: SECRETS };

/** PagerDuty's documented signer: v1= hex HMAC-SHA256 of the raw body, one per active secret. */
function pagerdutyHeader(body: Buffer, ...secrets: string[]): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

describe('pagerduty verifier', () => {
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
