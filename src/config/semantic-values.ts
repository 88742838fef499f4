/**
 * Checks of single values that the schema cannot express: durations and sizes that parse but make
 * no sense (a zero window, retries that shrink), `events` pattern syntax, secrets written into
 * the file instead of referenced, and `type: none`.
 */
import { parseDuration, parseSize } from '../util/units.ts';
import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord, items, record } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { showPath } from './interpolate-document.ts';
import type { ConfigPath } from './yaml-source.ts';

/** Keys whose values are credentials: they must come from ${ENV} or ${file:...}. */
const SECRET_KEYS = new Set(['secret', 'secrets', 'token', 'bearer', 'password']);
/** A reference with a non-empty default: `${NAME:-value}`. */
const WITH_DEFAULT = /\$\{[A-Za-z_][A-Za-z0-9_]*:-[^}]+\}/;
/** Extra headers that carry credentials. */
const SECRET_HEADER = /authorization|token|secret|password|api-?key/i;

export function durationAndSizeChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  const server = isRecord(root.server) ? root.server : {};
  positive(['server', 'bodyLimit'], server.bodyLimit, 'size');
  positive(['server', 'rateLimit', 'per'], isRecord(server.rateLimit) ? server.rateLimit.per : undefined, 'duration');
  positive(['retention'], root.retention, 'duration');
  for (const [name, provider] of entries(root.providers)) {
    const verify = isRecord(provider) && isRecord(provider.verify) ? provider.verify : {};
    positive(['providers', name, 'verify', 'tolerance'], verify.tolerance, 'duration');
  }
  for (const [name, target] of entries(root.targets)) {
    if (!isRecord(target)) continue;
    positive(['targets', name, 'timeout'], target.timeout, 'duration');
    positive(['targets', name, 'rateLimit', 'per'], isRecord(target.rateLimit) ? target.rateLimit.per : undefined, 'duration');
    const retry = isRecord(target.retry) ? target.retry : {};
    positive(['targets', name, 'retry', 'maxDelay'], retry.maxDelay, 'duration');
    const initial = typeof retry.initialDelay === 'string' ? parseDuration(retry.initialDelay) : undefined;
    const max = typeof retry.maxDelay === 'string' ? parseDuration(retry.maxDelay) : undefined;
    if (initial !== undefined && max !== undefined && max > 0 && initial > max) {
      const path = ['targets', name, 'retry', 'initialDelay'];
      out.push(
        finding(ctx, path, 'value', 'warning', 'duration', `${showPath(path)} is longer than maxDelay: every retry will wait maxDelay`),
      );
    }
  }
  return out;

  function positive(path: ConfigPath, value: unknown, kind: 'duration' | 'size'): void {
    if (typeof value !== 'string') return;
    const amount = kind === 'duration' ? parseDuration(value) : parseSize(value);
    if (amount === undefined || amount > 0) return;
    out.push(finding(ctx, path, 'value', 'error', kind, `${showPath(path)} must be more than zero`));
  }
}

/** `customer.subscription`, `*.created`, `orders/create`: dot-separated, `*` as a whole segment. */
export function eventPatternProblem(pattern: string): string | undefined {
  if (pattern.trim() !== pattern || /\s/.test(pattern)) return 'contains white space';
  const segments = pattern.split('.');
  if (segments.some((s) => s === '')) return 'has an empty segment (segments are separated by single dots)';
  if (segments.some((s) => s.includes('*') && s !== '*')) return '`*` must stand alone as a whole segment, as in `customer.*.created`';
  return undefined;
}

export function eventPatternChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const routes = isRecord(data) ? items(data.routes) : [];
  routes.forEach(function checkRoute(route, i) {
    if (!isRecord(route)) return;
    items(route.events).forEach(function checkPattern(pattern, j) {
      if (typeof pattern !== 'string' || pattern === '') return;
      const problem = eventPatternProblem(pattern);
      const path = ['routes', i, 'events', j];
      if (problem)
        out.push(
          finding(ctx, path, 'value', 'error', 'event-pattern', `${showPath(path)}: \`${pattern}\` is not an event pattern: it ${problem}`),
        );
    });
  });
  return out;
}

export function literalSecretChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(data, []);
  return out;

  function visit(value: unknown, path: ConfigPath): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        visit(v, [...path, i]);
      });
    } else if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    else if (typeof value === 'string' && value !== '' && holdsSecret(path)) checkWritten(path);
  }

  function holdsSecret(path: ConfigPath): boolean {
    const key = path[path.length - 1];
    const parent = path[path.length - 2];
    if (typeof key === 'string' && SECRET_KEYS.has(key)) return true;
    if (typeof key === 'number' && parent === 'secrets') return true;
    return parent === 'headers' && typeof key === 'string' && SECRET_HEADER.test(key);
  }

  function checkWritten(path: ConfigPath): void {
    const written = record(ctx, path);
    if (written?.hadReference) {
      // `${NAME:-}` (empty, the rotation idiom) is fine; a non-empty default is a secret in the file.
      if (!WITH_DEFAULT.test(written.raw)) return;
      out.push(
        finding(
          ctx,
          path,
          'value',
          'warning',
          'literal-secret',
          `${showPath(path)} has a default written in the file: drop the default so the secret comes only from the environment`,
        ),
      );
      return;
    }
    out.push(
      finding(
        ctx,
        path,
        'value',
        'warning',
        'literal-secret',
        `${showPath(path)} is written in the file: reference it instead, as \${NAME} or \${file:path}, so it stays out of git`,
      ),
    );
  }
}

export function verifyNoneChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, provider] of entries(isRecord(data) ? data.providers : undefined)) {
    if (!isRecord(provider) || !isRecord(provider.verify) || provider.verify.type !== 'none') continue;
    out.push(
      finding(
        ctx,
        ['providers', name, 'verify', 'type'],
        'value',
        'warning',
        'verify-none',
        `provider \`${name}\` accepts requests from anyone (type: none): for local experiments only`,
      ),
    );
  }
  return out;
}
