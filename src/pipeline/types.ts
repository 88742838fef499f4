/**
 * The compiled form of routes.yaml: everything parsed, resolved and compiled once at load (JSONata
 * included), frozen, and swapped atomically on reload. Nothing here is rebuilt per request.
 */
import type { Expression } from 'jsonata';
import type { Verifier, VerifyOptionsBase } from '../providers/types.ts';
import type { OutgoingSigner } from '../targets/sign.ts';
import type { TargetKindName } from '../targets/types.ts';
import type { CompiledCooldown, CompiledGroup } from './shape-compile.ts';

export interface CompiledProvider {
  readonly name: string;
  readonly type: string;
  readonly options: VerifyOptionsBase;
  readonly verifier: Verifier;
  /** Header names (lower case) to drop before storing or logging a request of this provider. */
  readonly secretHeaders: ReadonlySet<string>;
  readonly eventExpr: Expression | null;
  readonly idExpr: Expression | null;
}

export interface CompiledTarget {
  readonly name: string;
  /** Which kind of target (src/targets): how its requests are built and its answers read. */
  readonly kind: TargetKindName;
  readonly url: string;
  /**
   * Every header to send except Idempotency-Key: Content-Type, auth (Bearer/Basic), the
   * routine's anthropic-version and anthropic-beta, and the target's extra headers.
   */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retry: {
    readonly maxAttempts: number;
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    /** Time since the delivery was created (or last replayed) after which it is dead-lettered as expired. */
    readonly maxAgeMs: number;
  };
  /** Sliding-window limit; null when the target has none. */
  readonly rateLimit: { readonly requests: number; readonly perMs: number } | null;
  readonly concurrency: number;
  /** Consecutive failures before a pause, and its length; null: never paused for failures. */
  readonly circuitBreaker: { readonly failures: number; readonly cooldownMs: number } | null;
  /** Signs each request (`sign:` on the target); absent when the target signs nothing. */
  readonly sign?: OutgoingSigner;
  /** The budget this target spends; null or absent: none. */
  readonly budget?: string | null;
}

/** A top-level `budgets` entry, with the targets that name it. */
export interface CompiledBudget {
  readonly name: string;
  readonly limit: number;
  readonly perMs: number;
  readonly over: 'hold' | 'drop';
  /** The targets that spend it, sorted. */
  readonly targets: readonly string[];
}

export interface CompiledRoute {
  readonly name: string;
  readonly provider: string;
  /** `events` split into segments; null matches every event. */
  readonly events: ReadonlyArray<readonly string[]> | null;
  readonly filter: Expression | null;
  readonly map: Expression | null;
  readonly targets: readonly string[];
  /** `group:`: matching events join a group per key instead of firing one by one; null: none. */
  readonly group: CompiledGroup | null;
  /** `cooldown:`: at most one fire per key per window; null: none. */
  readonly cooldown: CompiledCooldown | null;
}

export interface CompiledConfig {
  /** Absolute path of the config file. */
  readonly path: string;
  /** Its folder: relative paths in the file resolve against it. */
  readonly dir: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly server: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly rateLimit: { readonly requests: number; readonly perMs: number } | null;
    readonly trustProxy: boolean | number | string | readonly string[];
  };
  /** Resolved store URL (sqlite: path made absolute). */
  readonly store: string;
  readonly retentionMs: number;
  readonly providers: ReadonlyMap<string, CompiledProvider>;
  readonly targets: ReadonlyMap<string, CompiledTarget>;
  /** Shared budgets by name; absent: none. */
  readonly budgets?: ReadonlyMap<string, CompiledBudget>;
  readonly routes: readonly CompiledRoute[];
  readonly routesByProvider: ReadonlyMap<string, readonly CompiledRoute[]>;
}

export { ANTHROPIC_VERSION, ROUTINE_DEFAULT_BETA } from '../targets/routine.ts';

export const DEFAULTS = {
  /** This machine only: exposing the router is a choice (server.host, HOOKGATE_HOST, --host). */
  host: '127.0.0.1',
  port: 8787,
  bodyLimitBytes: 1024 * 1024,
  store: 'sqlite:./data/hookgate.db',
  retentionMs: 7 * 86_400_000,
  deadRetentionMs: 30 * 86_400_000,
  timeoutMs: 30_000,
  maxAttempts: 10,
  initialDelayMs: 5_000,
  maxDelayMs: 2 * 3_600_000,
  maxAgeMs: 3 * 86_400_000,
  concurrency: 10,
  breakerFailures: 10,
  breakerCooldownMs: 60_000,
  leaseMs: 30_000,
  stripeToleranceMs: 5 * 60_000,
  toleranceMs: 5 * 60_000,
} as const;
