/**
 * The loopback target: answers 200 at once, counts arrivals, and for bodies that carry a send
 * time (`sent_at`, embedded by the end-to-end generator and carried through the route's map)
 * records arrival minus send time. GET /_stats reports; POST /_reset starts over.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const OK = Buffer.from('{"ok":true}');
/** `sent_at` as JSON, or escaped inside a routine's {"text": "..."} string. */
const SENT_AT = /sent_at\\?"\s*:\s*([0-9.]+)/;

function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

let count = 0;
let firstAt = 0;
let lastAt = 0;
let latencies: number[] = [];

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function stats(): Record<string, number | null> {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count,
    firstAt,
    lastAt,
    timed: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? null) : null,
  };
}

const server = createServer(function sink(req, res) {
  if (req.url === '/_stats' || req.url === '/_reset') {
    if (req.url === '/_reset') {
      count = 0;
      firstAt = 0;
      lastAt = 0;
      latencies = [];
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats()));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', function collect(chunk: Buffer) {
    chunks.push(chunk);
  });
  req.on('end', function arrived() {
    const at = wallMs();
    count++;
    if (firstAt === 0) firstAt = at;
    lastAt = at;
    const sentAt = Number(SENT_AT.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 0);
    if (sentAt > 0) latencies.push(at - sentAt);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
    res.end(OK);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', function ready() {
  process.stdout.write(`${JSON.stringify({ ready: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
