import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { CompiledTarget } from '../pipeline/types.ts';
import { closeSharedDispatcher, requestHeaders, send } from './send.ts';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

interface Sink {
  readonly url: string;
  readonly received: Received[];
  connections: number;
  close(): Promise<void>;
}

const servers: Server[] = [];
const agents: Agent[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  await Promise.all(agents.splice(0).map((agent) => agent.destroy()));
});

afterAll(async () => {
  await closeSharedDispatcher();
});

async function sink(answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<Sink> {
  const received: Received[] = [];
  const server = createServer(function onRequest(req, res) {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body });
      answer(req, res, body);
    });
  });
  servers.push(server);
  const state: Sink = {
    url: '',
    received,
    connections: 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  server.on('connection', () => {
    state.connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}/hooks/in?team=a` });
}

function agent(options: ConstructorParameters<typeof Agent>[0] = {}): Agent {
  const created = new Agent(options);
  agents.push(created);
  return created;
}

function target(url: string, overrides: Partial<CompiledTarget> = {}): CompiledTarget {
  return {
    name: 't',
    kind: 'url',
    url,
    headers: { 'content-type': 'application/json', authorization: 'Bearer test-token', 'x-team': 'growth' },
    timeoutMs: 5_000,
    retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 1_000, maxAgeMs: 86_400_000 },
    rateLimit: null,
    circuitBreaker: null,
    concurrency: 2,
    ...overrides,
  };
}

const body = Buffer.from('{"hello":"world"}');

describe('requestHeaders', () => {
  it('adds the Idempotency-Key to the target headers', () => {
    expect(requestHeaders(target('http://x'), 'key-1')).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer test-token',
      'x-team': 'growth',
      'idempotency-key': 'key-1',
    });
  });

  it('never lets a configured Idempotency-Key shadow the stable one, and defaults the content type', () => {
    const headers = requestHeaders(target('http://x', { headers: { 'Idempotency-Key': 'mine' } }), 'key-2');
    expect(headers).toEqual({ 'content-type': 'application/json', 'idempotency-key': 'key-2' });
  });
});

describe('send', () => {
  it('posts the exact body with the headers and reports the answer', async () => {
    const s = await sink((_req, res) => res.writeHead(201, { 'content-type': 'text/plain' }).end('created'));
    const result = await send(target(s.url), { body, idempotencyKey: 'idem-1' }, { dispatcher: agent() });
    expect(result).toMatchObject({ statusCode: 201, responseSnippet: 'created', error: null, session: null, retryAfterMs: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const [first] = s.received;
    expect(first?.body.equals(body)).toBe(true);
    expect(first?.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer test-token',
      'x-team': 'growth',
      'idempotency-key': 'idem-1',
    });
  });

  it('reads Retry-After in seconds and as an HTTP date', async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    let calls = 0;
    const s = await sink((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 503 : 429, { 'retry-after': calls === 1 ? '7' : inTenSeconds }).end();
    });
    const dispatcher = agent();
    const seconds = await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher });
    expect(seconds).toMatchObject({ statusCode: 503, retryAfterMs: 7_000, responseSnippet: null });
    const date = await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher });
    expect(date.statusCode).toBe(429);
    expect(date.retryAfterMs).toBeGreaterThan(5_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('reads the session a routine fire started', async () => {
    const answer = {
      type: 'routine_fire',
      claude_code_session_id: 'session_01abc',
      claude_code_session_url: 'https://claude.ai/code/session_01abc',
    };
    const s = await sink((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
    const dispatcher = agent();
    const routine = await send(target(s.url, { kind: 'routine' }), { body, idempotencyKey: 'k' }, { dispatcher });
    expect(routine.session).toEqual({ id: 'session_01abc', url: 'https://claude.ai/code/session_01abc' });
    const http = await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher });
    expect(http.session).toBeNull();
  });

  it('keeps no session from a routine answer that is not JSON or not 2xx', async () => {
    let calls = 0;
    const s = await sink((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(200).end('ok');
      else res.writeHead(500).end('{"claude_code_session_id":"session_x"}');
    });
    const dispatcher = agent();
    const routine = target(s.url, { kind: 'routine' });
    expect((await send(routine, { body, idempotencyKey: 'k' }, { dispatcher })).session).toBeNull();
    expect((await send(routine, { body, idempotencyKey: 'k' }, { dispatcher })).session).toBeNull();
  });

  it('keeps the first KiB of a long answer, reads the rest, and reuses the connection', async () => {
    const long = `${'a'.repeat(1023)}é${'b'.repeat(200_000)}`;
    const s = await sink((_req, res) => res.writeHead(200).end(long));
    const dispatcher = agent();
    const first = await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher });
    // The 2-byte é straddles the 1 KiB mark: it is dropped, not mangled.
    expect(first.responseSnippet).toBe('a'.repeat(1023));
    for (let i = 0; i < 5; i++) await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher });
    expect(s.received).toHaveLength(6);
    // undici's pool may open a second socket while the first is still being marked idle; after
    // that, sockets are reused rather than one per request.
    expect(s.connections).toBeLessThanOrEqual(2);
  });

  it('opens a fresh connection for every routine fire (no stale keep-alive socket can eat one)', async () => {
    const s = await sink((_req, res) => res.writeHead(200).end('{}'));
    const dispatcher = agent();
    for (let i = 0; i < 4; i++) await send(target(s.url, { kind: 'routine' }), { body, idempotencyKey: 'k' }, { dispatcher });
    expect(s.received).toHaveLength(4);
    expect(s.connections).toBe(4);
    expect(s.received.every((r) => r.headers.connection === 'close')).toBe(true);
  });

  it('reports a refused connection as not sent', async () => {
    const s = await sink((_req, res) => res.end());
    await s.close();
    const result = await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher: agent() });
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatchObject({ kind: 'connect', requestSent: false });
    expect(result.error?.message).toContain('ECONNREFUSED');
  });

  it('reports a connection that never comes up within the timeout as not sent', async () => {
    // A connector that never calls back: the TCP/TLS connect hangs.
    const hanging = agent({ connect: function neverConnect() {} });
    const result = await send(target('http://127.0.0.1:9/x', { timeoutMs: 100 }), { body, idempotencyKey: 'k' }, { dispatcher: hanging });
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatchObject({ kind: 'connect', requestSent: false });
  });

  it('reports a timeout after the request was sent as sent', async () => {
    const s = await sink(function neverAnswer() {});
    const result = await send(target(s.url, { timeoutMs: 150 }), { body, idempotencyKey: 'k' }, { dispatcher: agent() });
    expect(s.received).toHaveLength(1);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatchObject({ kind: 'timeout', requestSent: true });
  });

  it('counts a slow body against the same timeout but keeps the status', async () => {
    const s = await sink((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const result = await send(target(s.url, { timeoutMs: 150 }), { body, idempotencyKey: 'k' }, { dispatcher: agent() });
    expect(result.statusCode).toBe(200);
    expect(result.error).toMatchObject({ kind: 'timeout', requestSent: true });
  });

  it('reports a connection reset after the request as sent', async () => {
    const s = await sink((req) => req.socket.destroy());
    const result = await send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher: agent() });
    expect(s.received).toHaveLength(1);
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatchObject({ kind: 'reset', requestSent: true });
  });

  it('stops when aborted from outside', async () => {
    const s = await sink(function neverAnswer() {});
    const controller = new AbortController();
    const pending = send(target(s.url), { body, idempotencyKey: 'k' }, { dispatcher: agent(), signal: controller.signal });
    for (let i = 0; i < 500 && s.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const result = await pending;
    expect(result.error).toMatchObject({ kind: 'other', requestSent: true });
  });

  it('uses the shared agent when given no dispatcher', async () => {
    const s = await sink((_req, res) => res.writeHead(204).end());
    const result = await send(target(s.url), { body, idempotencyKey: 'k' });
    expect(result.statusCode).toBe(204);
  });
});
