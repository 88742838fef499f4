/** `npm run bench -- [--quick | --soak] [--only a,b] [--profile] [--events N] [--listing-events N] [--bin path/to/hookgate.js] [--compare-bin path/to/other/hookgate.js] [--keep] [--node-option OPT]` */
export interface BenchArgs {
  /** ~1-2 s per scenario, for CI: keeps the benchmark from rotting; asserts nothing about speed. */
  readonly quick: boolean;
  /** Memory soak only: 1M events through one router, RSS sampled (not in CI). */
  readonly soak: boolean;
  /** Run only these scenarios (names as printed); all when empty. */
  readonly only: readonly string[];
  /** Write a --cpu-prof profile of each hookgate process into bench/results/profiles/. */
  readonly profile: boolean;
  /** Soak size (default 1,000,000). */
  readonly soakEvents: number;
  /** Another hookgate entry point (a copy of an older tree), to compare before and after in one run. */
  readonly bin: string | null;
  /** Keep the run's temp folder (configs, databases, router logs) and print where it is. */
  readonly keep: boolean;
  /** Extra node options for every hookgate process (e.g. --max-old-space-size=96). */
  readonly nodeOptions: readonly string[];
  /** A second hookgate entry point whose ingest and full serve run in the same run, for before/after figures. */
  readonly compareBin: string | null;
  /** Events stored for the listings scenario (default 1,000,000; --quick 20,000). */
  readonly listingEvents: number | null;
}

export const SCENARIOS = ['baselines', 'ingest', 'routes', 'worker', 'delivery', 'e2e', 'storm', 'logging', 'listings'] as const;

/** What a run without --only runs: listings fills a million-event store (minutes), so it runs when named. */
export const DEFAULT_SCENARIOS = ['baselines', 'ingest', 'routes', 'worker', 'delivery', 'e2e', 'storm', 'logging'] as const;

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let soak = false;
  let profile = false;
  let only: string[] = [];
  let soakEvents = 1_000_000;
  let bin: string | null = null;
  let keep = false;
  const nodeOptions: string[] = [];
  let listingEvents: number | null = null;
  let compareBin: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--soak') soak = true;
    else if (arg === '--profile') profile = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--node-option') nodeOptions.push(argv[++i] ?? '');
    else if (arg === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--events') soakEvents = Number(argv[++i]);
    else if (arg === '--bin') bin = argv[++i] ?? null;
    else if (arg === '--listing-events') listingEvents = Number(argv[++i]);
    else if (arg === '--compare-bin') compareBin = argv[++i] ?? null;
    else
      throw new Error(
        `bench: unknown argument ${arg} (use --quick, --soak, --only ${SCENARIOS.join(',')}, --profile, --events N, --listing-events N, --bin FILE, --compare-bin FILE, --keep, --node-option OPT)`,
      );
  }
  for (const name of only) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`bench: --only ${name}: not one of ${SCENARIOS.join(', ')}`);
  }
  if (!Number.isInteger(soakEvents) || soakEvents < 1) throw new Error('bench: --events takes a positive integer');
  if (listingEvents !== null && (!Number.isInteger(listingEvents) || listingEvents < 1000))
    throw new Error('bench: --listing-events takes an integer of 1000 or more');
  return { quick, soak, only, profile, soakEvents, bin, keep, nodeOptions, listingEvents, compareBin };
}
