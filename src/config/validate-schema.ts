/** ajv (draft 2020-12, all errors, formats) compiled once against buildSchema(). */

import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { buildSchema } from './schema.ts';

type FormatsPlugin = typeof formats.default;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
  // ajv-formats is CommonJS: under NodeNext its default import is module.exports, typed as the namespace.
  const addFormats: FormatsPlugin = (formats as unknown as { default?: FormatsPlugin }).default ?? (formats as unknown as FormatsPlugin);
  addFormats(ajv);
  compiled = ajv.compile(buildSchema());
  return compiled;
}

/** Every schema violation of `data` (the interpolated config); empty when it conforms. */
export function validateSchema(data: unknown): ErrorObject[] {
  const validate = validator();
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
