/** A loopback HTTP sink that records every request and answers as each test scripts it. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

export interface SinkReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Answer after this many ms (a slow target). */
  readonly delayMs?: number;
}

/** Decide the reply from the request and how many requests this path has seen (1-based). */
export type Responder = (req: SinkRequest, countForPath: number) => SinkReply;

export interface Sink {
  readonly url: string;
  readonly requests: SinkRequest[];
  on(path: string, responder: Responder): void;
  received(path: string): SinkRequest[];
  waitFor(predicate: (requests: SinkRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const responders = new Map<string, Responder>();
  const counts = new Map<string, number>();
  const server: Server = createServer(function record(req, res) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const entry: SinkRequest = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(entry);
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const reply = responders.get(path)?.(entry, n) ?? { status: 200, body: '{"ok":true}' };
      const answer = () => {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (path, responder) => void responders.set(path, responder),
    received: (path) => requests.filter((r) => r.path === path),
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(requests)) {
        if (Date.now() > deadline) throw new Error(`sink: condition not met within ${timeoutMs} ms (${requests.length} requests seen)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
