/**
 * POST /admin/events/{id}/reroute and POST /admin/reroute: route stored events again through the
 * current config (see pipeline/reroute.ts). One event answers like ingress would; a bulk reroute
 * takes {"status":"ignored","provider":...,"since":...,"until":...,"dryRun":true}.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from '../observability/logger.ts';
import { rerouteMatching, rerouteReply, rerouteStoredEvent } from '../pipeline/reroute.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { EventFilter, Store } from '../store/types.ts';
import { bulkBodyFrom, EVENT_STATUSES, oneOf, ParamError, timeBound } from './admin-params.ts';
import { eventSummaryView } from './admin-views.ts';

export interface RerouteRoutesOptions {
  readonly store: Store;
  readonly logger: Logger;
  readonly config: () => CompiledConfig;
  readonly notifyWorker: () => void;
  readonly now: () => number;
}

const FIELDS = ['status', 'provider', 'event', 'since', 'until', 'dryRun'] as const;

/** The bulk reroute body; `status` is required so that an empty body cannot re-route everything. */
export function bulkRerouteFrom(text: string, now: number): { filter: EventFilter; dryRun: boolean } {
  const { fields, dryRun } = bulkBodyFrom(text, FIELDS, 'ignored');
  const status = oneOf('status', fields.get('status'), EVENT_STATUSES);
  if (status === undefined) throw new ParamError('status', `is required: ${EVENT_STATUSES.join(' or ')}`);
  const filter: EventFilter = { status };
  const since = timeBound('since', fields.get('since'), now);
  const until = timeBound('until', fields.get('until'), now);
  return {
    filter: {
      ...filter,
      ...(fields.has('provider') ? { provider: fields.get('provider') } : {}),
      ...(fields.has('event') ? { eventType: fields.get('event') } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(until !== undefined ? { until } : {}),
    },
    dryRun,
  };
}

export function mountReroute(router: Router, options: RerouteRoutesOptions): void {
  const { store, logger } = options;
  const context = () => ({ config: options.config(), store, logger, now: options.now, onStored: options.notifyWorker });

  router.post('/events/:id/reroute', async function rerouteOne(req: Request, res: Response) {
    const id = String(req.params.id);
    const event = await store.getEvent(id);
    const reply = rerouteReply(event === null ? { kind: 'not_found', eventId: id } : await rerouteStoredEvent(context(), event));
    res.status(reply.status).json(reply.body);
  });

  router.post('/reroute', express.text({ type: () => true, limit: '16kb' }), async function rerouteBulk(req: Request, res: Response) {
    const { filter, dryRun } = bulkRerouteFrom(typeof req.body === 'string' ? req.body : '', options.now());
    const result = await rerouteMatching(context(), filter, dryRun);
    if (dryRun) {
      res.json({ count: result.matched.length, truncated: result.truncated, items: result.matched.slice(0, 50).map(eventSummaryView) });
      return;
    }
    const accepted = result.outcomes.filter((o) => o.kind === 'accepted').length;
    logger.info({ filter, rerouted: result.outcomes.length, accepted }, 'events rerouted (admin API)');
    res.status(202).json({ rerouted: result.outcomes.length, accepted, truncated: result.truncated });
  });
}
