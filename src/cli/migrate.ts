/**
 * `hookgate migrate [-c routes.yaml] [--store URL]`: apply the store's pending migrations and
 * exit, e.g. once before rolling out replicas (serve also migrates at start-up, under an advisory
 * lock on PostgreSQL). Store URL: --store, else $HOOKGATE_STORE, else the config's `store`.
 * Exit 0 when the store is up to date, 1 on any failure. No message ever repeats the URL: it may
 * hold a password.
 */
import type { Command } from 'commander';
import { openStore, sqlitePath } from '../store/open.ts';
import { isUnavailableError } from '../store/postgres-errors.ts';
import type { Store } from '../store/types.ts';
import { CommandFailure, chooseStore, type StoreChoice, type StoreCommandOptions } from './store-url.ts';

export type MigrateCommandOptions = StoreCommandOptions;

export interface MigrateIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env?: Record<string, string | undefined>;
  /** A relative -c path resolves against it (default process.cwd()). */
  readonly cwd?: string;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending store migrations and exit (serve also applies them at start-up)')
    .option('-c, --config <path>', 'routes file, read for its store (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)")
    .action(async function migrateAction(options: MigrateCommandOptions) {
      process.exitCode = await runMigrate(options, {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    });
}

/** The command's body: migrates, prints one line, returns the exit code (0 or 1). */
export async function runMigrate(options: MigrateCommandOptions, io: MigrateIo): Promise<number> {
  let choice: StoreChoice;
  try {
    choice = chooseStore(options, io);
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    io.err(`migrate: ${error.message}\n`);
    return 1;
  }
  let store: Store;
  try {
    store = await openStore(choice.url);
  } catch (error) {
    io.err(`migrate failed: ${describeFailure(error, choice)}\n`);
    return 1;
  }
  try {
    io.out(`${describeStore(store.kind, choice)}: migrations applied, schema up to date\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** "postgres store (schema x) from --store": the kind and origin, never the URL. */
function describeStore(kind: string, choice: StoreChoice): string {
  const file = sqlitePath(choice.url);
  const where = file !== null ? ` ${file}` : schemaOf(choice.url);
  return `${kind} store${where} from ${choice.source}`;
}

function schemaOf(url: string): string {
  try {
    const schema = new URL(url).searchParams.get('schema');
    return schema ? ` (schema ${schema})` : '';
  } catch {
    return '';
  }
}

function describeFailure(error: unknown, choice: StoreChoice): string {
  const message = redact(error instanceof Error ? error.message : String(error), choice.url);
  if (isUnavailableError(error)) return `the database named by ${choice.source} is unreachable: ${message}`;
  return `store from ${choice.source}: ${message}`;
}

/**
 * Belt and braces: no driver message should hold the URL or its password, but never print one.
 * (A password shorter than 4 characters is left alone: blanking every "b" helps nobody.)
 */
export function redact(message: string, url: string): string {
  let out = message.split(url).join('[store URL]');
  try {
    const password = new URL(url).password;
    if (password.length >= 4) {
      out = out.split(password).join('[redacted]').split(decodeURIComponent(password)).join('[redacted]');
    }
  } catch {
    /* not a URL with a password */
  }
  return out;
}
