/** A type's options schema and description, both taken from VERIFY_OPTION_SCHEMAS (the single source). */
import { SetupError } from '../errors.ts';
import { VERIFY_OPTION_SCHEMAS } from './options.ts';

export function schemaOf(type: string): { readonly optionsSchema: Readonly<Record<string, unknown>>; readonly description: string } {
  const optionsSchema = VERIFY_OPTION_SCHEMAS[type];
  if (optionsSchema === undefined) throw new SetupError(`no options schema for verifier type ${type}`);
  const description = typeof optionsSchema.description === 'string' ? optionsSchema.description : type;
  return { optionsSchema, description };
}
