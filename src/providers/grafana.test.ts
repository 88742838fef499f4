import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { grafanaVerifier } from './grafana.ts';

const SECRETS = ['grafana-hmac-secret-current', 'grafana-hmac-secret-previous'];
const options = { type: 'grafana', secrets: SECRETS };

/** Grafana's timestamped HMAC mode: hex HMAC-SHA256 of "timestamp:body", timestamp in Unix seconds. */
function grafanaHeaders(
  body: Buffer,
  secret: string,
  at: Date,
  names = ['X-Grafana-Alerting-Signature', 'X-Grafana-Alerting-Signature-Timestamp'],
) {
  const ts = String(Math.floor(at.getTime() / 1000));
  return { [names[0]!]: createHmac('sha256', secret).update(`${ts}:`).update(body).digest('hex'), [names[1]!]: ts };
}

describe('grafana verifier', () => {
  it('accepts a notification signed with either secret; event type is the alert status', async () => {
    const body = await sample('grafana', 'firing');
    const verifier = grafanaVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(verifier.verify(request({ headers: grafanaHeaders(body, secret, new Date()), body }))).resolves.toBeUndefined();
    }
    expect(verifier.normalize(request({ headers: {}, body }), JSON.parse(body.toString())).eventType).toBe('firing');
  });

  it('reads the header names the contact point was given', async () => {
    const body = await sample('grafana', 'firing');
    const custom = { ...options, header: 'X-Alert-Sig', timestampHeader: 'X-Alert-Time' };
    const req = request({ headers: grafanaHeaders(body, SECRETS[0]!, new Date(), ['X-Alert-Sig', 'X-Alert-Time']), body });
    await expect(grafanaVerifier.create(custom).verify(req)).resolves.toBeUndefined();
    expect(grafanaVerifier.secretHeaders(custom)).toEqual(['x-alert-sig']);
    const at = new Date();
    expect(await grafanaVerifier.sign(custom, { rawBody: body, secret: SECRETS[0]!, timestamp: at })).toEqual(
      Object.fromEntries(Object.entries(grafanaHeaders(body, SECRETS[0]!, at, ['x-alert-sig', 'x-alert-time']))),
    );
  });

  it('refuses forged, altered, untimed, stale and future-dated notifications', async () => {
    const body = await sample('grafana', 'firing');
    const verifier = grafanaVerifier.create(options);
    const now = new Date();
    const good = request({ headers: grafanaHeaders(body, SECRETS[0]!, now), body, receivedAt: now });
    const sig = 'x-grafana-alerting-signature';
    expect((await refusal(verifier, withHeader(good, sig, grafanaHeaders(body, 'forged', now)['X-Grafana-Alerting-Signature']))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, 'x-grafana-alerting-signature-timestamp', undefined))).code).toBe('TIMESTAMP_MISSING');
    expect((await refusal(verifier, withHeader(good, sig, 'sha256=abc'))).code).toBe('SIGNATURE_MALFORMED');
    const stale = request({ headers: grafanaHeaders(body, SECRETS[0]!, new Date(now.getTime() - 6 * MINUTE)), body, receivedAt: now });
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = request({ headers: grafanaHeaders(body, SECRETS[0]!, new Date(now.getTime() + 6 * MINUTE)), body, receivedAt: now });
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });
});
