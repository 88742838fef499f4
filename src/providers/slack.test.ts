import { describe, expect, it } from 'vitest';
import { fixtureFor, testRequest, toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { sha256Hex } from './hmac-core.ts';
import { slackVerifier } from './slack.ts';

const fx = fixtureFor('slack');

// The worked example on Slack's "Verifying requests from Slack" page.
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com' +
    '%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

function docRequest(receivedAt: Date) {
  return toRequest(
    { 'X-Slack-Signature': DOC.signature, 'X-Slack-Request-Timestamp': DOC.timestamp, 'content-type': 'application/x-www-form-urlencoded' },
    DOC.body,
    receivedAt,
  );
}

describe('slack verifier', () => {
  it("verifies Slack's documented example when received at its timestamp", async () => {
    const verifier = slackVerifier.create({ type: 'slack', secret: DOC.secret });
    await expect(verifier.verify(docRequest(new Date(Number(DOC.timestamp) * 1000)))).resolves.toBeUndefined();
  });

  it("refuses Slack's documented example received an hour later as stale", async () => {
    const verifier = slackVerifier.create({ type: 'slack', secret: DOC.secret });
    const late = new Date((Number(DOC.timestamp) + 3600) * 1000);
    await expect(verifier.verify(docRequest(late))).rejects.toThrow('timestamp outside the tolerance: X-Slack-Request-Timestamp');
  });

  it("sign() reproduces the documented example's signature", async () => {
    const headers = await slackVerifier.sign(
      { type: 'slack' },
      { rawBody: Buffer.from(DOC.body), secret: DOC.secret, timestamp: new Date(Number(DOC.timestamp) * 1000) },
    );
    expect(headers).toEqual({ 'x-slack-signature': DOC.signature, 'x-slack-request-timestamp': DOC.timestamp });
  });

  it('refuses a timestamp too far in the future too', async () => {
    const req = await testRequest('slack')
      .signedAt(new Date(Date.now() + 10 * 60_000))
      .build();
    await expect(slackVerifier.create(fx.options).verify(req)).rejects.toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it('honours a configured tolerance', async () => {
    const req = await testRequest('slack')
      .signedAt(new Date(Date.now() - 20 * 60_000))
      .build();
    await expect(slackVerifier.create({ ...fx.options, tolerance: '30m' }).verify(req)).resolves.toBeUndefined();
    await expect(slackVerifier.create({ ...fx.options, tolerance: '10m' }).verify(req)).rejects.toMatchObject({
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
    });
  });

  it('refuses a changed timestamp header (it is part of the signed base string)', async () => {
    const req = await testRequest('slack').build();
    const shifted = String(Number(req.headers['x-slack-request-timestamp']) + 1);
    const tampered = { ...req, headers: { ...req.headers, 'x-slack-request-timestamp': shifted } };
    await expect(slackVerifier.create(fx.options).verify(tampered)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['missing', undefined, 'TIMESTAMP_MISSING', 'missing timestamp header: X-Slack-Request-Timestamp'],
    ['not a number', '15314206.18', 'SIGNATURE_MALFORMED', 'malformed signature header: X-Slack-Request-Timestamp'],
  ])('refuses a timestamp header that is %s', async (_name, value, code, message) => {
    const builder = testRequest('slack');
    if (value === undefined) builder.without('x-slack-request-timestamp');
    else builder.header('x-slack-request-timestamp', value);
    await expect(slackVerifier.create(fx.options).verify(await builder.build())).rejects.toMatchObject({ code, message });
  });

  it('rejects a zero or unparseable tolerance at setup', () => {
    expect(() => slackVerifier.create({ ...fx.options, tolerance: '0m' })).toThrow(SetupError);
    expect(() => slackVerifier.create({ ...fx.options, tolerance: 'soon' })).toThrow(/verify\.tolerance/);
  });

  it.each([
    ['Events API callback', { type: 'event_callback', event_id: 'Ev01', event: { type: 'app_mention' } }, 'app_mention', 'Ev01'],
    ['top-level type only', { type: 'app_rate_limited' }, 'app_rate_limited', undefined],
    ['interactive payload (form field, parsed)', { payload: { type: 'block_actions' } }, 'block_actions', undefined],
    ['slash command (form)', { command: '/deploy', text: 'prod' }, '', undefined],
    ['not an object', 'text', '', undefined],
  ])('normalizes a %s', (_name, body, eventType, eventId) => {
    const raw = Buffer.from(JSON.stringify(body));
    const n = slackVerifier.create(fx.options).normalize(toRequest({}, raw), body);
    expect(n).toEqual({ eventType, dedupKey: eventId ?? sha256Hex(raw) });
  });

  it('answers url_verification with its challenge as JSON', () => {
    const body = {
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      type: 'url_verification',
    };
    const reply = slackVerifier.create(fx.options).handshake?.(toRequest({}, JSON.stringify(body)), body);
    expect(reply).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
    });
  });

  it('routes every other body normally (no handshake)', () => {
    const body = { type: 'event_callback', event: { type: 'message' } };
    expect(slackVerifier.create(fx.options).handshake?.(toRequest({}, JSON.stringify(body)), body)).toBeUndefined();
    expect(slackVerifier.create(fx.options).handshake?.(toRequest({}, 'x'), undefined)).toBeUndefined();
  });
});
