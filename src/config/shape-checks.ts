/**
 * Checks of the fire-shaping fields of a route (`group:`, `cooldown:`) that the schema cannot
 * express: windows of zero, a `maxWait` shorter than `wait`, keys that are not valid JSONata,
 * and `$group` used where nothing binds it (a filter, or the map of a route without `group`).
 */
import jsonata from 'jsonata';
import { isScalar } from 'yaml';
import { parseDuration } from '../util/units.ts';
import type { CheckContext } from './check-context.ts';
import { finding, isRecord, items } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { showPath } from './interpolate-document.ts';
import { jsonataError } from './semantic-jsonata.ts';
import type { ConfigPath } from './yaml-source.ts';
import { scalarSourceOffset } from './yaml-source.ts';

const DEFAULT_RETENTION_MS = 7 * 86_400_000;

export const SHAPE_CODES = ['group-max-wait', 'group-unbound', 'cooldown-by-ignored'] as const;

export function shapeChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  items(root.routes).forEach(function checkRoute(route, i) {
    if (!isRecord(route)) return;
    const group = isRecord(route.group) ? route.group : null;
    if (group) {
      const wait = positive(['routes', i, 'group', 'wait'], group.wait);
      const maxWait = positive(['routes', i, 'group', 'maxWait'], group.maxWait);
      if (wait !== undefined && maxWait !== undefined && maxWait < wait) {
        const path = ['routes', i, 'group', 'maxWait'];
        out.push(
          finding(
            ctx,
            path,
            'value',
            'error',
            'group-max-wait',
            `${showPath(path)} (${String(group.maxWait)}) is shorter than wait (${String(group.wait)}): a group would fire before it could go quiet`,
          ),
        );
      }
      const retention = typeof root.retention === 'string' ? (parseDuration(root.retention) ?? DEFAULT_RETENTION_MS) : DEFAULT_RETENTION_MS;
      const longest = maxWait ?? (wait === undefined ? undefined : wait * 10);
      if (longest !== undefined && longest > retention) {
        const path = ['routes', i, 'group', group.maxWait === undefined ? 'wait' : 'maxWait'];
        out.push(
          finding(
            ctx,
            path,
            'value',
            'warning',
            'group-max-wait',
            `${showPath(['routes', i, 'group'])} may stay open longer than retention keeps its events (${String(root.retention ?? '7d')}): shorten maxWait`,
          ),
        );
      }
      compiles(['routes', i, 'group', 'by'], group.by);
    }
    if (typeof route.cooldown === 'string') positive(['routes', i, 'cooldown'], route.cooldown);
    else if (isRecord(route.cooldown)) {
      positive(['routes', i, 'cooldown', 'for'], route.cooldown.for);
      const byOk = compiles(['routes', i, 'cooldown', 'by'], route.cooldown.by);
      if (byOk && group) {
        const path = ['routes', i, 'cooldown', 'by'];
        out.push(
          finding(
            ctx,
            path,
            'value',
            'warning',
            'cooldown-by-ignored',
            `${showPath(path)} is not used: a grouped route cools down per group key (group.by)`,
          ),
        );
      }
    }
    unbound(['routes', i, 'filter'], route.filter, 'a filter runs on each event as it arrives, before any group fires');
    if (group) unbound(['routes', i, 'group', 'by'], group.by, 'the group key is computed on each event as it arrives');
    else unbound(['routes', i, 'map'], route.map, 'the route has no `group:`');
  });
  return out;

  function positive(path: ConfigPath, value: unknown): number | undefined {
    if (typeof value !== 'string') return undefined;
    const ms = parseDuration(value);
    if (ms === undefined) return undefined;
    if (ms > 0) return ms;
    out.push(finding(ctx, path, 'value', 'error', 'duration', `${showPath(path)} must be more than zero`));
    return undefined;
  }

  function compiles(path: ConfigPath, expression: unknown): boolean {
    if (typeof expression !== 'string' || expression.trim() === '') return false;
    const failure = jsonataError(expression);
    if (!failure) return true;
    out.push({
      file: ctx.file,
      ...at(path, failure.index),
      severity: 'error',
      code: 'jsonata',
      message: `${showPath(path)} is not valid JSONata: ${failure.message}`,
    });
    return false;
  }

  function unbound(path: ConfigPath, expression: unknown, why: string): void {
    if (typeof expression !== 'string') return;
    const index = groupVariableIndex(expression);
    if (index === undefined) return;
    out.push({
      file: ctx.file,
      ...at(path, index),
      severity: 'error',
      code: 'group-unbound',
      message: `${showPath(path)} uses $group, which is bound only in the map of a grouped route: ${why}`,
    });
  }

  function at(path: ConfigPath, index: number): { line: number; col: number } {
    const node = ctx.source.nodeAt(path);
    const offset = isScalar(node) ? scalarSourceOffset(ctx.source.text, node, index) : undefined;
    return offset === undefined ? ctx.source.locate(path, 'value') : ctx.source.position(offset);
  }
}

interface AstNode {
  readonly type?: unknown;
  readonly value?: unknown;
  readonly position?: unknown;
}

/** Index in the expression of the first `$group` it reads, or undefined (also when it does not compile). */
export function groupVariableIndex(expression: string): number | undefined {
  let ast: unknown;
  try {
    ast = jsonata(expression).ast();
  } catch {
    return undefined;
  }
  let found: number | undefined;
  const seen = new Set<unknown>();
  visit(ast);
  return found;

  function visit(node: unknown): void {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const n = node as AstNode;
    if (n.type === 'variable' && n.value === 'group' && typeof n.position === 'number') {
      // JSONata's position is just past the token: `$group` is six characters.
      const index = Math.max(0, n.position - '$group'.length);
      if (found === undefined || index < found) found = index;
    }
    for (const value of Object.values(n)) visit(value);
  }
}
