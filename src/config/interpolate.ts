/**
 * ${ENV} interpolation of one string: `${NAME}`, `${NAME:-default}` (used when
 * NAME is unset or empty), `${file:path}` (relative to the config's folder, trailing newlines
 * trimmed) and `$${` for a literal `${`. Only names and paths are reported, never values.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface InterpolationContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folder that `${file:...}` paths are relative to. */
  readonly dir: string;
}

export interface Interpolated {
  readonly value: string;
  /** True when the text held at least one `${...}` reference (escapes do not count). */
  readonly hadReference: boolean;
  /** Variables referenced without a default that are not set. */
  readonly missingVars: readonly string[];
  /** `${file:...}` paths (as written) that could not be read. */
  readonly missingFiles: readonly string[];
  /** Malformed references, described without any value. */
  readonly syntaxErrors: readonly string[];
}

const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;
const HINT = 'use ${NAME}, ${NAME:-default} or ${file:path}, and $${ for a literal ${';

export function interpolate(text: string, ctx: InterpolationContext): Interpolated {
  const missingVars: string[] = [];
  const missingFiles: string[] = [];
  const syntaxErrors: string[] = [];
  let hadReference = false;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) break;
    out += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (text[dollar + 1] !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) {
      syntaxErrors.push(`unclosed \`\${\`: ${HINT}`);
      out += text.slice(dollar);
      i = text.length;
      break;
    }
    hadReference = true;
    const inner = text.slice(dollar + 2, close);
    out += resolveReference(inner);
    i = close + 1;
  }
  if (i < text.length) out += text.slice(i);
  return { value: out, hadReference, missingVars, missingFiles, syntaxErrors };

  function resolveReference(inner: string): string {
    if (inner.startsWith('file:')) return readSecretFile(inner.slice('file:'.length));
    const m = NAME.exec(inner);
    if (!m) {
      syntaxErrors.push(`\`\${${inner}}\` is not a valid reference: ${HINT}`);
      return '';
    }
    const name = m[1]!;
    const fallback = m[2];
    const value = ctx.env[name];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) {
      if (!missingVars.includes(name)) missingVars.push(name);
      return '';
    }
    return value;
  }

  function readSecretFile(path: string): string {
    if (path.trim() === '') {
      syntaxErrors.push(`\`\${file:}\` names no file: ${HINT}`);
      return '';
    }
    try {
      return readFileSync(resolve(ctx.dir, path), 'utf8').replace(/(\r?\n)+$/, '');
    } catch {
      if (!missingFiles.includes(path)) missingFiles.push(path);
      return '';
    }
  }
}
