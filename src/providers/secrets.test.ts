import { describe, expect, it } from 'vitest';
import { SetupError } from '../errors.ts';
import { resolveSecrets } from './secrets.ts';

describe('resolveSecrets', () => {
  it.each([
    [{ type: 'x', secret: 'a' }, ['a']],
    [{ type: 'x', secrets: ['a', '', 'b'] }, ['a', 'b']],
    [{ type: 'x', secret: 'a', secrets: ['b'] }, ['a', 'b']],
    [{ type: 'x', secret: '', secrets: ['', 'c'] }, ['c']],
  ])('%j → %j', (options, expected) => {
    expect(resolveSecrets(options)).toEqual(expected);
  });

  it.each([
    [{ type: 'github' }],
    [{ type: 'github', secret: '' }],
    [{ type: 'github', secrets: ['', ''] }],
    [{ type: 'github', secrets: [] }],
  ])('refuses %j with a SetupError', (options) => {
    expect(() => resolveSecrets(options)).toThrow(SetupError);
    expect(() => resolveSecrets(options)).toThrow(/github needs at least one non-empty secret/);
  });
});
