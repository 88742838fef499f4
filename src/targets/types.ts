/**
 * What a target kind is: everything hookgate needs to know to send to one sort of endpoint. Each
 * kind (url.ts, routine.ts) fills in one TargetKind through defineTargetKind; the registry
 * (registry.ts) is the only list of kinds, and the config schema, the compiler, the sender, the
 * worker and `validate` all ask it instead of testing for a kind by name.
 */
import type { TargetConfig } from '../config/types.ts';

export type JsonSchema = Record<string, unknown>;

export type TargetKindName = 'url' | 'routine';

export type SendErrorKind = 'connect' | 'timeout' | 'reset' | 'other';

/** What one attempt got back, reduced to what a classifier may look at. */
export interface Answer {
  /** The response status, or null when none arrived. */
  readonly statusCode: number | null;
  /** The answer's Retry-After in ms from its arrival; null when absent or unreadable. */
  readonly retryAfterMs: number | null;
  readonly error: {
    readonly kind: SendErrorKind;
    /** False only when no byte of the request can have reached the server. */
    readonly requestSent: boolean;
  } | null;
}

/**
 * A classifier's verdict on one answer. `rate_limited` is kept apart from `retry` because more
 * than the one delivery may need to wait (a shared budget pauses all of its targets on it).
 */
export type Verdict =
  | { readonly outcome: 'success' }
  /** Try again; `spendsAttempt` false when the target itself asked us to come back later. */
  | { readonly outcome: 'retry'; readonly afterMs: number | null; readonly spendsAttempt: boolean }
  /** The target refused for now (429): try again after `afterMs`, no attempt spent. */
  | { readonly outcome: 'rate_limited'; readonly afterMs: number | null }
  /** The request may have started work that must not be started twice: a person decides. */
  | { readonly outcome: 'unknown' }
  /** A refusal that will not change by itself. */
  | { readonly outcome: 'dead' };

export interface Session {
  readonly id: string;
  /** Empty when the answer named no URL. */
  readonly url: string;
}

/** Where and how to send, fixed when the config is compiled. */
export interface TargetEndpoint {
  readonly url: string;
  /** Every header to send except Idempotency-Key (content type, credentials, the kind's own). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A problem `validate` reports on one target, at a path relative to the target. */
export interface TargetProblem {
  readonly path: readonly (string | number)[];
  readonly at: 'key' | 'value';
  readonly code: string;
  readonly message: string;
}

export interface TargetKind {
  readonly name: TargetKindName;
  /** The routes.yaml field of a target that makes it this kind (`url:` or `routine:`). */
  readonly field: string;
  /** One line for the schema and the README. */
  readonly description: string;
  /** JSON schema of the value of `field`. */
  readonly schema: JsonSchema;
  /**
   * True when a request that may have reached the target must never be sent again (every accepted
   * request starts new work and the target has no idempotency). Such deliveries are marked before
   * sending, and a crash or a lost record turns them into `unknown` instead of a second send.
   */
  readonly atMostOnce: boolean;
  /**
   * A fresh connection per request instead of a kept-alive one: a POST written on a kept-alive
   * socket the server had just closed fails after "sending", which for an at-most-once kind is an
   * `unknown` a person must look at; a new socket cannot have that race.
   */
  readonly freshConnection: boolean;
  /** How many bytes of an answer to keep (enough to read a session link from). */
  readonly keepAnswerBytes: number;
  /** URL and headers (credentials included) from the target's config. */
  endpoint(config: TargetConfig): TargetEndpoint;
  /** The route's mapped value as the request body. */
  encodeBody(mapped: unknown): Buffer;
  /** What an answer means. Pure. */
  classify(answer: Answer): Verdict;
  /** The run a successful answer started, if this kind starts runs. */
  readSession(body: Buffer): Session | null;
  /** What `validate` must refuse beyond the schema, for a target of this kind. */
  check(target: Readonly<Record<string, unknown>>): TargetProblem[];
}
