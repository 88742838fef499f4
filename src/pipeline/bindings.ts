/**
 * The variables bound for every route's JSONata filter and map. `$headers` is the request as
 * ingest hands it over after verification, credentials already removed (Authorization, Cookie,
 * Proxy-Authorization and the verifier's own signature and token headers; see
 * providers/redaction.ts), so a map cannot copy them to a target or into the store.
 */
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
