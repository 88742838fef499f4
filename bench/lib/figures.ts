/** What a run measured: one figure per line of the table and of results JSON. */
export type Unit = 'req/s' | 'deliveries/s' | 'ms' | 'MB' | 'fires';

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly value: number;
  readonly p50Ms?: number | null;
  readonly p99Ms?: number | null;
  /** CPU time (user + system) of the server process per acknowledged (2xx) event or per delivery, µs. */
  readonly cpuUsPerEvent?: number | null;
  /** Anything else worth keeping (statuses, counts, samples). */
  readonly detail?: Record<string, unknown>;
}

export interface RatedFigure extends Figure {
  /** Throughput against the floor (verify + JSONata, nothing stored) of the same run. */
  readonly ratioFloor: number | null;
  /**
   * The floor's CPU µs per event over this figure's: the req/s ratio the two would have if each
   * had a core to itself. On a shared machine where the load generator, not the server, sets the
   * pace, this is the ratio that still says which costs more per event.
   */
  readonly cpuRatioFloor: number | null;
}

export interface Target {
  readonly name: string;
  readonly wanted: string;
  readonly measured: string;
  readonly met: boolean | null;
}
