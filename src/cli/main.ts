/**
 * The `hookgate` command line. Exit codes: 0 success, 1 invalid config / failed tests / failed
 * operation, 2 usage error.
 */
import { readFileSync, statSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerDeliveries } from './deliveries.ts';
import { registerEvents } from './events.ts';
import { registerMigrate } from './migrate.ts';
import { registerPlan } from './plan.ts';
import { registerReplay } from './replay.ts';
import { registerReroute } from './reroute.ts';
import { registerSend } from './send.ts';
import { registerServe } from './serve.ts';
import { registerTest } from './test.ts';
import { registerValidate } from './validate.ts';

/** The package's version; package.json sits two folders up from both src/cli and dist/cli. */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

const program = new Command('hookgate')
  .description('Verify, route, reshape and durably deliver webhooks.')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .option('--env-file <path>', 'load variables from a dotenv file first (already-set variables win)')
  .showHelpAfterError()
  .exitOverride();

/** Loads a dotenv file; says why it cannot be read, or returns null when it was loaded. */
function envFileProblem(file: string): string | null {
  try {
    if (statSync(file).isDirectory()) return 'is a folder, not a file';
    process.loadEnvFile(file);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  }
}

program.hook('preAction', function loadEnvFile(thisCommand) {
  const envFile = thisCommand.opts<{ envFile?: string }>().envFile;
  if (envFile === undefined) return;
  const problem = envFileProblem(envFile);
  if (problem !== null) {
    // A usage error, stated alone: the whole help text would bury the one line that matters.
    process.stderr.write(`hookgate: --env-file ${envFile}: ${problem}\n`);
    process.exit(2);
  }
});

// A listing piped into `head` (or any reader that stops early) closes stdout under us: the rest of
// the output has nowhere to go, which is not an error. The command still finishes what it started.
process.stdout.on('error', function quietWhenReaderLeaves(error: NodeJS.ErrnoException) {
  if (error.code === 'EPIPE') return;
  throw error;
});

registerServe(program);
registerValidate(program);
registerTest(program);
registerSend(program);
registerMigrate(program);
registerDeliveries(program);
registerReplay(program);
registerReroute(program);
registerEvents(program);
registerPlan(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    process.exitCode = ok ? 0 : err.exitCode === 1 ? 2 : err.exitCode;
  } else {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  }
}
