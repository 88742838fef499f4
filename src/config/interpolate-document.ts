/**
 * Applies ${ENV} interpolation to every string value of the document in place (keys are names and
 * stay as written), and remembers per value whether it held a reference and which variables or
 * files were missing, for the later checks (literal secrets, empty secrets, schema errors that a
 * missing variable explains).
 */

import type { Node, Scalar } from 'yaml';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Diagnostic, Severity } from './diagnostic.ts';
import type { InterpolationContext } from './interpolate.ts';
import { interpolate } from './interpolate.ts';
import type { ConfigPath, YamlSource } from './yaml-source.ts';

export interface ValueRecord {
  readonly path: ConfigPath;
  /** The text as written, before interpolation. */
  readonly raw: string;
  readonly hadReference: boolean;
  /** Missing variable names and unreadable `${file:...}` paths that this value needed. */
  readonly missing: readonly string[];
}

export interface InterpolationOutcome {
  /** By pathKey(path). */
  readonly records: ReadonlyMap<string, ValueRecord>;
  /** Missing variable names, once each, in order of first use. */
  readonly missingEnv: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export function pathKey(path: ConfigPath): string {
  return JSON.stringify(path.map(String));
}

/** Human form of a path: `providers.stripe.verify.secret`, `routes[0].to`. */
export function showPath(path: ConfigPath): string {
  if (path.length === 0) return 'the top level';
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}

export function interpolateDocument(
  source: YamlSource,
  file: string,
  ctx: InterpolationContext,
  /** Severity of a missing variable or file; null reports nothing (lenient mode). */
  missingSeverity: Severity | null,
): InterpolationOutcome {
  const records = new Map<string, ValueRecord>();
  const missingEnv: string[] = [];
  const diagnostics: Diagnostic[] = [];

  visit(source.doc.contents as Node | null, []);
  return { records, missingEnv, diagnostics };

  function visit(node: Node | null, path: ConfigPath): void {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value as Node | null, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach(function visitItem(item, i) {
        visit(item as Node | null, [...path, i]);
      });
    } else if (isScalar(node) && typeof node.value === 'string') {
      interpolateScalar(node as Scalar<string>, path);
    }
  }

  function interpolateScalar(node: Scalar<string>, path: ConfigPath): void {
    const raw = node.value;
    if (!raw.includes('$')) return;
    const result = interpolate(raw, ctx);
    const at = node.range ? source.position(node.range[0]) : { line: 1, col: 1 };
    const where = showPath(path);
    for (const message of result.syntaxErrors) {
      diagnostics.push({ file, ...at, severity: 'error', code: 'env-syntax', message: `${where}: ${message}` });
    }
    for (const name of result.missingVars) {
      if (!missingEnv.includes(name)) missingEnv.push(name);
      if (missingSeverity === null) continue;
      diagnostics.push({
        file,
        ...at,
        severity: missingSeverity,
        code: 'env-missing',
        message: `${where}: environment variable ${name} is not set (set it, or give a default with \${${name}:-...})`,
      });
    }
    for (const path_ of result.missingFiles) {
      if (missingSeverity === null) continue;
      diagnostics.push({
        file,
        ...at,
        severity: missingSeverity,
        code: 'file-missing',
        message: `${where}: cannot read the file ${path_} (relative paths start at the config's folder)`,
      });
    }
    records.set(pathKey(path), {
      path,
      raw,
      hadReference: result.hadReference,
      missing: [...result.missingVars, ...result.missingFiles],
    });
    node.value = result.value;
    if (result.hadReference && node.type === 'PLAIN') (node as Scalar<unknown>).value = plainScalarValue(result.value);
  }
}

/**
 * An unquoted `port: ${PORT}` should be a number once expanded, as if the value had been written
 * there: integers, decimals and true/false take their YAML types; anything else stays a string.
 */
function plainScalarValue(text: string): unknown {
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^-?\d+\.\d+$/.test(text)) return Number(text);
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}
