/** Planned deliveries as the store takes them: a failed filter or map is stored dead with its error. */
import type { NewDelivery } from '../store/types.ts';
import type { PlannedDelivery } from './evaluate.ts';

export function toNewDeliveries(planned: readonly PlannedDelivery[], now: number): NewDelivery[] {
  return planned.map(function toNewDelivery(d): NewDelivery {
    return {
      id: d.deliveryId,
      route: d.route,
      target: d.target,
      idempotencyKey: d.idempotencyKey,
      body: d.payload,
      status: d.error === null ? 'pending' : 'dead',
      ...(d.error === null ? {} : { deadReason: 'map_error' as const, error: d.error }),
      nextAttemptAt: now,
    };
  });
}
