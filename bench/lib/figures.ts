/** What a run measured: one figure per line of the table and of results JSON. */
export type Unit = 'req/s' | 'deliveries/s' | 'ms' | 'MB' | 'fires';

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly value: number;
  readonly p50Ms?: number | null;
  readonly p99Ms?: number | null;
  /** Anything else worth keeping (statuses, counts, samples). */
  readonly detail?: Record<string, unknown>;
}

export interface RatedFigure extends Figure {
  readonly ratioA: number | null;
  readonly ratioB: number | null;
}

export interface Target {
  readonly name: string;
  readonly wanted: string;
  readonly measured: string;
  readonly met: boolean | null;
}
