/** GET /metrics: the Prometheus text exposition of one Metrics registry (no auth, like most exporters). */
import type { Request, Response } from 'express';
import type { Metrics } from './metrics.ts';

export function createMetricsHandler(metrics: Metrics) {
  return async function metricsEndpoint(_req: Request, res: Response): Promise<void> {
    const text = await metrics.scrape();
    res.status(200).set('Content-Type', metrics.registry.contentType).send(text);
  };
}
