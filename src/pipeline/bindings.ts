/** The variables bound for every JSONata expression (spec section 2). */
import type { WebhookRequest } from '../providers/types.ts';

export interface BindingInput {
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
  readonly req: WebhookRequest;
}

export function bindings(input: BindingInput, route?: string): Record<string, unknown> {
  return {
    event: input.eventType,
    provider: input.provider,
    id: input.dedupKey,
    headers: input.req.headers,
    query: input.req.query,
    receivedAt: input.req.receivedAt.toISOString(),
    route: route ?? null,
  };
}
