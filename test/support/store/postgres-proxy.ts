/**
 * A loopback TCP proxy in front of the test PostgreSQL server that a test can cut and restore,
 * so "the database went away and came back" is real without stopping the shared server.
 */

import type { AddressInfo, Server, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';

export interface CuttableProxy {
  readonly port: number;
  /** Stops listening and drops every open connection, both sides. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise(function listening(resolve, reject) {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', function ready() {
      server.removeListener('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function stop(server: Server): Promise<void> {
  return new Promise(function closing(resolve) {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

export async function startCuttableProxy(upstreamPort: number, upstreamHost = '127.0.0.1'): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  function track(socket: Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }
  const server = createServer(function forward(client) {
    const upstream = createConnection({ host: upstreamHost, port: upstreamPort });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await listen(server, 0);
  return {
    port,
    async cut() {
      const closed = stop(server);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      await listen(server, port);
    },
    async close() {
      const closed = stop(server);
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
