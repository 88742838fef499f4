/**
 * Test helper (imported by the *.test.ts files only): builds a WebhookRequest signed the way the
 * provider itself signs it, then lets a test break exactly one thing (wrong secret, tampered body,
 * header removed or replaced, stale timestamp).
 *
 * The signers here are deliberately independent of the verifiers' own sign(): the providers'
 * official helpers (stripe's generateTestHeaderString, octokit's sign, standardwebhooks' sign) or
 * plain node:crypto, so a verifier and its signer cannot share a bug unnoticed.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import type { ErrorCode } from '../errors.ts';
import type { VerifyOptionsBase, WebhookRequest } from './types.ts';

export interface SignerInput {
  readonly rawBody: Buffer;
  readonly secret: string;
  readonly signedAt: Date;
  readonly eventType: string;
  readonly deliveryId: string;
}

export interface TypeFixture {
  /** The verify block, with two secrets for rotation (none has no secret). */
  readonly options: VerifyOptionsBase;
  readonly secrets: readonly string[];
  /** A well-formed secret that is not one of `secrets`. */
  readonly wrongSecret: string;
  /** Lower-case name of the header carrying the signature or credential. */
  readonly signatureHeader: string;
  /** How a mismatch is reported (a credential compare vs a signature). */
  readonly mismatchCode: ErrorCode;
  /** Whether the credential covers the body (false for token and basic). */
  readonly signsBody: boolean;
  /** A value of the signature header with the wrong shape; undefined when the scheme has none. */
  readonly malformed?: string;
  /** Whether the scheme carries a signed timestamp that can go stale. */
  readonly timestamped: boolean;
  /** The provider's own way of signing (independent of the verifier's sign()). */
  readonly sign: (input: SignerInput) => Promise<Record<string, string>>;
}

function nodeHmac(algorithm: string, secret: string, data: Buffer | string, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}

function whsec(seed: string): string {
  return `whsec_${Buffer.from(seed, 'utf8').toString('base64')}`;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

export const FIXTURES: Readonly<Record<string, TypeFixture>> = {
  stripe: {
    options: { type: 'stripe', secrets: ['whsec_STRIPE-current-1f9a', 'whsec_STRIPE-previous-7c2e'], tolerance: '5m' },
    secrets: ['whsec_STRIPE-current-1f9a', 'whsec_STRIPE-previous-7c2e'],
    wrongSecret: 'whsec_STRIPE-wrong-0000',
    signatureHeader: 'stripe-signature',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'v1=deadbeef',
    timestamped: true,
    async sign(input) {
      const value = Stripe.webhooks.generateTestHeaderString({
        payload: input.rawBody.toString('utf8'),
        secret: input.secret,
        timestamp: seconds(input.signedAt),
      });
      return { 'stripe-signature': value };
    },
  },
  github: {
    options: { type: 'github', secrets: ['GITHUB-current-5b1d', 'GITHUB-previous-a0e4'] },
    secrets: ['GITHUB-current-5b1d', 'GITHUB-previous-a0e4'],
    wrongSecret: 'GITHUB-wrong-0000',
    signatureHeader: 'x-hub-signature-256',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'sha1=0123456789abcdef0123456789abcdef01234567',
    timestamped: false,
    async sign(input) {
      return {
        'x-hub-signature-256': await octokitSign(input.secret, input.rawBody.toString('utf8')),
        'x-github-event': input.eventType.split('.')[0] ?? '',
        'x-github-delivery': input.deliveryId,
      };
    },
  },
  sentry: {
    options: { type: 'sentry', secrets: ['SENTRY-current-88aa', 'SENTRY-previous-33bb'] },
    secrets: ['SENTRY-current-88aa', 'SENTRY-previous-33bb'],
    wrongSecret: 'SENTRY-wrong-0000',
    signatureHeader: 'sentry-hook-signature',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'not-a-hex-digest',
    timestamped: false,
    async sign(input) {
      return {
        'sentry-hook-signature': nodeHmac('sha256', input.secret, input.rawBody, 'hex'),
        'sentry-hook-resource': input.eventType.split('.')[0] ?? '',
        'sentry-hook-timestamp': String(seconds(input.signedAt)),
        'request-id': input.deliveryId,
      };
    },
  },
  'standard-webhooks': {
    options: { type: 'standard-webhooks', secrets: [whsec('SW-current-secret-9d0f'), whsec('SW-previous-secret-2c7a')] },
    secrets: [whsec('SW-current-secret-9d0f'), whsec('SW-previous-secret-2c7a')],
    wrongSecret: whsec('SW-wrong-secret-0000'),
    signatureHeader: 'webhook-signature',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'v2,c2lnbmF0dXJl',
    timestamped: true,
    async sign(input) {
      return {
        'webhook-id': input.deliveryId,
        'webhook-timestamp': String(seconds(input.signedAt)),
        'webhook-signature': new Webhook(input.secret).sign(input.deliveryId, input.signedAt, input.rawBody),
      };
    },
  },
  slack: {
    options: { type: 'slack', secrets: ['SLACK-current-77cc', 'SLACK-previous-44dd'], tolerance: '5m' },
    secrets: ['SLACK-current-77cc', 'SLACK-previous-44dd'],
    wrongSecret: 'SLACK-wrong-0000',
    signatureHeader: 'x-slack-signature',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'v1=0123',
    timestamped: true,
    async sign(input) {
      const ts = String(seconds(input.signedAt));
      const digest = nodeHmac('sha256', input.secret, Buffer.concat([Buffer.from(`v0:${ts}:`), input.rawBody]), 'hex');
      return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': ts };
    },
  },
  shopify: {
    options: { type: 'shopify', secrets: ['SHOPIFY-current-12ef', 'SHOPIFY-previous-90ab'] },
    secrets: ['SHOPIFY-current-12ef', 'SHOPIFY-previous-90ab'],
    wrongSecret: 'SHOPIFY-wrong-0000',
    signatureHeader: 'x-shopify-hmac-sha256',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'not base64!',
    timestamped: false,
    async sign(input) {
      return {
        'x-shopify-hmac-sha256': nodeHmac('sha256', input.secret, input.rawBody, 'base64'),
        'x-shopify-topic': input.eventType,
        'x-shopify-event-id': input.deliveryId,
        'x-shopify-webhook-id': input.deliveryId,
      };
    },
  },
  hmac: {
    options: {
      type: 'hmac',
      header: 'X-Signature',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: 'sha256=',
      secrets: ['HMAC-current-6e6e', 'HMAC-previous-5f5f'],
    },
    secrets: ['HMAC-current-6e6e', 'HMAC-previous-5f5f'],
    wrongSecret: 'HMAC-wrong-0000',
    signatureHeader: 'x-signature',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: true,
    malformed: 'sha512=0123456789abcdef',
    timestamped: false,
    async sign(input) {
      return { 'x-signature': `sha256=${nodeHmac('sha256', input.secret, input.rawBody, 'hex')}` };
    },
  },
  token: {
    options: { type: 'token', header: 'X-Gitlab-Token', secrets: ['TOKEN-current-3a3a', 'TOKEN-previous-4b4b'] },
    secrets: ['TOKEN-current-3a3a', 'TOKEN-previous-4b4b'],
    wrongSecret: 'TOKEN-wrong-0000',
    signatureHeader: 'x-gitlab-token',
    mismatchCode: 'CREDENTIALS_INVALID',
    signsBody: false,
    timestamped: false,
    async sign(input) {
      return { 'x-gitlab-token': input.secret };
    },
  },
  basic: {
    options: { type: 'basic', username: 'hooks', secrets: ['BASIC-current-1c1c', 'BASIC-previous-2d2d'] },
    secrets: ['BASIC-current-1c1c', 'BASIC-previous-2d2d'],
    wrongSecret: 'BASIC-wrong-0000',
    signatureHeader: 'authorization',
    mismatchCode: 'CREDENTIALS_INVALID',
    signsBody: false,
    malformed: 'Bearer abc',
    timestamped: false,
    async sign(input) {
      return { authorization: `Basic ${Buffer.from(`hooks:${input.secret}`).toString('base64')}` };
    },
  },
  none: {
    options: { type: 'none' },
    secrets: [],
    wrongSecret: '',
    signatureHeader: '',
    mismatchCode: 'SIGNATURE_INVALID',
    signsBody: false,
    timestamped: false,
    async sign() {
      return {};
    },
  },
};

export function fixtureFor(type: string): TypeFixture {
  const fixture = FIXTURES[type];
  if (fixture === undefined) throw new Error(`no test fixture for verifier type ${type}`);
  return fixture;
}

export const DEFAULT_BODY = '{"id":"evt_test_1","type":"customer.subscription.created","action":"opened","data":{"object":{}}}';

/** A signed request for one verifier type, valid until a test breaks one thing. */
export class TestRequestBuilder {
  readonly fixture: TypeFixture;
  private rawBody: Buffer = Buffer.from(DEFAULT_BODY, 'utf8');
  private secret: string;
  private signingTime = new Date();
  private receivedTime: Date | undefined;
  private eventType = 'customer.subscription.created';
  private deliveryId = `msg_${randomUUID()}`;
  private readonly overrides = new Map<string, string | undefined>();
  private tamper = false;

  constructor(readonly type: string) {
    this.fixture = fixtureFor(type);
    this.secret = this.fixture.secrets[0] ?? '';
  }

  body(body: string | Buffer): this {
    this.rawBody = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return this;
  }
  signedWith(secret: string): this {
    this.secret = secret;
    return this;
  }
  signedAt(at: Date): this {
    this.signingTime = at;
    return this;
  }
  /** When the router received it (defaults to now). */
  received(at: Date): this {
    this.receivedTime = at;
    return this;
  }
  event(eventType: string): this {
    this.eventType = eventType;
    return this;
  }
  delivery(id: string): this {
    this.deliveryId = id;
    return this;
  }
  /** Set (or replace) a header after signing. */
  header(name: string, value: string): this {
    this.overrides.set(name.toLowerCase(), value);
    return this;
  }
  /** Remove a header after signing. */
  without(name: string): this {
    this.overrides.set(name.toLowerCase(), undefined);
    return this;
  }
  /** Flip one bit of the first byte of the body after signing. */
  tamperBody(): this {
    this.tamper = true;
    return this;
  }

  /** The headers the provider would send, before any override. */
  signedHeaders(): Promise<Record<string, string>> {
    return this.fixture.sign({
      rawBody: this.rawBody,
      secret: this.secret,
      signedAt: this.signingTime,
      eventType: this.eventType,
      deliveryId: this.deliveryId,
    });
  }

  async build(): Promise<WebhookRequest> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(await this.signedHeaders()) };
    for (const [name, value] of this.overrides) {
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    let rawBody = this.rawBody;
    if (this.tamper) {
      rawBody = Buffer.from(rawBody);
      rawBody[0] = (rawBody[0] ?? 0) ^ 0x01;
    }
    return toRequest(headers, rawBody, this.receivedTime ?? new Date());
  }
}

export function testRequest(type: string): TestRequestBuilder {
  return new TestRequestBuilder(type);
}

/** A WebhookRequest from plain parts (header names lower-cased). */
export function toRequest(headers: Record<string, string>, rawBody: Buffer | string, receivedAt = new Date()): WebhookRequest {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return {
    method: 'POST',
    headers: lower,
    query: {},
    rawBody: typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody,
    receivedAt,
  };
}
