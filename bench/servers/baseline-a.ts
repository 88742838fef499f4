/** Baseline A, the limit: a bare node:http server that reads the body and answers 200. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const OK = Buffer.from('{"ok":true}');

const server = createServer(function bare(req, res) {
  req.on('data', function discard() {});
  req.on('end', function answer() {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
    res.end(OK);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', function ready() {
  process.stdout.write(`${JSON.stringify({ ready: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
