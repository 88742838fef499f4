/**
 * Test helper (tests only): builds a WebhookRequest signed the way the provider itself signs it,
 * then lets a test break exactly one thing (wrong secret, tampered body, header removed or
 * replaced, stale or future timestamp).
 *
 * What a type's fixture needs is derived from its registered descriptor (example block, kind,
 * secret headers, timestamp), so a new type needs nothing here. For the first types, the request
 * is signed by an independent signer below (the providers' official helpers: stripe's
 * generateTestHeaderString, octokit's sign, standardwebhooks' sign, or plain node:crypto), so a
 * verifier and its own sign() cannot share a bug unnoticed; any other type is signed with its
 * own sign(), and its test file checks that against the provider's published vector.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import type { ErrorCode } from '../../src/errors.ts';
import { requireVerifierType, signRequestFor, throwawayFor } from '../../src/providers/registry.ts';
import { resolveSecrets } from '../../src/providers/secrets.ts';
import type { SignedRequest, VerifierType, VerifyOptionsBase, WebhookRequest } from '../../src/providers/types.ts';

export interface SignerInput {
  readonly rawBody: Buffer;
  readonly secret: string;
  readonly signedAt: Date;
  readonly eventType: string;
  readonly deliveryId: string;
}

export type Signer = (input: SignerInput) => Promise<Record<string, string>>;
/** The whole request a provider sends: headers, the body as signed, and any query it adds. */
export type RequestSigner = (input: SignerInput) => Promise<SignedRequest>;

export interface TypeFixture {
  readonly verifierType: VerifierType;
  /** The verify block, with two secrets for rotation (none has no secret). */
  readonly options: VerifyOptionsBase;
  /** What the signer takes for each credential of the block, in order. */
  readonly secrets: readonly string[];
  /** A well-formed secret that is not one of `secrets`. */
  readonly wrongSecret: string;
  /** Lower-case name of the header carrying the signature or credential. */
  readonly signatureHeader: string;
  /** How a mismatch is reported (a credential compare vs a signature). */
  readonly mismatchCode: ErrorCode;
  /** Whether the credential covers the body (false for credential types). */
  readonly signsBody: boolean;
  /** A value of the signature header with the wrong shape; undefined when the scheme has none. */
  readonly malformed?: string;
  /** Whether the scheme carries a signed timestamp that can go stale. */
  readonly timestamped: boolean;
  /** Whether the signer is independent of the verifier's own sign(). */
  readonly independent: boolean;
  readonly sign: RequestSigner;
}

function nodeHmac(algorithm: string, secret: string, data: Buffer | string, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Signers written from the providers' documentation, independent of the verifiers' sign(). */
const INDEPENDENT_SIGNERS: Readonly<Record<string, Signer>> = {
  stripe: async function signStripe(input) {
    const value = Stripe.webhooks.generateTestHeaderString({
      payload: input.rawBody.toString('utf8'),
      secret: input.secret,
      timestamp: seconds(input.signedAt),
    });
    return { 'stripe-signature': value };
  },
  github: async function signGithub(input) {
    return {
      'x-hub-signature-256': await octokitSign(input.secret, input.rawBody.toString('utf8')),
      'x-github-event': input.eventType.split('.')[0] ?? '',
      'x-github-delivery': input.deliveryId,
    };
  },
  sentry: async function signSentry(input) {
    return {
      'sentry-hook-signature': nodeHmac('sha256', input.secret, input.rawBody, 'hex'),
      'sentry-hook-resource': input.eventType.split('.')[0] ?? '',
      'sentry-hook-timestamp': String(seconds(input.signedAt)),
      'request-id': input.deliveryId,
    };
  },
  'standard-webhooks': async function signStandardWebhooks(input) {
    return {
      'webhook-id': input.deliveryId,
      'webhook-timestamp': String(seconds(input.signedAt)),
      'webhook-signature': new Webhook(input.secret).sign(input.deliveryId, input.signedAt, input.rawBody),
    };
  },
  slack: async function signSlack(input) {
    const ts = String(seconds(input.signedAt));
    const digest = nodeHmac('sha256', input.secret, Buffer.concat([Buffer.from(`v0:${ts}:`), input.rawBody]), 'hex');
    return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': ts };
  },
  shopify: async function signShopify(input) {
    return {
      'x-shopify-hmac-sha256': nodeHmac('sha256', input.secret, input.rawBody, 'base64'),
      'x-shopify-topic': input.eventType,
      'x-shopify-event-id': input.deliveryId,
      'x-shopify-webhook-id': input.deliveryId,
    };
  },
  hmac: async function signHmac(input) {
    return { 'x-signature': `sha256=${nodeHmac('sha256', input.secret, input.rawBody, 'hex')}` };
  },
  token: async function signToken(input) {
    return { 'x-gitlab-token': input.secret };
  },
  basic: async function signBasic(input) {
    return { authorization: `Basic ${Buffer.from(`hooks:${input.secret}`).toString('base64')}` };
  },
  none: async function signNone() {
    return {};
  },
};

const cache = new Map<string, TypeFixture>();

export function fixtureFor(type: string): TypeFixture {
  const cached = cache.get(type);
  if (cached !== undefined) return cached;
  const verifierType = requireVerifierType(type);
  const options = verifierType.example.options;
  const hasSecret = verifierType.kind !== 'none';
  const independent = INDEPENDENT_SIGNERS[type];
  const fixture: TypeFixture = {
    verifierType,
    options,
    secrets: hasSecret ? (verifierType.example.signingSecrets ?? resolveSecrets(options)) : [],
    wrongSecret: hasSecret ? throwawayFor(options).signingSecret : '',
    signatureHeader: verifierType.secretHeaders(options)[0] ?? '',
    mismatchCode: verifierType.kind === 'credential' ? 'CREDENTIALS_INVALID' : 'SIGNATURE_INVALID',
    signsBody: verifierType.kind === 'signature',
    ...(verifierType.example.malformedSignature !== undefined ? { malformed: verifierType.example.malformedSignature } : {}),
    timestamped: verifierType.timestamp !== undefined,
    independent: independent !== undefined,
    sign: async function signed(input: SignerInput): Promise<SignedRequest> {
      if (independent !== undefined) return { headers: await independent(input), rawBody: input.rawBody };
      return signRequestFor(options, {
        rawBody: input.rawBody,
        secret: input.secret,
        timestamp: input.signedAt,
        eventType: input.eventType,
        deliveryId: input.deliveryId,
      });
    },
  };
  cache.set(type, fixture);
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

  /** The body as signed: with the signing time stamped in, for schemes that carry it in the body. */
  signedBody(): Buffer {
    const stamp = this.fixture.verifierType.timestamp?.stampBody;
    return stamp === undefined ? this.rawBody : stamp(this.rawBody, this.signingTime);
  }

  /** The request the provider would send, before any override. */
  signedRequest(): Promise<SignedRequest> {
    return this.fixture.sign({
      rawBody: this.signedBody(),
      secret: this.secret,
      signedAt: this.signingTime,
      eventType: this.eventType,
      deliveryId: this.deliveryId,
    });
  }

  /** The headers the provider would send, before any override. */
  async signedHeaders(): Promise<Record<string, string>> {
    return (await this.signedRequest()).headers;
  }

  async build(): Promise<WebhookRequest> {
    const signed = await this.signedRequest();
    const headers: Record<string, string> = { 'content-type': 'application/json', ...signed.headers };
    for (const [name, value] of this.overrides) {
      if (value === undefined) delete headers[name];
      else headers[name] = value;
    }
    let rawBody = signed.rawBody;
    if (this.tamper) {
      rawBody = Buffer.from(rawBody);
      rawBody[0] = (rawBody[0] ?? 0) ^ 0x01;
    }
    return toRequest(headers, rawBody, this.receivedTime ?? new Date(), signed.query);
  }
}

export function testRequest(type: string): TestRequestBuilder {
  return new TestRequestBuilder(type);
}

/** A WebhookRequest from plain parts (header names lower-cased). */
export function toRequest(
  headers: Record<string, string>,
  rawBody: Buffer | string,
  receivedAt = new Date(),
  query: Readonly<Record<string, string>> = {},
): WebhookRequest {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const hasQuery = Object.keys(query).length > 0;
  return {
    method: 'POST',
    headers: lower,
    query: { ...query },
    ...(hasQuery ? { url: `/webhooks/p?${new URLSearchParams({ ...query }).toString()}` } : {}),
    rawBody: typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody,
    receivedAt,
  };
}
