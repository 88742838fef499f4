import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BodyResult, readBody, refuseOversized } from './read-body.ts';

describe('readBody', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function post(limit: number, body: string, chunked = false): Promise<{ result: BodyResult; status: number | null }> {
    let result: BodyResult | undefined;
    server = createServer(async (req, res) => {
      result = await readBody(req, limit);
      if (result.ok) res.end(result.body);
      else if (result.reason === 'too_large') {
        refuseOversized(res);
        res.writeHead(413).end();
      }
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const init: RequestInit & { duplex?: 'half' } = { method: 'POST' };
    if (chunked) {
      init.body = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(body));
          c.close();
        },
      });
      init.duplex = 'half';
    } else init.body = body;
    const status = await fetch(`http://127.0.0.1:${port}/`, init).then(
      (r) => r.status,
      () => null,
    );
    return { result: result!, status };
  }

  it('returns the exact bytes under the limit', async () => {
    const { result, status } = await post(100, '{"a":"é"}');
    expect(status).toBe(200);
    expect(result.ok && result.body.toString('utf8')).toBe('{"a":"é"}');
  });

  it('reports too_large (and the client gets the 413) when content-length is over the limit', async () => {
    const { result, status } = await post(1000, 'x'.repeat(1500));
    expect(result).toEqual({ ok: false, reason: 'too_large' });
    expect(status).toBe(413);
  });

  it('reports too_large for a chunked body that grows past the limit', async () => {
    const { result, status } = await post(1000, 'x'.repeat(1500), true);
    expect(result).toEqual({ ok: false, reason: 'too_large' });
    expect(status).toBe(413);
  });

  it('reports too_large without reading when content-length is over the limit', async () => {
    const { result } = await post(100, 'x'.repeat(100 * 1024));
    expect(result).toEqual({ ok: false, reason: 'too_large' });
  });
});
