/** GET /metrics: the Prometheus text exposition of one Metrics registry (no auth, like most exporters). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeReply } from '../http/reply.ts';
import type { Metrics } from './metrics.ts';

export function createMetricsHandler(metrics: Metrics) {
  return async function metricsEndpoint(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await metrics.scrape();
    writeReply(res, 200, { 'content-type': metrics.registry.contentType }, text);
  };
}
