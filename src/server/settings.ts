/**
 * The settings a router is started with and keeps until it stops: where it listens, which store
 * it opens, how long a claimed delivery is leased, the admin token, demo mode. Flags win over the
 * environment, which wins over the file. A reload cannot change them (see restart-only.ts).
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_LEASE_GRACE_MS } from '../delivery/worker.ts';
import { resolveStoreUrl } from '../pipeline/compile.ts';
import { type CompiledConfig, DEFAULTS } from '../pipeline/types.ts';
import { parseDuration } from '../util/units.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** What the command line gives; every field is optional. */
export interface SettingFlags {
  readonly host?: string;
  readonly port?: number;
  readonly store?: string;
  readonly demo?: boolean;
}

export interface StartSettings {
  readonly host: string;
  readonly port: number;
  readonly storeUrl: string;
  /** Which of host, port and store came from a flag or the environment (a file change cannot move them). */
  readonly overridden: { readonly host: boolean; readonly port: boolean; readonly store: boolean };
  readonly leaseMs: number;
  readonly leaseGraceMs: number;
  /** null: the admin API does not exist (every /admin URL answers 404). */
  readonly adminToken: string | null;
  /** True when the token was made up for this run (demo mode without HOOKGATE_ADMIN_TOKEN). */
  readonly adminTokenGenerated: boolean;
  /** Demo mode: the built-in echo target is served, and the start says so. */
  readonly demo: boolean;
}

function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The settings, or a message naming the one that is wrong. */
export function resolveSettings(flags: SettingFlags, env: Env, config: CompiledConfig, cwd: string): StartSettings | string {
  const hostOverride = given(flags.host) ?? given(env.HOOKGATE_HOST);
  let port = flags.port;
  if (port === undefined && given(env.PORT) !== undefined) {
    port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) return `PORT "${env.PORT}" is not a port (0-65535)`;
  }
  const storeOverride = given(flags.store) ?? given(env.HOOKGATE_STORE);
  const lease = leaseFrom(env.HOOKGATE_LEASE);
  if (typeof lease === 'string') return lease;
  const demo = flags.demo ?? isOn(env.HOOKGATE_DEMO);
  const token = given(env.HOOKGATE_ADMIN_TOKEN) ?? null;
  // Demo mode without a token of the user's choosing: one made up for this run, printed once at
  // start (never logged). Outside demo mode the admin API exists only when a token is set.
  const generated = token === null && demo;
  return {
    host: hostOverride ?? config.server.host,
    port: port ?? config.server.port,
    storeUrl: storeOverride ? resolveStoreUrl(storeOverride, cwd) : config.store,
    overridden: { host: hostOverride !== undefined, port: port !== undefined, store: storeOverride !== undefined },
    ...lease,
    adminToken: generated ? randomBytes(24).toString('base64url') : token,
    adminTokenGenerated: generated,
    demo,
  };
}

function isOn(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/**
 * HOOKGATE_LEASE (default 30s): how long a claimed delivery stays with its worker before another
 * replica may take it over. The lease always outlasts the target's timeout by a grace for
 * recording the attempt: 15 s, or the lease itself when that is shorter.
 */
export function leaseFrom(raw: string | undefined): { leaseMs: number; leaseGraceMs: number } | string {
  if (raw === undefined || raw.trim() === '') return { leaseMs: DEFAULTS.leaseMs, leaseGraceMs: DEFAULT_LEASE_GRACE_MS };
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 1000) return `HOOKGATE_LEASE "${raw}" is not a duration of at least 1s (e.g. 30s, 2m)`;
  return { leaseMs: ms, leaseGraceMs: Math.min(DEFAULT_LEASE_GRACE_MS, ms) };
}
