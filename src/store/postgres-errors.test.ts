import { describe, expect, it } from 'vitest';
import { SetupError } from '../errors.ts';
import { CursorError } from './cursor.ts';
import { isUnavailableError } from './postgres-errors.ts';

function coded(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isUnavailableError', () => {
  it.each([
    ['connection refused', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
    ['reset', coded('ECONNRESET')],
    ['DNS failure', coded('ENOTFOUND')],
    ['admin shutdown (server stopping)', coded('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown', coded('57P02')],
    ['starting up', coded('57P03', 'the database system is starting up')],
    ['statement timeout', coded('57014', 'canceling statement due to statement timeout')],
    ['too many connections', coded('53300')],
    ['connection failure class 08', coded('08006')],
    ['connection does not exist', coded('08003')],
    ['driver: terminated', new Error('Connection terminated unexpectedly')],
    ['driver: connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool: no free connection in time', new Error('timeout exceeded when trying to connect')],
    ['several addresses refused', new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect failed')],
    ['wrapped in a cause', new Error('insert failed', { cause: coded('57P01') })],
  ])('says yes to %s', (_name, error) => {
    expect(isUnavailableError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', coded('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', coded('42601')],
    ['a missing table', coded('42P01')],
    ['a serialization failure', coded('40001')],
    ['a cursor error', new CursorError('cursor is not valid')],
    ['a setup error', new SetupError('store URL parameter pool must be an integer of at least 1')],
    ['a closed store', new Error('Cannot use a pool after calling end on the pool')],
    ['a plain error', new Error('boom')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
    ['undefined', undefined],
  ])('says no to %s', (_name, error) => {
    expect(isUnavailableError(error)).toBe(false);
  });
});
