/**
 * A preset is a provider-named type over an existing kind (hmac, token, basic, standard-webhooks):
 * the kind checks the request with the provider's defaults filled in, and the preset adds the
 * provider's event type, dedup key and the extra headers its signer sends.
 */
import type { VerifierDocs } from './define.ts';
import type {
  HandshakeReply,
  Normalized,
  SignedTimestamp,
  SignInput,
  Verifier,
  VerifierExample,
  VerifierType,
  VerifyOptionsBase,
  WebhookRequest,
} from './types.ts';

export interface PresetSpec {
  readonly type: string;
  readonly description: string;
  readonly docs: VerifierDocs;
  readonly optionsSchema: Readonly<Record<string, unknown>>;
  readonly example: VerifierExample;
  readonly timestamp?: SignedTimestamp;
  readonly eventTypeHeader?: string;
  /** The existing kind that checks the request. */
  readonly base: VerifierType;
  /** The preset's options as the base kind's options (provider defaults filled in). */
  readonly baseOptions: (options: VerifyOptionsBase) => VerifyOptionsBase;
  readonly normalize: (req: WebhookRequest, body: unknown) => Normalized;
  readonly handshake?: (req: WebhookRequest, body: unknown) => HandshakeReply | undefined;
  /** The credential headers, signature first, when the provider's differ from the base kind's order. */
  readonly secretHeaders?: (options: VerifyOptionsBase) => readonly string[];
  /** Headers the provider sends besides the credential (event name, delivery id), or renamed ones. */
  readonly signHeaders?: (signed: Record<string, string>, input: SignInput) => Record<string, string>;
}

/** The descriptor of a preset; its module passes it to defineVerifier, as every type's module does. */
export function preset(spec: PresetSpec): VerifierType {
  function create(options: VerifyOptionsBase): Verifier {
    const inner = spec.base.create(spec.baseOptions(options));
    return {
      type: spec.type,
      verify: inner.verify,
      normalize: spec.normalize,
      ...(spec.handshake !== undefined ? { handshake: spec.handshake } : {}),
    };
  }

  async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
    const signed = await spec.base.sign(spec.baseOptions(options), input);
    return spec.signHeaders === undefined ? signed : spec.signHeaders(signed, input);
  }

  return {
    type: spec.type,
    kind: spec.base.kind,
    description: spec.description,
    docs: spec.docs,
    optionsSchema: spec.optionsSchema,
    example: spec.example,
    ...(spec.timestamp !== undefined ? { timestamp: spec.timestamp } : {}),
    ...(spec.eventTypeHeader !== undefined ? { eventTypeHeader: spec.eventTypeHeader } : {}),
    secretHeaders: function presetSecretHeaders(options) {
      return spec.secretHeaders?.(options) ?? spec.base.secretHeaders(spec.baseOptions(options));
    },
    create,
    sign,
  };
}

/** Options with `header`/`prefix` defaults filled in when the user left them out. */
export function withDefaults(options: VerifyOptionsBase, defaults: Readonly<Record<string, string>>): VerifyOptionsBase {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(options)) if (value !== undefined) merged[key] = value;
  return merged as VerifyOptionsBase;
}

/** A header's value when present and not empty. */
export function headerValue(req: WebhookRequest, lowerName: string): string | undefined {
  const value = req.headers[lowerName];
  return value === undefined || value === '' ? undefined : value;
}
