/**
 * `events` entries that a known provider never sends: `customer.subscription.craeted` under a
 * Stripe provider, `pull_request.opend` under a GitHub one. A route with such an entry silently
 * never fires, so `validate` warns and suggests the nearest real type. The catalogs come from the
 * providers' own packages: Stripe's event types as the `stripe` package declares them, GitHub's
 * webhook names from @octokit/webhooks. An entry is known when it matches any catalog type the way
 * routing matches (segment by segment, `*` for one segment, a shorter entry as a prefix), so
 * `customer.subscription`, `*.created` and `pull_request` never warn.
 */
import { emitterEventNames, validateEventName } from '@octokit/webhooks';
import { compileEventPatterns, eventMatches } from '../pipeline/match-event.ts';
import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord, items } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { showPath } from './interpolate-document.ts';
import { STRIPE_EVENT_TYPES } from './semantic-catalog-stripe.ts';
import { eventPatternProblem } from './semantic-values.ts';
import { closest } from './suggest.ts';

interface EventCatalog {
  /** Who sends these events, for the message. */
  readonly provider: string;
  readonly types: readonly string[];
  /** True when the entry is exactly a type the provider sends (a quick answer before matching). */
  readonly isExact: (entry: string) => boolean;
}

const STRIPE: EventCatalog = {
  provider: 'Stripe',
  types: STRIPE_EVENT_TYPES,
  isExact: (entry) => (STRIPE_EVENT_TYPES as readonly string[]).includes(entry),
};

const GITHUB: EventCatalog = {
  provider: 'GitHub',
  types: emitterEventNames,
  isExact(entry) {
    try {
      // Throws for a name GitHub does not send (and for `*` and `error`, which are not event names).
      validateEventName(entry, { onUnknownEventName: 'throw' });
      return true;
    } catch {
      return false;
    }
  },
};

/** Catalogs by verifier type: the event types a provider of that type sends. */
const CATALOGS: Readonly<Record<string, EventCatalog>> = { stripe: STRIPE, github: GITHUB };

/** The catalog for a provider, when its events are the provider's own (not a custom `event` expression). */
function catalogOf(provider: unknown): EventCatalog | undefined {
  if (!isRecord(provider) || !isRecord(provider.verify) || typeof provider.verify.type !== 'string') return undefined;
  if (provider.event !== undefined) return undefined;
  return CATALOGS[provider.verify.type];
}

/** Whether a routing entry can match anything the catalog's provider sends. */
export function matchesCatalog(entry: string, catalog: EventCatalog): boolean {
  if (catalog.isExact(entry)) return true;
  const patterns = compileEventPatterns([entry]);
  return catalog.types.some((type) => eventMatches(patterns, type));
}

/** The catalog type (or prefix of one, as long as the entry) closest to a misspelled entry. */
export function suggestEvent(entry: string, catalog: EventCatalog): string | undefined {
  const segments = entry.split('.');
  const candidates = new Set<string>();
  for (const type of catalog.types) {
    const typeSegments = type.split('.');
    if (typeSegments.length < segments.length) continue;
    // Compare like with like: the type cut to the entry's length, with the entry's `*` segments kept.
    candidates.add(
      typeSegments
        .slice(0, segments.length)
        .map((segment, i) => (segments[i] === '*' ? '*' : segment))
        .join('.'),
    );
  }
  candidates.delete(entry);
  return closest(entry, candidates);
}

export function eventCatalogChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  const providers = new Map(entries(root.providers));
  items(root.routes).forEach(function checkRoute(route, i) {
    if (!isRecord(route) || typeof route.from !== 'string') return;
    const catalog = catalogOf(providers.get(route.from));
    if (!catalog) return;
    items(route.events).forEach(function checkEntry(entry, j) {
      // Malformed entries get their own error (event-pattern); only well-formed ones are looked up.
      if (typeof entry !== 'string' || entry === '' || eventPatternProblem(entry) !== undefined) return;
      if (matchesCatalog(entry, catalog)) return;
      const path = ['routes', i, 'events', j];
      const suggestion = suggestEvent(entry, catalog);
      out.push(
        finding(
          ctx,
          path,
          'value',
          'warning',
          'unknown-event',
          `${showPath(path)}: ${catalog.provider} never sends \`${entry}\`, so this entry matches nothing` +
            (suggestion ? ` (did you mean \`${suggestion}\`?)` : ''),
        ),
      );
    });
  });
  return out;
}
