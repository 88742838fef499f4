/**
 * ajv errors → one clear diagnostic per problem, at the key (unknown properties, bad names) or the
 * value at fault. ajv reports every failed branch of a oneOf and every if/then it tried; those are
 * collapsed: "needs exactly one of `url` or `routine`", or the errors of the branch that got
 * furthest. Values are echoed only when they were written literally (never from ${ENV}).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { verifierTypeNames } from '../providers/registry.ts';
import { DURATION_PATTERN, SIZE_PATTERN } from '../util/units.ts';
import type { Diagnostic } from './diagnostic.ts';
import { showPath } from './interpolate-document.ts';
import { HEADER_NAME_PATTERN, HTTP_URL_PATTERN, NAME_PATTERN, PROVIDER_NAME_PATTERN, STORE_PATTERN } from './schema.ts';
import { didYouMean } from './suggest.ts';
import type { ConfigPath, Position } from './yaml-source.ts';

export interface SchemaErrorContext {
  readonly file: string;
  locate(path: ConfigPath, which: 'key' | 'value'): Position;
  /** True when the value at path came from ${ENV}: it is not echoed. */
  isInterpolated(path: ConfigPath): boolean;
  /** True when the value at path needed a missing variable: its schema errors are explained already. */
  isMissing(path: ConfigPath): boolean;
}

interface Finding {
  readonly path: ConfigPath;
  readonly at: 'key' | 'value';
  readonly code: string;
  readonly message: string;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'a mapping',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'empty',
};

const PATTERN_TEXT: Record<string, { code: string; text: string }> = {
  [DURATION_PATTERN]: { code: 'duration', text: 'must be a duration such as 500ms, 30s, 5m, 1h or 1d' },
  [SIZE_PATTERN]: { code: 'size', text: 'must be a size such as 512kb or 1mb' },
  [STORE_PATTERN]: { code: 'schema', text: 'must be sqlite:<path> or a postgres:// URL' },
  [HTTP_URL_PATTERN]: { code: 'schema', text: 'must be an http:// or https:// URL' },
  [NAME_PATTERN]: { code: 'schema', text: 'must be a name of letters, digits, -, _, . and :' },
};

const NAME_RULES: Record<string, string> = {
  [PROVIDER_NAME_PATTERN]:
    'is not a valid provider name: it is part of the URL /webhooks/{name}, so use lower-case letters, digits, - and _, starting with a letter or digit',
  [NAME_PATTERN]: 'is not a valid name: use letters, digits, -, _, . and :, starting with a letter or digit',
  [HEADER_NAME_PATTERN]: 'is not a valid HTTP header name',
};

export function schemaDiagnostics(errors: readonly ErrorObject[], ctx: SchemaErrorContext): Diagnostic[] {
  const findings = collapse(errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames')).map(toFinding);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const f of findings) {
    if (f.at === 'value' && ctx.isMissing(f.path)) continue;
    const id = `${f.path.join('/')}|${f.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ file: ctx.file, ...ctx.locate(f.path, f.at), severity: 'error', code: f.code, message: f.message });
  }
  return out;

  function toFinding(e: ErrorObject): Finding {
    const path = pointerToPath(e.instancePath);
    const where = showPath(path);
    const shown = literal(path, e.data);
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'required': {
        const missing = String(params.missingProperty);
        const types = missing === 'type' && path[path.length - 1] === 'verify' ? ` (one of: ${verifierTypeNames().join(', ')})` : '';
        return { path, at: 'value', code: 'schema', message: `${where}: missing required property \`${missing}\`${types}` };
      }
      case 'additionalProperties': {
        const name = String(params.additionalProperty);
        const known = Object.keys(propertiesOf(e.parentSchema));
        const hint = didYouMean(name, known) || (known.length > 0 ? ` (allowed: ${known.join(', ')})` : '');
        return { path: [...path, name], at: 'key', code: 'schema', message: `${where}: unknown property \`${name}\`${hint}` };
      }
      case 'type':
        return { path, at: 'value', code: 'schema', message: `${where} must be ${typeText(params.type)}` };
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map(String);
        const isType = path[path.length - 1] === 'type' && path[path.length - 2] === 'verify';
        const hint = shown && typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
        const what = isType ? `unknown verifier type${shown ? ` ${shown}` : ''}` : `${where}${shown ? ` ${shown}` : ''} is not allowed`;
        return {
          path,
          at: 'value',
          code: 'schema',
          message: `${what}${hint}; valid ${isType ? 'types' : 'values'}: ${allowed.join(', ')}`,
        };
      }
      case 'const':
        return { path, at: 'value', code: 'schema', message: `${where} must be ${JSON.stringify(params.allowedValue)}` };
      case 'pattern':
        return patternFinding(e, path, where, shown);
      case 'format':
        return { path, at: 'value', code: 'schema', message: `${where} must be a valid ${String(params.format).toUpperCase()}` };
      case 'dependentRequired':
        return {
          path,
          at: 'value',
          code: 'schema',
          message: `${where}: \`${String(params.property)}\` needs \`${String(params.missingProperty)}\` too`,
        };
      case 'oneOf':
      case 'anyOf':
        return alternativesFinding(e, path, where);
      default:
        return { path, at: 'value', code: 'schema', message: `${where} ${e.message ?? 'is not valid'}` };
    }
  }

  function patternFinding(e: ErrorObject, path: ConfigPath, where: string, shown: string): Finding {
    const pattern = String((e.params as Record<string, unknown>).pattern);
    if (e.propertyName !== undefined) {
      const rule = NAME_RULES[pattern] ?? `must match ${pattern}`;
      return { path: [...path, e.propertyName], at: 'key', code: 'schema', message: `${where}: \`${e.propertyName}\` ${rule}` };
    }
    const known = PATTERN_TEXT[pattern];
    const text = known?.text ?? `must match ${pattern}`;
    return { path, at: 'value', code: known?.code ?? 'schema', message: `${where}${shown ? ` (${shown})` : ''} ${text}` };
  }

  function alternativesFinding(e: ErrorObject, path: ConfigPath, where: string): Finding {
    const names = requiredAlternatives(e.schema);
    const list = names.map((n) => `\`${n}\``).join(' or ');
    const passing = (e.params as Record<string, unknown>).passingSchemas;
    const message = Array.isArray(passing) ? `${where}: use only one of ${list}, not both` : `${where}: needs ${list}`;
    return { path, at: 'value', code: 'schema', message };
  }

  function literal(path: ConfigPath, data: unknown): string {
    if (ctx.isInterpolated(path)) return '';
    if (typeof data === 'string' && data.length <= 60 && !/[\r\n]/.test(data)) return `\`${data}\``;
    if (typeof data === 'number' || typeof data === 'boolean') return `\`${String(data)}\``;
    return '';
  }
}

/**
 * Drops the branch errors of every oneOf/anyOf. A oneOf over `required` alternatives stays one
 * error (explained by alternativesFinding); any other is replaced by the errors of the branch
 * that got deepest into the data, which is the branch the author most likely meant.
 */
function collapse(errors: readonly ErrorObject[]): ErrorObject[] {
  const outer = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  let rest = [...errors];
  for (const alt of outer) {
    if (!rest.includes(alt)) continue;
    const prefix = `${alt.schemaPath}/`;
    const branchErrors = rest.filter((e) => e.schemaPath.startsWith(prefix));
    rest = rest.filter((e) => !e.schemaPath.startsWith(prefix));
    if (requiredAlternatives(alt.schema).length > 0) continue;
    rest = rest.filter((e) => e !== alt).concat(collapse(bestBranch(branchErrors, prefix)));
  }
  return rest;
}

function bestBranch(errors: readonly ErrorObject[], prefix: string): ErrorObject[] {
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const branch = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
  }
  let best: ErrorObject[] = [];
  let bestDepth = -1;
  for (const group of byBranch.values()) {
    const depth = Math.max(...group.map((e) => e.instancePath.split('/').length));
    if (depth > bestDepth || (depth === bestDepth && group.length < best.length)) {
      best = group;
      bestDepth = depth;
    }
  }
  return best;
}

/** For `oneOf: [{required: [a]}, {required: [b]}]`, the names [a, b]; else []. */
function requiredAlternatives(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  const names: string[] = [];
  for (const branch of schema) {
    if (typeof branch !== 'object' || branch === null) return [];
    const keys = Object.keys(branch);
    const required = (branch as Record<string, unknown>).required;
    if (keys.length !== 1 || !Array.isArray(required) || required.length !== 1) return [];
    names.push(String(required[0]));
  }
  return names;
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null) return {};
  const properties = (schema as Record<string, unknown>).properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, unknown>) : {};
}

function typeText(type: unknown): string {
  const types = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' or ');
}

/** `/routes/0/to` → ['routes', 0, 'to'] (numeric segments become numbers). */
export function pointerToPath(pointer: string): ConfigPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
