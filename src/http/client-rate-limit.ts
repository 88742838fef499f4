/**
 * Inbound limit per client IP (server.rateLimit): an exact sliding window. Each client keeps the
 * start times of its last `requests` admitted requests in a ring; a request is admitted when the
 * ring is not full or its oldest entry has left the window.
 */

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole seconds until a request would be admitted (for Retry-After); 0 when allowed. */
  readonly retryAfterSeconds: number;
}

interface Ring {
  readonly times: Float64Array;
  next: number;
  count: number;
  lastSeen: number;
}

export class ClientRateLimiter {
  private readonly clients = new Map<string, Ring>();
  private lastSweep = 0;

  constructor(
    private readonly requests: number,
    private readonly perMs: number,
  ) {}

  check(client: string, now: number): RateDecision {
    this.sweep(now);
    let ring = this.clients.get(client);
    if (!ring) {
      ring = { times: new Float64Array(this.requests), next: 0, count: 0, lastSeen: now };
      this.clients.set(client, ring);
    }
    ring.lastSeen = now;
    if (ring.count === this.requests) {
      const oldest = ring.times[ring.next]!;
      if (oldest > now - this.perMs) {
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.perMs - now) / 1000)) };
      }
    } else {
      ring.count++;
    }
    ring.times[ring.next] = now;
    ring.next = (ring.next + 1) % this.requests;
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Forget clients idle for a whole window, so memory follows active clients only. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.perMs) return;
    this.lastSweep = now;
    for (const [client, ring] of this.clients) if (ring.lastSeen <= now - this.perMs) this.clients.delete(client);
  }
}
