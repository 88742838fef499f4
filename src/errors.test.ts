/** The catalog's codes are stable snake_case and the README lists exactly them, with their statuses. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, errorJson, HookgateError, wireCode } from './errors.ts';
import { errorTable, README, readmeTable } from './errors-table.ts';

describe('the error catalog', () => {
  it('gives every entry a snake_case code and an HTTP error status', () => {
    for (const key of Object.keys(ERRORS) as ErrorCode[]) {
      expect(wireCode(key)).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(ERRORS[key].status).toBeGreaterThanOrEqual(400);
      expect(ERRORS[key].status).toBeLessThan(600);
    }
  });

  it('answers {"error","code"} in that order, with the detail after the message', () => {
    const body = JSON.parse(errorJson(new HookgateError('SIGNATURE_MISSING', 'Stripe-Signature'), { parameter: 'x' }));
    expect(body).toEqual({ error: 'missing signature header: Stripe-Signature', code: 'signature_missing', parameter: 'x' });
    expect(Object.keys(body)).toEqual(['error', 'code', 'parameter']);
  });

  it('is listed in the README exactly (regenerate with: npx tsx src/errors-table.ts)', () => {
    const listed = readmeTable(readFileSync(README, 'utf8'));
    expect(listed, 'README.md has no generated error-code table').not.toBeNull();
    expect(listed).toBe(errorTable());
  });
});
