import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { sha256Hex } from './hmac-core.ts';
import { noneVerifier } from './none.ts';

describe('none verifier', () => {
  it('accepts anything, with or without headers', async () => {
    const verifier = noneVerifier.create({ type: 'none' });
    await expect(verifier.verify(toRequest({}, ''))).resolves.toBeUndefined();
    await expect(verifier.verify(toRequest({ 'x-signature': 'garbage' }, Buffer.from([0xff])))).resolves.toBeUndefined();
  });

  it('signs nothing and has no secret headers', async () => {
    expect(await noneVerifier.sign({ type: 'none' }, { rawBody: Buffer.from('{}'), secret: '' })).toEqual({});
    expect(noneVerifier.secretHeaders({ type: 'none' })).toEqual([]);
  });

  it('normalizes to body type and the raw-body hash', () => {
    const n = noneVerifier.create({ type: 'none' }).normalize(toRequest({}, '{"type":7}'), { type: 7 });
    expect(n).toEqual({ eventType: '', dedupKey: sha256Hex('{"type":7}') });
  });
});
