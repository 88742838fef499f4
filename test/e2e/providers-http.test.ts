/**
 * Provider types whose rules reach past the verifier into HTTP, through a real `hookgate serve`:
 * Discord's 401 for a refused request and its PING answered by the router, Twitch's challenge
 * answered as text/plain, and Twilio's signature over the URL's raw query (bodySHA256).
 */
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouterProcess, startRouter, type TempDir, tempDir } from '../support/router-process.ts';

const discordKeys = generateKeyPairSync('ed25519');
const discordPublicKey = discordKeys.publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
const TWILIO_URL = 'https://hooks.example.com/webhooks/twilio';

const CONFIG = `version: 1
providers:
  discord:
    verify: { type: discord, publicKey: "${discordPublicKey}" }
  twitch:
    verify: { type: twitch, secret: "\${TWITCH_SECRET}" }
  twilio:
    verify: { type: twilio, url: "${TWILIO_URL}", secret: "\${TWILIO_TOKEN}" }
targets:
  sink:
    url: http://127.0.0.1:9/never
routes:
  - { name: all-discord, from: discord, to: sink }
  - { name: all-twitch, from: twitch, to: sink }
  - { name: all-twilio, from: twilio, to: sink }
`;
const ENV = { TWITCH_SECRET: 'twitch-e2e-secret-0123', TWILIO_TOKEN: 'twilio-e2e-token-4567' };

function discordHeaders(body: string, when = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(when.getTime() / 1000));
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), discordKeys.privateKey).toString('hex'),
    'x-signature-timestamp': timestamp,
  };
}

describe('provider handshakes and statuses over HTTP', () => {
  let dir: TempDir;
  let router: RouterProcess;

  beforeAll(async () => {
    dir = tempDir();
    const config = dir.write('routes.yaml', CONFIG);
    router = await startRouter(['-c', config, '--store', `sqlite:${dir.dir}/hookgate.db`, '--no-worker'], ENV);
  });

  afterAll(async () => {
    await router?.stop();
    dir?.remove();
  });

  it('Discord: a bad signature is answered 401, a PING {"type":1}, an event 202', async () => {
    const ping = '{"id":"1","application_id":"2","type":1,"token":"t","version":1}';
    const forged = await router.post('discord', ping, { ...discordHeaders(ping), 'x-signature-ed25519': '00'.repeat(64) });
    expect(forged.status).toBe(401);
    const answered = await fetch(`${router.url}/webhooks/discord`, { method: 'POST', headers: discordHeaders(ping), body: ping });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answered.json()).toEqual({ type: 1 });
    const event = '{"version":1,"application_id":"2","type":1,"event":{"type":"APPLICATION_AUTHORIZED","data":{}}}';
    expect((await router.post('discord', event, discordHeaders(event))).status).toBe(202);
  });

  it('Twitch: the verification challenge comes back as text/plain', async () => {
    const body = '{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"id":"s1","type":"channel.follow","version":"2"}}';
    const id = 'e76c6bd4-55c9-4987-8304-da1588d8988b';
    const timestamp = new Date().toISOString();
    const res = await fetch(`${router.url}/webhooks/twitch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-timestamp': timestamp,
        'twitch-eventsub-message-type': 'webhook_callback_verification',
        'twitch-eventsub-message-signature': `sha256=${createHmac('sha256', ENV.TWITCH_SECRET)
          .update(id + timestamp + body)
          .digest('hex')}`,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('pogchamp-kappa-360noscope-vohiyo');
  });

  it('Twilio: a JSON body is accepted with its bodySHA256 in the raw query, and refused when the query is altered', async () => {
    const body = '{"type":"com.twilio.messaging.message.delivered","data":{"messageSid":"SM1"}}';
    const hash = createHash('sha256').update(body).digest('hex');
    const signature = twilio.getExpectedTwilioSignature(ENV.TWILIO_TOKEN, `${TWILIO_URL}?bodySHA256=${hash}`, {});
    const post = (query: string) =>
      fetch(`${router.url}/webhooks/twilio?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
        body,
      });
    expect((await post(`bodySHA256=${hash}`)).status).toBe(202);
    expect((await post(`bodySHA256=${hash}&extra=1`)).status).toBe(400);
  });

  it('Twilio: a form post signed by the SDK over the sorted fields is accepted', async () => {
    const fields = { MessageSid: 'SM9', SmsStatus: 'received', Body: 'hello there', From: '+14155550199' };
    const signature = twilio.getExpectedTwilioSignature(ENV.TWILIO_TOKEN, TWILIO_URL, fields);
    const res = await router.post('twilio', new URLSearchParams(fields).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    });
    expect(res.status).toBe(202);
  });
});
