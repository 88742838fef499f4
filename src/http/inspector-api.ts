/**
 * What the inspector needs beyond the listings: GET /admin/stats, events and settled deliveries
 * per time bucket (its chart) and each target's queue (its health view). Behind the admin token
 * like the rest of /admin.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Store } from '../store/types.ts';
import { activityFrom } from './admin-params.ts';
import { isoTime } from './admin-views.ts';

export interface InspectorApiOptions {
  readonly store: Store;
  readonly now?: () => number;
}

export interface StatsView {
  readonly since: string;
  readonly until: string;
  readonly bucket_seconds: number;
  /** Buckets with something in them, oldest first; the others are zero. */
  readonly items: ReadonlyArray<{
    readonly at: string;
    readonly events: number;
    readonly ignored: number;
    readonly delivered: number;
    readonly dead: number;
  }>;
  readonly targets: ReadonlyArray<{
    readonly target: string;
    readonly pending: number;
    readonly in_flight: number;
    readonly dead: number;
    readonly oldest_pending_age_ms: number | null;
  }>;
}

export function createInspectorApi(options: InspectorApiOptions): Router {
  const { store } = options;
  const now = options.now ?? Date.now;
  const router = express.Router();

  router.get('/stats', async function stats(req: Request, res: Response) {
    const at = now();
    const query = activityFrom(req.query, at);
    const [buckets, queues] = await Promise.all([store.activity(query), store.queueStats(at)]);
    const view: StatsView = {
      since: isoTime(Math.floor(query.since / query.bucketMs) * query.bucketMs),
      until: isoTime(query.until),
      bucket_seconds: query.bucketMs / 1000,
      items: buckets.map((b) => ({ at: isoTime(b.at), events: b.events, ignored: b.ignored, delivered: b.delivered, dead: b.dead })),
      targets: queues.map((q) => ({
        target: q.target,
        pending: q.pending,
        in_flight: q.inFlight,
        dead: q.dead,
        oldest_pending_age_ms: q.oldestPendingAgeMs,
      })),
    };
    res.json(view);
  });

  return router;
}
