/**
 * Typed reads of a `verify:` block. The config loader validates the block against the type's
 * JSON schema first; these checks repeat the few that a factory depends on, so a bad block handed
 * over by code (CLI, tests) is a SetupError naming the field, not a crash mid-request.
 */
import { SetupError } from '../errors.ts';
import { parseDuration } from '../util/units.ts';
import type { VerifyOptionsBase } from './types.ts';

export function optionalString(options: VerifyOptionsBase, key: string): string | undefined {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SetupError(`verify.${key}: must be a string (type ${options.type})`);
  return value;
}

export function requiredString(options: VerifyOptionsBase, key: string): string {
  const value = optionalString(options, key);
  if (value === undefined || value === '') {
    throw new SetupError(`verify.${key}: required by type ${options.type}`);
  }
  return value;
}

export function optionalEnum<T extends string>(options: VerifyOptionsBase, key: string, allowed: readonly T[], fallback: T): T {
  const value = optionalString(options, key);
  if (value === undefined) return fallback;
  const match = allowed.find(function isAllowed(candidate) {
    return candidate === value;
  });
  if (match === undefined) {
    throw new SetupError(`verify.${key}: "${value}" is not one of ${allowed.join(', ')} (type ${options.type})`);
  }
  return match;
}

/** `verify.tolerance` in milliseconds (default 5m). Zero or less would disable replay protection. */
export function toleranceMs(options: VerifyOptionsBase, fallbackMs: number): number {
  const text = optionalString(options, 'tolerance');
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new SetupError(`verify.tolerance: "${text}" is not a duration (500ms, 30s, 5m, 1h, 1d)`);
  }
  if (ms <= 0) throw new SetupError(`verify.tolerance: must be greater than 0, got "${text}"`);
  return ms;
}
