/**
 * A provider that signs with Standard Webhooks (HMAC-SHA256 of id.timestamp.body with a whsec_
 * secret) is a preset over the `standard-webhooks` kind that differs only in its names: which
 * header family it sends (Svix's `svix-*` or the standard `webhook-*`), where its event type is,
 * and its docs. Clerk, Resend and incident.io are built this way.
 */
import type { VerifierDocs } from './define.ts';
import { sha256Hex } from './hmac-core.ts';
import { verifyOptionsSchema } from './options.ts';
import { headerValue, preset } from './preset-kit.ts';
import { bodyString } from './request-fields.ts';
import { standardWebhooksVerifier } from './standard-webhooks.ts';
import type { VerifierType } from './types.ts';

export interface StandardWebhooksPreset {
  readonly type: string;
  /** `svix` when the provider sends Svix's header names, `webhook` for the standard ones. */
  readonly headers: 'svix' | 'webhook';
  /** The body field that holds the event type. */
  readonly eventField: string;
  /** Seeds of the two example secrets (the docs' and contract tests' rotation example). */
  readonly exampleSeeds: readonly [string, string];
  readonly docs: Pick<VerifierDocs, 'provider' | 'url'>;
}

const whsec = (seed: string): string => `whsec_${Buffer.from(seed, 'utf8').toString('base64')}`;

export function standardWebhooksPreset(spec: StandardWebhooksPreset): VerifierType {
  const prefix = spec.headers;
  return preset({
    type: spec.type,
    example: {
      options: { type: spec.type, secrets: spec.exampleSeeds.map(whsec) },
      malformedSignature: 'v2,c2lnbmF0dXJl',
    },
    timestamp: { location: `${prefix}-timestamp`, defaultToleranceMs: 5 * 60_000 },
    description: `${spec.docs.provider} webhooks: Standard Webhooks signature (${prefix} headers), HMAC-SHA256 of id.timestamp.body with the whsec_ signing secret.`,
    docs: {
      ...spec.docs,
      scheme: 'Standard Webhooks: HMAC-SHA256 (base64, `v1,`) of id.timestamp.body; tolerance 5m',
      headers: [`${prefix}-id`, `${prefix}-timestamp`, `${prefix}-signature`],
      eventType: `body \`${spec.eventField}\``,
      dedupKey: `\`${prefix}-id\``,
    },
    optionsSchema: verifyOptionsSchema(
      spec.type,
      `${spec.docs.provider} webhooks: ${prefix}-* Standard Webhooks headers with the whsec_ signing secret.`,
      {},
    ),
    base: standardWebhooksVerifier,
    baseOptions: (options) => options,
    ...(prefix === 'svix'
      ? {
          secretHeaders: () => ['svix-signature', 'webhook-signature'],
          /** Svix sends its own header names; the Standard Webhooks signer's are renamed. */
          signHeaders: function svixHeaders(signed: Readonly<Record<string, string>>) {
            const renamed: Record<string, string> = {};
            for (const [name, value] of Object.entries(signed)) renamed[name.replace(/^webhook-/, 'svix-')] = value;
            return renamed;
          },
        }
      : {}),
    normalize: function normalizeStandardWebhooksPreset(req, body) {
      return {
        eventType: bodyString(body, spec.eventField) ?? '',
        dedupKey: headerValue(req, 'webhook-id') ?? headerValue(req, 'svix-id') ?? sha256Hex(req.rawBody),
      };
    },
  });
}
