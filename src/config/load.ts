/**
 * Loads routes.yaml: YAML with positions → ${ENV} interpolation → JSON Schema (ajv) → semantic
 * checks → empty secrets dropped. Every finding is a Diagnostic with a line and column; `config`
 * is set only when there is no error.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, type Node, visit } from 'yaml';
import type { CheckContext } from './check-context.ts';
import type { Diagnostic, Severity } from './diagnostic.ts';
import { hasErrors } from './diagnostic.ts';
import { interpolateDocument, pathKey } from './interpolate-document.ts';
import { schemaDiagnostics } from './schema-errors.ts';
import { applySecrets } from './secrets.ts';
import { semanticChecks } from './semantic.ts';
import type { RoutesFile } from './types.ts';
import { validateSchema } from './validate-schema.ts';
import type { YamlSource } from './yaml-source.ts';
import { parseYamlSource } from './yaml-source.ts';

export interface LoadOptions {
  /** Default process.env. */
  env?: Record<string, string | undefined>;
  /** A missing ${VAR} without default is an error instead of a warning. */
  strictEnv?: boolean;
  /**
   * 'serve': a missing variable is an error (serve refuses to start). 'validate' (the default): a
   * warning unless strictEnv. 'lenient': missing variables silently become "" (hookgate test).
   */
  mode?: 'serve' | 'validate' | 'lenient';
  /** A relative path given to loadConfigFile resolves against it (default process.cwd()). */
  cwd?: string;
}

export interface LoadResult {
  /** The path as given, for messages (e.g. "routes.yaml"). */
  file: string;
  absPath: string;
  dir: string;
  /** Hex sha256 of the file's bytes. */
  sha256: string;
  /** Interpolated and validated; null when there is any error. */
  config: RoutesFile | null;
  diagnostics: Diagnostic[];
  /** Names only, never values. */
  missingEnv: string[];
}

export function loadConfigFile(path: string, options: LoadOptions = {}): LoadResult {
  const absPath = resolve(options.cwd ?? process.cwd(), path);
  const dir = dirname(absPath);
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    const diagnostic: Diagnostic = {
      file: path,
      line: 0,
      col: 0,
      severity: 'error',
      code: 'file',
      message: `cannot read ${path}: ${reason}`,
    };
    return { file: path, absPath, dir, sha256: '', config: null, diagnostics: [diagnostic], missingEnv: [] };
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return { ...loadText(text, path, dir, options), absPath, sha256: sha256(bytes) };
}

export function loadConfigText(text: string, file: string, dir: string, options: LoadOptions = {}): LoadResult {
  return loadText(text, file, dir, options);
}

function loadText(text: string, file: string, dir: string, options: LoadOptions): LoadResult {
  const base = { file, absPath: resolve(dir, file), dir: resolve(dir), sha256: sha256(Buffer.from(text, 'utf8')) };
  const source = parseYamlSource(text);
  const yamlDiagnostics = yamlProblems(source, file);
  if (hasErrors(yamlDiagnostics)) return { ...base, config: null, diagnostics: yamlDiagnostics, missingEnv: [] };

  const mode = options.mode ?? 'validate';
  const interpolation = interpolateDocument(
    source,
    file,
    { env: options.env ?? process.env, dir: base.dir },
    missingSeverity(mode, options.strictEnv),
  );
  const data: unknown = source.doc.toJS();
  const ctx: CheckContext = { file, source, records: interpolation.records };

  const schema = schemaDiagnostics(validateSchema(data), {
    file,
    locate: source.locate,
    isInterpolated: (path) => ctx.records.get(pathKey(path))?.hadReference ?? false,
    isMissing: (path) => (ctx.records.get(pathKey(path))?.missing.length ?? 0) > 0,
  });
  const semantic = semanticChecks(data, ctx);
  const secrets = applySecrets(data, ctx, mode === 'serve');
  const diagnostics = sortDiagnostics([...yamlDiagnostics, ...interpolation.diagnostics, ...schema, ...semantic, ...secrets]);
  const config = hasErrors(diagnostics) ? null : (deepFreeze(data) as RoutesFile);
  return { ...base, config, diagnostics, missingEnv: [...interpolation.missingEnv] };
}

function missingSeverity(mode: 'serve' | 'validate' | 'lenient', strictEnv: boolean | undefined): Severity | null {
  if (mode === 'serve' || strictEnv) return 'error';
  return mode === 'validate' ? 'warning' : null;
}

/** YAML syntax errors, duplicate keys and YAML warnings, with positions. */
function yamlProblems(source: YamlSource, file: string): Diagnostic[] {
  // After the first syntax error the parser's view of the rest is unreliable: one line per
  // token follows. Keep that first one; duplicate keys are independent findings, keep them all.
  const firstSyntax = source.doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  const errors = source.doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === firstSyntax);
  const problems = [
    ...errors.map((e) => ({ e, severity: 'error' as const })),
    ...source.doc.warnings.map((e) => ({ e, severity: 'warning' as const })),
  ];
  const diagnostics = problems.map(function toDiagnostic({ e, severity }): Diagnostic {
    const at = source.position(e.pos[0]);
    const message = e.code === 'DUPLICATE_KEY' ? duplicateKeyMessage(source, e.pos[0]) : firstLine(e.message);
    return { file, ...at, severity, code: 'yaml', message };
  });
  return [...diagnostics, ...mergeKeyProblems(source, file)];
}

/**
 * YAML merge keys (`<<: *defaults`) are a YAML 1.1 extension that routes.yaml does not take: left
 * alone they would read as a key named `<<`, and the schema would report a puzzling unknown
 * property. Said plainly instead, with what works.
 */
function mergeKeyProblems(source: YamlSource, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(source.doc, {
    Pair(_, pair, path) {
      const key = pair.key as Node | null;
      if (!isScalar(key) || key.value !== '<<' || key.type !== 'PLAIN' || !isMap(path[path.length - 1])) return;
      out.push({
        file,
        ...source.position(key.range?.[0] ?? 0),
        severity: 'error',
        code: 'yaml',
        message:
          'YAML merge keys (`<<`) are not supported: write the keys out in this mapping (an alias for a whole value, as in `retry: *fast`, does work)',
      });
    },
  });
  return out;
}

function duplicateKeyMessage(source: YamlSource, offset: number): string {
  const key = /^[^\s:#]+|^"[^"]*"|^'[^']*'/.exec(source.text.slice(offset))?.[0];
  return key ? `duplicate key ${key}: each key may appear once in a mapping` : 'duplicate key: each key may appear once in a mapping';
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
