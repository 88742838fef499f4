/** What every semantic check gets: the interpolated data, positions, and how each value was written. */
import type { Diagnostic, Severity } from './diagnostic.ts';
import type { ValueRecord } from './interpolate-document.ts';
import { pathKey } from './interpolate-document.ts';
import type { ConfigPath, YamlSource } from './yaml-source.ts';

export interface CheckContext {
  readonly file: string;
  readonly source: YamlSource;
  readonly records: ReadonlyMap<string, ValueRecord>;
}

export function record(ctx: CheckContext, path: ConfigPath): ValueRecord | undefined {
  return ctx.records.get(pathKey(path));
}

export function finding(
  ctx: CheckContext,
  path: ConfigPath,
  at: 'key' | 'value',
  severity: Severity,
  code: string,
  message: string,
): Diagnostic {
  return { file: ctx.file, ...ctx.source.locate(path, at), severity, code, message };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The entries of a mapping, or none when the value is not one. */
export function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** The items of a list, or none when the value is not one. */
export function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
