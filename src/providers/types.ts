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

/** What the verifier derives from a verified request (spec section 2, table of event types). */
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
 * One verifier type: its name, the JSON schema of its `verify:` options (after ${ENV}
 * interpolation), a factory, and a signer that produces the headers the provider itself would
 * send (used by `hookgate test`, `hookgate send` and the tests).
 */
export interface VerifierType<Options extends VerifyOptionsBase = VerifyOptionsBase> {
  readonly type: string;
  readonly description: string;
  /** For the README's provider table (generated from the registry). */
  readonly docs?: VerifierDocs;
  /** JSON Schema (draft 2020-12) for the whole `verify:` object of this type, `type` included. */
  readonly optionsSchema: Readonly<Record<string, unknown>>;
  /** Lower-case names of headers that carry a signature or credential: removed before storing or logging. */
  secretHeaders(options: Options): readonly string[];
  create(options: Options): Verifier;
  /** Headers to add to the request (signature, timestamp, event type, delivery id as the scheme has them). */
  sign(options: Options, input: SignInput): Promise<Record<string, string>>;
  /**
   * For schemes whose signature is not only headers (Mailgun signs fields inside the body, Twilio
   * sends form fields and adds `bodySHA256` to the URL): the whole request the provider would
   * send. `send` and `test` use it instead of sign() when a type has it.
   */
  signRequest?(options: Options, input: SignInput): Promise<SignedRequest>;
  /**
   * For types verified with a public key (SendGrid, Discord): the options with a fresh throwaway
   * key pair, and the private key that signs for them, for `hookgate test`. Types with a shared
   * secret do without (the secret itself is replaced).
   */
  throwawayKeys?(options: Options): { readonly options: Options; readonly signingSecret: string };
}

/** A request as the provider sends it: its headers, its exact body and the query it adds to the URL. */
export interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
  readonly query?: Readonly<Record<string, string>>;
}

/** Options common to every type. `secrets` entries that expanded to "" are already dropped. */
export interface VerifyOptionsBase {
  readonly type: string;
  readonly secret?: string;
  readonly secrets?: readonly string[];
  readonly [key: string]: unknown;
}
