/** Listening: the door on host:port, with a keep-alive longer than common load balancers' idle timeouts. */
import { createServer, type RequestListener, type Server } from 'node:http';

export async function listen(listener: RequestListener, host: string, port: number): Promise<Server | { readonly error: string }> {
  const server = createServer(listener);
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** The port actually bound (port 0 asks the system for a free one). */
export function boundPort(server: Server, asked: number): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : asked;
}
