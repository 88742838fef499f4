/**
 * routes.yaml (validated, interpolated) → CompiledConfig: verifiers created, JSONata compiled,
 * durations parsed, target headers built, routes indexed by provider (and, through
 * route-index.ts, by event type). Runs once per load; the result is frozen and swapped atomically
 * on reload.
 */
import path from 'node:path';
import type { Expression } from 'jsonata';
import jsonata from 'jsonata';
import type { RoutesFile, TargetConfig } from '../config/types.ts';
import { compileBudgets } from '../delivery/budget-config.ts';
import { SetupError } from '../errors.ts';
import { secretHeaderSet } from '../providers/redaction.ts';
import { createVerifier } from '../providers/registry.ts';
import type { VerifyOptionsBase } from '../providers/types.ts';
import { kindOfConfig } from '../targets/registry.ts';
import { outgoingSigner } from '../targets/sign.ts';
import { parseDuration, parseSize } from '../util/units.ts';
import { compileEventPatterns } from './match-event.ts';
import { routeIndexFor } from './route-index.ts';
import { compileCooldown, compileGroup } from './shape-compile.ts';
import { type CompiledConfig, type CompiledProvider, type CompiledRoute, type CompiledTarget, DEFAULTS } from './types.ts';

export interface CompileMeta {
  readonly path: string;
  readonly dir: string;
  readonly sha256: string;
}

export interface CompileOptions {
  /** Replace a provider's verify options (hookgate test signs with throwaway secrets). */
  readonly secretOverride?: (providerName: string, verify: VerifyOptionsBase) => VerifyOptionsBase;
}

export function compileConfig(file: RoutesFile, meta: CompileMeta, options: CompileOptions = {}): CompiledConfig {
  const providers = new Map<string, CompiledProvider>();
  for (const [name, provider] of Object.entries(file.providers)) {
    const verify = options.secretOverride ? options.secretOverride(name, provider.verify) : provider.verify;
    providers.set(name, {
      name,
      type: verify.type,
      options: verify,
      verifier: createVerifier(verify),
      secretHeaders: secretHeaderSet(verify),
      eventExpr: provider.event === undefined ? null : compileJsonata(provider.event, `providers.${name}.event`),
      idExpr: provider.id === undefined ? null : compileJsonata(provider.id, `providers.${name}.id`),
    });
  }

  const targets = new Map<string, CompiledTarget>();
  for (const [name, target] of Object.entries(file.targets)) targets.set(name, compileTarget(name, target));

  const routes: CompiledRoute[] = file.routes.map(function compileRoute(route, index) {
    const where = `routes[${index}] (${route.name})`;
    if (!providers.has(route.from)) throw new SetupError(`${where}: unknown provider "${route.from}"`);
    const to = typeof route.to === 'string' ? [route.to] : [...route.to];
    for (const t of to) if (!targets.has(t)) throw new SetupError(`${where}: unknown target "${t}"`);
    return Object.freeze({
      name: route.name,
      provider: route.from,
      events: compileEventPatterns(route.events),
      filter: route.filter === undefined ? null : compileJsonata(route.filter, `${where}.filter`),
      map: route.map === undefined ? null : compileJsonata(route.map, `${where}.map`),
      targets: to,
      group: compileGroup(route, where),
      cooldown: compileCooldown(route, where),
    });
  });

  const routesByProvider = new Map<string, CompiledRoute[]>();
  for (const name of providers.keys()) routesByProvider.set(name, []);
  for (const route of routes) routesByProvider.get(route.provider)!.push(route);
  for (const list of routesByProvider.values()) routeIndexFor(list);

  const server = file.server ?? {};
  const rateLimit = server.rateLimit
    ? { requests: server.rateLimit.requests, perMs: requireDuration(server.rateLimit.per, 'server.rateLimit.per') }
    : null;

  return Object.freeze({
    path: meta.path,
    dir: meta.dir,
    sha256: meta.sha256,
    server: Object.freeze({
      host: server.host ?? DEFAULTS.host,
      port: server.port ?? DEFAULTS.port,
      bodyLimitBytes: server.bodyLimit === undefined ? DEFAULTS.bodyLimitBytes : requireSize(server.bodyLimit, 'server.bodyLimit'),
      rateLimit,
      trustProxy: server.trustProxy ?? false,
    }),
    store: resolveStoreUrl(file.store ?? DEFAULTS.store, meta.dir),
    retentionMs: file.retention === undefined ? DEFAULTS.retentionMs : requireDuration(file.retention, 'retention'),
    providers,
    targets,
    budgets: compileBudgets(file.budgets ?? {}, targets),
    routes,
    routesByProvider,
  });
}

/**
 * A relative `sqlite:./x.db` resolved against `dir`: the config's folder for the file's `store`,
 * the working directory for --store and $HOOKGATE_STORE. Other URLs pass through.
 */
export function resolveStoreUrl(url: string, dir: string): string {
  if (!url.startsWith('sqlite:')) return url;
  const file = url.slice('sqlite:'.length);
  if (file === ':memory:' || file.startsWith('//') || path.isAbsolute(file)) return url;
  return `sqlite:${path.resolve(dir, file)}`;
}

function compileTarget(name: string, target: TargetConfig): CompiledTarget {
  const where = `targets.${name}`;
  const kind = kindOfConfig(target);
  if (!kind) throw new SetupError(`${where}: needs either url or routine`);
  const { url, headers } = kind.endpoint(target);
  const retry = target.retry ?? {};
  const limit = target.rateLimit;
  return Object.freeze({
    name,
    kind: kind.name,
    url,
    headers,
    timeoutMs: target.timeout === undefined ? DEFAULTS.timeoutMs : requireDuration(target.timeout, `${where}.timeout`),
    retry: Object.freeze({
      maxAttempts: retry.maxAttempts ?? DEFAULTS.maxAttempts,
      initialDelayMs:
        retry.initialDelay === undefined ? DEFAULTS.initialDelayMs : requireDuration(retry.initialDelay, `${where}.retry.initialDelay`),
      maxDelayMs: retry.maxDelay === undefined ? DEFAULTS.maxDelayMs : requireDuration(retry.maxDelay, `${where}.retry.maxDelay`),
      maxAgeMs: retry.maxAge === undefined ? DEFAULTS.maxAgeMs : requireDuration(retry.maxAge, `${where}.retry.maxAge`),
    }),
    rateLimit:
      limit?.requests !== undefined && limit.per !== undefined
        ? Object.freeze({ requests: limit.requests, perMs: requireDuration(limit.per, `${where}.rateLimit.per`) })
        : null,
    concurrency: limit?.concurrency ?? DEFAULTS.concurrency,
    circuitBreaker:
      target.circuitBreaker?.enabled === false
        ? null
        : Object.freeze({
            failures: target.circuitBreaker?.failures ?? DEFAULTS.breakerFailures,
            cooldownMs:
              target.circuitBreaker?.cooldown === undefined
                ? DEFAULTS.breakerCooldownMs
                : requireDuration(target.circuitBreaker.cooldown, `${where}.circuitBreaker.cooldown`),
          }),
    ...(target.sign !== undefined ? { sign: outgoingSigner(target.sign, `${where}.sign`) } : {}),
    budget: target.budget ?? null,
  });
}

export function compileJsonata(source: string, where: string): Expression {
  try {
    return jsonata(source);
  } catch (err) {
    throw new SetupError(`${where}: JSONata does not compile: ${(err as Error).message}`);
  }
}

function requireDuration(text: string, where: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new SetupError(`${where}: "${text}" is not a duration (500ms, 30s, 5m, 1h, 1d)`);
  return ms;
}

function requireSize(text: string, where: string): number {
  const bytes = parseSize(text);
  if (bytes === undefined) throw new SetupError(`${where}: "${text}" is not a size (512kb, 1mb)`);
  return bytes;
}
