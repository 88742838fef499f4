/** `npm run bench -- [--quick | --soak] [--only a,b] [--profile] [--events N] [--bin path/to/hookgate.js] [--keep] [--node-option OPT]` */
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
}

export const SCENARIOS = ['baselines', 'ingest', 'routes', 'worker', 'delivery', 'e2e', 'storm'] as const;

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let soak = false;
  let profile = false;
  let only: string[] = [];
  let soakEvents = 1_000_000;
  let bin: string | null = null;
  let keep = false;
  const nodeOptions: string[] = [];
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
    else
      throw new Error(
        `bench: unknown argument ${arg} (use --quick, --soak, --only ${SCENARIOS.join(',')}, --profile, --events N, --bin FILE, --keep, --node-option OPT)`,
      );
  }
  for (const name of only) {
    if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`bench: --only ${name}: not one of ${SCENARIOS.join(', ')}`);
  }
  if (!Number.isInteger(soakEvents) || soakEvents < 1) throw new Error('bench: --events takes a positive integer');
  return { quick, soak, only, profile, soakEvents, bin, keep, nodeOptions };
}
