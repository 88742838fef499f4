/**
 * Semantic checks: what the schema cannot see. Each finding has its own code; the data may still
 * have schema errors, so every check looks at shapes defensively and skips what it cannot read.
 */

import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord, items } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { showPath } from './interpolate-document.ts';
import { budgetChecks } from './semantic-budgets.ts';
import { eventCatalogChecks } from './semantic-events.ts';
import { jsonataChecks } from './semantic-jsonata.ts';
import { targetKindChecks } from './semantic-targets.ts';
import { durationAndSizeChecks, eventPatternChecks, literalSecretChecks, verifyNoneChecks } from './semantic-values.ts';
import { SHAPE_CODES, shapeChecks } from './shape-checks.ts';
import { didYouMean } from './suggest.ts';

/** Every code a semantic check can report (no-secret comes from the secrets pass in secrets.ts). */
export const SEMANTIC_CODES = [
  'unknown-provider',
  'unknown-target',
  'duplicate-route',
  'duplicate-target',
  'jsonata',
  'filter-not-predicate',
  'duration',
  'size',
  'event-pattern',
  'unused-target',
  'unused-provider',
  'verify-none',
  'literal-secret',
  'no-secret',
  'unknown-budget',
  'unused-budget',
  'unknown-function',
  'filter-bare-path',
  'unknown-event',
  'routine-auth',
  ...SHAPE_CODES,
] as const;

export type SemanticCode = (typeof SEMANTIC_CODES)[number];

export function semanticChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  return [
    ...referenceChecks(data, ctx),
    ...jsonataChecks(data, ctx),
    ...durationAndSizeChecks(data, ctx),
    ...eventPatternChecks(data, ctx),
    ...literalSecretChecks(data, ctx),
    ...verifyNoneChecks(data, ctx),
    ...budgetChecks(data, ctx),
    ...eventCatalogChecks(data, ctx),
    ...targetKindChecks(data, ctx),
    ...shapeChecks(data, ctx),
  ];
}

/** `from` and `to` name declared providers and targets; route names are unique; nothing is left unused. */
export function referenceChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  const providers = entries(root.providers).map(([name]) => name);
  const targets = entries(root.targets).map(([name]) => name);
  const usedProviders = new Set<string>();
  const usedTargets = new Set<string>();
  const routeNames = new Map<string, number>();

  items(root.routes).forEach(function checkRoute(route, i) {
    if (!isRecord(route)) return;
    const label = typeof route.name === 'string' ? `route \`${route.name}\`` : showPath(['routes', i]);
    if (typeof route.name === 'string') {
      const first = routeNames.get(route.name);
      if (first === undefined) routeNames.set(route.name, i);
      else {
        const at = ctx.source.locate(['routes', first, 'name'], 'value');
        out.push(
          finding(
            ctx,
            ['routes', i, 'name'],
            'value',
            'error',
            'duplicate-route',
            `route name \`${route.name}\` is already used at line ${at.line}: route names must be unique`,
          ),
        );
      }
    }
    if (typeof route.from === 'string') {
      usedProviders.add(route.from);
      if (!providers.includes(route.from)) {
        out.push(
          finding(
            ctx,
            ['routes', i, 'from'],
            'value',
            'error',
            'unknown-provider',
            `${label}: unknown provider \`${route.from}\`${didYouMean(route.from, providers)}${declared('providers', providers)}`,
          ),
        );
      }
    }
    const to = typeof route.to === 'string' ? [route.to] : items(route.to);
    const seen = new Set<string>();
    to.forEach(function checkTarget(target, j) {
      if (typeof target !== 'string' || target === '') return;
      const path = typeof route.to === 'string' ? ['routes', i, 'to'] : ['routes', i, 'to', j];
      usedTargets.add(target);
      if (!targets.includes(target)) {
        out.push(
          finding(
            ctx,
            path,
            'value',
            'error',
            'unknown-target',
            `${label}: unknown target \`${target}\`${didYouMean(target, targets)}${declared('targets', targets)}`,
          ),
        );
      } else if (seen.has(target)) {
        out.push(finding(ctx, path, 'value', 'error', 'duplicate-target', `${label}: target \`${target}\` is listed twice`));
      }
      seen.add(target);
    });
  });

  for (const name of providers) {
    if (usedProviders.has(name)) continue;
    out.push(
      finding(
        ctx,
        ['providers', name],
        'key',
        'warning',
        'unused-provider',
        `provider \`${name}\` is not used by any route: its events are verified, then ignored`,
      ),
    );
  }
  for (const name of targets) {
    if (usedTargets.has(name)) continue;
    out.push(finding(ctx, ['targets', name], 'key', 'warning', 'unused-target', `target \`${name}\` is not used by any route`));
  }
  return out;
}

function declared(kind: string, names: readonly string[]): string {
  if (names.length === 0) return `; no ${kind} are declared`;
  if (names.length > 8) return '';
  return `; declared ${kind}: ${names.join(', ')}`;
}
