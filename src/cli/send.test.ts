import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { createVerifier, requireVerifierType } from '../providers/registry.ts';
import { bundledSample, planSend } from './send.ts';

const SECRETS = { GH: 'gh-send-secret', ST: 'whsec_send-secret', LIN: 'lin_wh_send-secret', SE: 'sentry-send-secret' };
let dir: string;
let config: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookgate-send-'));
  config = path.join(dir, 'routes.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'providers:',
      '  gh: { verify: { type: github, secret: "${SEND_GH}" } }',
      '  st: { verify: { type: stripe, secret: "${SEND_ST}" } }',
      '  lin: { verify: { type: linear, secret: "${SEND_LIN}" } }',
      '  se: { verify: { type: sentry, secret: "${SEND_SE}" } }',
      'targets:',
      '  sink: { url: "http://127.0.0.1:9/x" }',
      'routes:',
      '  - { name: r, from: gh, to: sink }',
      '',
    ].join('\n'),
  );
  process.env.SEND_GH = SECRETS.GH;
  process.env.SEND_ST = SECRETS.ST;
  process.env.SEND_LIN = SECRETS.LIN;
  process.env.SEND_SE = SECRETS.SE;
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const name of ['SEND_GH', 'SEND_ST', 'SEND_LIN', 'SEND_SE']) delete process.env[name];
});

async function verifies(type: string, secret: string, headers: Record<string, string>, body: Buffer): Promise<void> {
  await createVerifier({ type, secret }).verify(toRequest(headers, body));
}

describe('hookgate send', () => {
  it('github --event: sends the bundled sample signed, with X-GitHub-Event and X-GitHub-Delivery', async () => {
    const plan = await planSend('gh', undefined, { config, header: [], event: 'pull_request.opened' });
    expect(plan.url).toBe('http://127.0.0.1:8787/webhooks/gh');
    expect(plan.headers['x-github-event']).toBe('pull_request');
    expect(plan.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(plan.body.toString('utf8'))).toMatchObject({ action: 'opened', pull_request: expect.any(Object) });
    await expect(verifies('github', SECRETS.GH, plan.headers, plan.body)).resolves.toBeUndefined();
  });

  it('sentry --event: sets Sentry-Hook-Resource from the event', async () => {
    const plan = await planSend('se', undefined, { config, header: [], event: 'issue.created' });
    expect(plan.headers['sentry-hook-resource']).toBe('issue');
    await expect(verifies('sentry', SECRETS.SE, plan.headers, plan.body)).resolves.toBeUndefined();
  });

  it('github with a payload file and no event type is refused, naming X-GitHub-Event and both ways to give it', async () => {
    const file = path.join(dir, 'payload.json');
    writeFileSync(file, '{"action":"opened"}');
    await expect(planSend('gh', file, { config, header: [] })).rejects.toThrow(
      'provider "gh" (type github) names its events in X-GitHub-Event: give --event TYPE, or --header X-GitHub-Event:<value>',
    );
    const withEvent = await planSend('gh', file, { config, header: [], event: 'issues.opened' });
    expect(withEvent.headers['x-github-event']).toBe('issues');
    expect(withEvent.body.toString()).toBe('{"action":"opened"}');
    const withHeader = await planSend('gh', file, { config, header: ['X-GitHub-Event: push'] });
    expect(withHeader.headers['x-github-event']).toBe('push');
  });

  it('stripe --event: each send gets a new event id, so the router does not call the second a duplicate', async () => {
    const first = await planSend('st', undefined, { config, header: [], event: 'customer.subscription.created' });
    const second = await planSend('st', undefined, { config, header: [], event: 'customer.subscription.created' });
    const id = (b: Buffer) => (JSON.parse(b.toString('utf8')) as { id: string }).id;
    expect(id(first.body)).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(id(first.body)).not.toBe(id(second.body));
    await expect(verifies('stripe', SECRETS.ST, first.headers, first.body)).resolves.toBeUndefined();
  });

  it('linear --event: writes the signing time into webhookTimestamp, so the bundled sample is not stale', async () => {
    const before = Date.now();
    const plan = await planSend('lin', undefined, { config, header: [], event: 'Issue.create' });
    const stamped = (JSON.parse(plan.body.toString('utf8')) as { webhookTimestamp: number }).webhookTimestamp;
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
    await expect(verifies('linear', SECRETS.LIN, plan.headers, plan.body)).resolves.toBeUndefined();
  });

  it('twilio --event: sends the sample as Twilio does, form-encoded and signed over the public URL; a JSON file adds bodySHA256 to the URL', async () => {
    const file = path.join(dir, 'twilio.yaml');
    const url = 'https://hooks.example.com/webhooks/tw';
    writeFileSync(
      file,
      `version: 1\nproviders:\n  tw: { verify: { type: twilio, url: "${url}", secret: tw-token } }\ntargets:\n  sink: { url: "http://127.0.0.1:9/x" }\nroutes:\n  - { name: r, from: tw, to: sink }\n`,
    );
    const form = await planSend('tw', undefined, { config: file, header: [], event: 'message.received' });
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(form.body.toString()).get('SmsStatus')).toBe('received');
    await expect(
      createVerifier({ type: 'twilio', url, secret: 'tw-token' }).verify(toRequest(form.headers, form.body)),
    ).resolves.toBeUndefined();
    const payload = path.join(dir, 'event.json');
    writeFileSync(payload, '{"type":"com.twilio.messaging.message.delivered","data":{"messageSid":"SM1"}}');
    const json = await planSend('tw', payload, { config: file, header: [] });
    const query = Object.fromEntries(new URL(json.url).searchParams);
    expect(query.bodySHA256).toMatch(/^[0-9a-f]{64}$/);
    const verifier = createVerifier({ type: 'twilio', url, secret: 'tw-token' });
    await expect(verifier.verify(toRequest(json.headers, json.body, new Date(), query))).resolves.toBeUndefined();
  });

  it('a public-key type without its private key says what to set, not that a variable is unset', async () => {
    const file = path.join(dir, 'discord.yaml');
    writeFileSync(
      file,
      `version: 1\nproviders:\n  dc: { verify: { type: discord, publicKey: "${'0'.repeat(64)}" } }\ntargets:\n  sink: { url: "http://127.0.0.1:9/x" }\nroutes:\n  - { name: r, from: dc, to: sink }\n`,
    );
    await expect(planSend('dc', undefined, { config: file, header: [], event: 'PING' })).rejects.toThrow(
      /type discord\) verifies with a public key; .*verify.secret to the matching private key/,
    );
  });

  it("github --event beyond samples/: takes the payload from GitHub's example catalog, and normalizes back to that event type", async () => {
    const plan = await planSend('gh', undefined, { config, header: [], event: 'check_run.completed' });
    expect(plan.headers['x-github-event']).toBe('check_run');
    expect(JSON.parse(plan.body.toString('utf8'))).toMatchObject({ action: 'completed', check_run: expect.any(Object) });
    const verifier = createVerifier({ type: 'github', secret: SECRETS.GH });
    const request = toRequest(plan.headers, plan.body);
    await expect(verifier.verify(request)).resolves.toBeUndefined();
    expect(verifier.normalize(request, JSON.parse(plan.body.toString('utf8'))).eventType).toBe('check_run.completed');
  });

  it("every event type of GitHub's catalog can be sent: signed, verified and typed as asked", async () => {
    const catalog = requireVerifierType('github').catalog!;
    const names = catalog.names();
    // Events without actions (push) and with them (issues.opened) are both in the catalog.
    expect(names).toEqual(expect.arrayContaining(['push', 'issues.opened', 'workflow_run.completed', 'pull_request.closed']));
    // 161 of the 205 (event, action) pairs GitHub documents have an example in 7.6.1.
    expect(names.length).toBeGreaterThan(150);
    const verifier = createVerifier({ type: 'github', secret: SECRETS.GH });
    for (const event of names) {
      const plan = await planSend('gh', undefined, { config, header: [], event });
      const request = toRequest(plan.headers, plan.body);
      await verifier.verify(request);
      expect({ event, got: verifier.normalize(request, JSON.parse(plan.body.toString('utf8'))).eventType }).toEqual({ event, got: event });
    }
  });

  it("names the samples and the catalog's event types when neither has the event", () => {
    expect(() => bundledSample('github', 'pull_request.frobnicated')).toThrow(
      /no bundled github sample for "pull_request.frobnicated" \(have: .*pull_request.opened.*; @octokit\/webhooks-examples has none either \(it has: .*pull_request.closed/,
    );
    expect(() => bundledSample('github', 'no_such_event')).toThrow(/it has \d+ event types; none is "no_such_event"/);
  });

  it('a type without a catalog names only its samples', () => {
    expect(() => bundledSample('sentry', 'issue.frobnicated')).toThrow(/no bundled sentry sample for "issue.frobnicated" \(have: [^;]*\)$/);
  });
});
