/**
 * The shape of routes.yaml after ${ENV} interpolation. schemas/routes.schema.json
 * is the authority for what is allowed; these types mirror it and a test keeps them in step.
 */
import type { VerifyOptionsBase } from '../providers/types.ts';

export interface RateLimitConfig {
  /** Max requests in any sliding window of length `per`. */
  readonly requests?: number;
  /** Window length, a duration such as `1s`, `1m`. */
  readonly per?: string;
}

export interface ServerConfig {
  /** Listen address; default 127.0.0.1. */
  readonly host?: string;
  readonly port?: number;
  /** A size such as `1mb`. Default 1mb. */
  readonly bodyLimit?: string;
  /** Inbound limit per client IP over all /webhooks/* requests. */
  readonly rateLimit?: { readonly requests: number; readonly per: string };
  /** Trust X-Forwarded-For: false (default), true, a hop count, or a list of CIDRs. */
  readonly trustProxy?: boolean | number | string | readonly string[];
}

export interface VerifyConfig {
  readonly type: string;
  readonly secret?: string;
  readonly secrets?: readonly string[];
  readonly [option: string]: unknown;
}

export interface ProviderConfig {
  readonly verify: VerifyConfig;
  /** JSONata over the body: the normalized event type (overrides the type's default). */
  readonly event?: string;
  /** JSONata: the dedup key (overrides the type's default). */
  readonly id?: string;
}

export interface RetryConfig {
  readonly maxAttempts?: number;
  readonly initialDelay?: string;
  readonly maxDelay?: string;
  /** Age after which a delivery still not delivered is dead-lettered as expired (default 3d). */
  readonly maxAge?: string;
}

export interface TargetRateLimitConfig extends RateLimitConfig {
  /** Max requests in flight to this target at once (default 10). */
  readonly concurrency?: number;
}

export interface RoutineConfig {
  /** https://api.anthropic.com/v1/claude_code/routines/trig_.../fire */
  readonly url: string;
  /** The routine's own Bearer token (sk-ant-oat01-...). */
  readonly token: string;
  /** anthropic-beta header; default experimental-cc-routine-2026-04-01. */
  readonly beta?: string;
}

export interface TargetConfig {
  /** Plain HTTP target URL (exactly one of `url` and `routine`). */
  readonly url?: string;
  readonly routine?: RoutineConfig;
  readonly auth?: {
    readonly bearer?: string;
    readonly basic?: { readonly username: string; readonly password: string };
  };
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeout?: string;
  readonly retry?: RetryConfig;
  readonly rateLimit?: TargetRateLimitConfig;
  readonly circuitBreaker?: { readonly enabled?: boolean; readonly failures?: number; readonly cooldown?: string };
  /** Sign each request as a provider of this verifier type would (`{ type: standard-webhooks, secret }`). */
  readonly sign?: VerifyOptionsBase;
  /** The top-level `budgets` entry this target spends. */
  readonly budget?: string;
}

export interface BudgetConfig {
  /** Most requests, all its targets together, in any sliding window of `per`. */
  readonly limit: number;
  /** Window length, a duration such as `1d`. */
  readonly per: string;
  /** Beyond the limit: hold (default) or drop (dead-letter as over_budget). */
  readonly over?: 'hold' | 'drop';
}

export interface RouteConfig {
  readonly name: string;
  readonly from: string;
  readonly events?: readonly string[];
  readonly filter?: string;
  readonly map?: string;
  readonly to: string | readonly string[];
  readonly group?: GroupConfig;
  readonly cooldown?: string | CooldownConfig;
}

export interface GroupConfig {
  /** JSONata over each event: the group key (absent: one group per route). */
  readonly by?: string;
  readonly wait: string;
  /** Default 10 x wait. */
  readonly maxWait?: string;
  /** Default 1000. */
  readonly max?: number;
}

export interface CooldownConfig {
  readonly by?: string;
  readonly for: string;
}

export interface RoutesFile {
  readonly version: 1;
  readonly server?: ServerConfig;
  /** sqlite:./path.db (default sqlite:./data/hookgate.db) or postgres://... */
  readonly store?: string;
  /** Age after which finished work is purged (default 7d). */
  readonly retention?: string;
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  /** Named allowances shared by the targets that name them. */
  readonly budgets?: Readonly<Record<string, BudgetConfig>>;
  readonly targets: Readonly<Record<string, TargetConfig>>;
  readonly routes: readonly RouteConfig[];
}
