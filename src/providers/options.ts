/**
 * Building blocks for a verifier type's `verify:` options schema (JSON Schema draft 2020-12).
 * Each type's module declares its own schema with these; the registry collects them into
 * schemas/routes.schema.json (a test proves the committed file is current).
 */
import { DURATION_PATTERN } from '../util/units.ts';

export type Schema = Readonly<Record<string, unknown>>;

export const secret: Schema = {
  type: 'string',
  description: 'The signing secret. Use a ${ENV} or ${file:...} reference, never a literal.',
};
export const secrets: Schema = {
  type: 'array',
  items: { type: 'string' },
  minItems: 1,
  description:
    'Several secrets for rotation: a request is accepted when any one matches. Entries that expand to an empty string are dropped.',
};
export const tolerance: Schema = {
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'How far the signed timestamp may be from now (default 5m).',
};

/** A verify block with `type: <name>`, secret|secrets (exactly one), and the type's own options. */
export function verifyOptionsSchema(name: string, description: string, own: Record<string, Schema>, required: string[] = []): Schema {
  return {
    type: 'object',
    description,
    properties: { type: { const: name, description: 'Verifier type.' }, secret, secrets, ...own },
    required: ['type', ...required],
    oneOf: [{ required: ['secret'] }, { required: ['secrets'] }],
    additionalProperties: false,
  };
}

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
