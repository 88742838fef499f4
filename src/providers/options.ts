/**
 * The `verify:` options of every built-in verifier type, as JSON Schema (draft 2020-12). This is
 * the single source: the registry attaches each to its type, and schemas/routes.schema.json is
 * generated from it (a test proves the committed file is current).
 */
import { DURATION_PATTERN } from '../util/units.ts';

type Schema = Readonly<Record<string, unknown>>;

const secret: Schema = {
  type: 'string',
  description: 'The signing secret. Use a ${ENV} or ${file:...} reference, never a literal.',
};
const secrets: Schema = {
  type: 'array',
  items: { type: 'string' },
  minItems: 1,
  description:
    'Several secrets for rotation: a request is accepted when any one matches. Entries that expand to an empty string are dropped.',
};
const tolerance: Schema = {
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'How far the signed timestamp may be from now (default 5m).',
};

/** A verify block with `type: <name>`, secret|secrets, and the type's own options. */
function withSecrets(name: string, description: string, own: Record<string, Schema>, required: string[] = []): Schema {
  return {
    type: 'object',
    description,
    properties: { type: { const: name, description: 'Verifier type.' }, secret, secrets, ...own },
    required: ['type', ...required],
    oneOf: [{ required: ['secret'] }, { required: ['secrets'] }],
    additionalProperties: false,
  };
}

export const VERIFY_OPTION_SCHEMAS: Readonly<Record<string, Schema>> = {
  stripe: withSecrets('stripe', 'Stripe: Stripe-Signature (t=,v1=) checked with the stripe SDK.', { tolerance }),
  github: withSecrets('github', 'GitHub: X-Hub-Signature-256 checked with @octokit/webhooks-methods.', {}),
  sentry: withSecrets(
    'sentry',
    "Sentry integration platform: Sentry-Hook-Signature, HMAC-SHA256 (hex) with the integration's client secret.",
    {},
  ),
  'standard-webhooks': withSecrets(
    'standard-webhooks',
    'Standard Webhooks (also Svix, Clerk, Resend): webhook-id/timestamp/signature or svix-* headers; secrets are whsec_ base64.',
    {},
  ),
  slack: withSecrets('slack', "Slack: X-Slack-Signature v0 over 'v0:timestamp:body' with the app's signing secret.", { tolerance }),
  shopify: withSecrets('shopify', "Shopify: X-Shopify-Hmac-Sha256, base64 HMAC-SHA256 with the app's client secret.", {}),
  hmac: withSecrets(
    'hmac',
    'Generic HMAC of the raw body in one header.',
    {
      header: { type: 'string', minLength: 1, description: 'Header carrying the signature, e.g. x-signature.' },
      algorithm: { enum: ['sha1', 'sha256', 'sha512'], description: 'HMAC hash (default sha256).' },
      encoding: { enum: ['hex', 'base64'], description: 'Signature encoding (default hex).' },
      prefix: { type: 'string', description: 'Text before the signature in the header, e.g. "sha256=" (default none).' },
    },
    ['header'],
  ),
  token: withSecrets(
    'token',
    "A shared secret sent as is in a header (e.g. GitLab's X-Gitlab-Token), compared in constant time.",
    {
      header: { type: 'string', minLength: 1, description: 'Header carrying the token, e.g. x-gitlab-token.' },
      prefix: { type: 'string', description: 'Text before the token in the header, e.g. "Bearer " (default none).' },
    },
    ['header'],
  ),
  basic: withSecrets(
    'basic',
    'HTTP Basic authentication: the username, and the password as secret (or secrets, for rotation).',
    { username: { type: 'string', minLength: 1, description: 'The expected user name.' } },
    ['username'],
  ),
  none: {
    type: 'object',
    description: 'No verification. For local experiments only: validate warns.',
    properties: { type: { const: 'none', description: 'Verifier type.' } },
    required: ['type'],
    additionalProperties: false,
  },
};

export interface StripeOptions {
  readonly type: 'stripe';
  readonly secret?: string;
  readonly secrets?: readonly string[];
  readonly tolerance?: string;
}
export interface SecretOnlyOptions {
  readonly type: string;
  readonly secret?: string;
  readonly secrets?: readonly string[];
}
export interface SlackOptions extends SecretOnlyOptions {
  readonly tolerance?: string;
}
export interface HmacOptions extends SecretOnlyOptions {
  readonly header: string;
  readonly algorithm?: 'sha1' | 'sha256' | 'sha512';
  readonly encoding?: 'hex' | 'base64';
  readonly prefix?: string;
}
export interface TokenOptions extends SecretOnlyOptions {
  readonly header: string;
  readonly prefix?: string;
}
export interface BasicOptions extends SecretOnlyOptions {
  readonly username: string;
}
