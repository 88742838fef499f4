/**
 * A body over server.bodyLimit is answered 413 body_too_large as early as it can be known: before
 * any of it is read when Content-Length says so, else as soon as the limit is passed, while the
 * client is still sending. Real sockets against a router built by the composition root.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlText } from '../../test/support/config.ts';
import { startTestRouter, type TestRouter } from '../../test/support/in-process-router.ts';

const FIFTY_MB = 50 * 1024 * 1024;
const CHUNK = 64 * 1024;

let r: TestRouter;
beforeAll(async () => {
  r = await startTestRouter(yamlText`
    version: 1
    server: { bodyLimit: 16kb }
    store: sqlite:./limit.db
    providers:
      open: { verify: { type: none } }
    targets:
      sink: { url: "http://127.0.0.1:9/never-called" }
    routes:
      - { name: all, from: open, to: sink }
  `);
});
afterAll(() => r.close());

interface Exchange {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the status line once the answer's head has arrived. */
  readonly statusLine: Promise<string>;
}

function open(head: string): Exchange {
  const { port } = new URL(r.url);
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => {}); // a reset after the 413 is the expected end of the story
  let text = '';
  const statusLine = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n');
      if (end > 0) resolve(text.slice(0, end));
    });
    socket.on('close', () => reject(new Error(`closed before an answer: ${JSON.stringify(text)}`)));
  });
  statusLine.catch(() => {});
  socket.write(head);
  return { socket, received: () => text, statusLine };
}

function answered(exchange: Exchange): boolean {
  return exchange.received().includes('\r\n');
}

describe('body over the limit', () => {
  it('answers 413 before reading anything when Content-Length is over the limit', async () => {
    const exchange = open(
      `POST /webhooks/open HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${FIFTY_MB}\r\n\r\n`,
    );
    // Not one byte of the body is sent: the answer must come from the header alone.
    expect(await exchange.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    await new Promise((resolve) => exchange.socket.once('close', resolve));
    const body = exchange.received().slice(exchange.received().indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toMatchObject({ code: 'body_too_large' });
    expect(exchange.received().toLowerCase()).toContain('connection: close');
  });

  it('answers 413 while a chunked 50 MB body is still being sent slowly, and stops reading it', async () => {
    const exchange = open(
      'POST /webhooks/open HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const chunk = Buffer.concat([Buffer.from(`${CHUNK.toString(16)}\r\n`), Buffer.alloc(CHUNK, 0x61), Buffer.from('\r\n')]);
    let sent = 0;
    while (sent < FIFTY_MB && !answered(exchange) && !exchange.socket.destroyed) {
      const flushed = exchange.socket.write(chunk);
      sent += CHUNK;
      // Slowly: one chunk at a time, each after the previous one left and a pause for an answer.
      if (!flushed) await Promise.race([new Promise((resolve) => exchange.socket.once('drain', resolve)), exchange.statusLine]);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await exchange.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(sent).toBeLessThan(FIFTY_MB);
    exchange.socket.destroy();
  });

  it('keeps serving after refusing oversized bodies', async () => {
    const res = await fetch(`${r.url}/webhooks/open`, {
      method: 'POST',
      body: '{"ok":true}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(202);
  });
});
