import type { VerifierDocs } from './define.ts';

/**
 * Contracts shared by every verifier type (one file per type in this folder, registered in
 * registry.ts). The core knows no HTTP framework: a request is plain data.
 */

/** An inbound webhook as the verifiers and the pipeline see it. */
export interface WebhookRequest {
  readonly method: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /**
   * The request target as received (path and raw query string, `/webhooks/x?a=1`), when the door
   * knows it. Schemes that sign the URL (Twilio, HubSpot) need the query's exact bytes.
   */
  readonly url?: string;
  /** The exact bytes received. Signatures are checked on these, never on a re-serialization. */
  readonly rawBody: Buffer;
  readonly receivedAt: Date;
}

/** What the verifier derives from a verified request: the normalized event type and the dedup key. */
export interface Normalized {
  readonly eventType: string;
  readonly dedupKey: string;
}

/** A reply the provider expects instead of routing (Slack's url_verification challenge). */
export interface HandshakeReply {
  readonly status: number;
  readonly contentType: 'application/json' | 'text/plain';
  readonly body: string;
}

export interface SignInput {
  readonly rawBody: Buffer;
  /** The secret to sign with (the first of the provider's secrets, or a throwaway one in tests). */
  readonly secret: string;
  /** Signing time; defaults to now. Tests pass an old one to build a stale request. */
  readonly timestamp?: Date;
  /** For schemes that carry the event type in a header (GitHub, Sentry, Shopify). */
  readonly eventType?: string;
  /** For schemes that carry a delivery id in a header (GitHub, Sentry, Standard Webhooks, Shopify). */
  readonly deliveryId?: string;
}

export interface Verifier {
  readonly type: string;
  /**
   * Throws VerificationError when the request is not authentic. Resolves when any one of the
   * configured secrets matches. Uses only req.rawBody and req.headers.
   */
  verify(req: WebhookRequest): Promise<void>;
  /**
   * The normalized event type and dedup key, from the verified request and its parsed body.
   * Types whose table entry is "provider expression" (hmac, token, basic, none) return the
   * defaults (body `type`, sha256 of the raw body); the pipeline applies the provider's own
   * `event` / `id` JSONata expressions when they are configured, for any type.
   */
  normalize(req: WebhookRequest, body: unknown): Normalized;
  /** A reply to send instead of routing, for endpoint handshakes; undefined for a normal event. */
  handshake?(req: WebhookRequest, body: unknown): HandshakeReply | undefined;
}

/**
 * One verifier type (built with defineVerifier in define.ts, one module per type in this folder).
 * Everything that depends on the list of types derives from these fields.
 */
export interface VerifierType<Options extends VerifyOptionsBase = VerifyOptionsBase> {
  /** The `verify.type` value, and the folder of its samples (samples/<type>/). */
  readonly type: string;
  /**
   * What the credential covers. `signature`: a MAC or signature over the body (a mismatch is
   * SIGNATURE_INVALID). `credential`: a shared secret or password compared as is, body not covered
   * (CREDENTIALS_INVALID). `none`: nothing is checked.
   */
  readonly kind: 'signature' | 'credential' | 'none';
  /** One line for editors (the JSON schema's description); defaults to the schema's own description. */
  readonly description?: string;
  /** For the README's provider table (generated from the registry). */
  readonly docs: VerifierDocs;
  /** JSON Schema (draft 2020-12) for the whole `verify:` object of this type, `type` included. */
  readonly optionsSchema: Readonly<Record<string, unknown>>;
  /**
   * Lower-case names of the headers that carry a signature or credential, the signature first:
   * left out of `$headers`, of stored headers and of logs (Authorization, Cookie and
   * Proxy-Authorization are always left out as well).
   */
  secretHeaders(options: Options): readonly string[];
  /**
   * The header the normalized event type comes from (GitHub's X-GitHub-Event), as the provider
   * spells it. A verified request without it is refused with 400 `event_type_missing`, unless the
   * provider configures its own `event` expression.
   */
  readonly eventTypeHeader?: string;
  /** Present when the scheme signs a time that must be near now (replay protection). */
  readonly timestamp?: SignedTimestamp;
  /** A verify block to document and test with; its secrets are examples, never real ones. */
  readonly example: VerifierExample<Options>;
  create(options: Options): Verifier;
  /**
   * Headers the provider itself would add (signature, timestamp, event type, delivery id as the
   * scheme has them). Used by `hookgate send`, `hookgate test` and the tests.
   */
  sign(options: Options, input: SignInput): Promise<Record<string, string>>;
  /**
   * For schemes whose signature is not only headers (Mailgun signs fields inside the body, Twilio
   * sends form fields and adds `bodySHA256` to the URL): the whole request the provider would
   * send. `send`, `test` and the contract tests use it instead of sign() when a type has it.
   */
  signRequest?(options: Options, input: SignInput): Promise<SignedRequest>;
  /**
   * A fresh random credential for `hookgate test` (CI has no real secrets) and for the contract
   * tests' wrong-secret case: the verify block to compile and what sign() takes. When absent, a
   * random `whsec_<base64>` string becomes the block's only `secret` (fits every HMAC and token
   * scheme). Public-key types generate a key pair here.
   */
  throwawayKeys?(options: Options): ThrowawayCredential<Options>;
  /**
   * A bundled sample made unique before `hookgate send` posts it (a new event id in the body),
   * so the router does not take a second send for a duplicate.
   */
  freshSample?(rawBody: Buffer, at: Date): Buffer;
  /**
   * Samples beyond samples/<type>/: the provider's own published catalog of example payloads
   * (GitHub's), looked up when samples/ has no file for the event. `names` lists the catalog's
   * event types, for the message when neither has one.
   */
  readonly catalog?: SampleCatalog;
}

/** A provider's published example payloads, keyed by hookgate's event type. */
export interface SampleCatalog {
  /** Where the examples come from, for messages (`@octokit/webhooks-examples`). */
  readonly source: string;
  sample(eventType: string): Buffer | undefined;
  names(): string[];
}

/** A request as the provider sends it: its headers, its exact body and the query it adds to the URL. */
export interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
  readonly query?: Readonly<Record<string, string>>;
}

export interface SignedTimestamp {
  /** Where the signed time travels, as the error names it: a header (`X-Slack-Request-Timestamp`) or `body <field>`. */
  readonly location: string;
  /** The tolerance when the block sets none (some types also take `verify.tolerance`). */
  readonly defaultToleranceMs: number;
  /**
   * For schemes whose signed time is a body field (Linear's webhookTimestamp): the body with that
   * field set to `at`, applied before signing by `send`, `test` and the tests.
   */
  stampBody?(rawBody: Buffer, at: Date): Buffer;
}

export interface VerifierExample<Options extends VerifyOptionsBase = VerifyOptionsBase> {
  /** A complete verify block with two secrets (rotation), or none for `none`. */
  readonly options: Options;
  /**
   * What sign() takes to produce a request accepted through each of the block's credentials, in
   * order. Default: the block's secrets (`secret`, then `secrets`). Public-key types give the
   * private keys of the block's public keys.
   */
  readonly signingSecrets?: readonly string[];
  /** A signature header value of the wrong shape (SIGNATURE_MALFORMED); absent when any value is well-formed. */
  readonly malformedSignature?: string;
}

export interface ThrowawayCredential<Options extends VerifyOptionsBase = VerifyOptionsBase> {
  readonly options: Options;
  readonly signingSecret: string;
}

/** Options common to every type. `secrets` entries that expanded to "" are already dropped. */
export interface VerifyOptionsBase {
  readonly type: string;
  readonly secret?: string;
  readonly secrets?: readonly string[];
  readonly [key: string]: unknown;
}
