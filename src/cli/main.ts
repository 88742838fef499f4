/**
 * The `hookgate` command line. Exit codes: 0 success, 1 invalid config / failed tests / failed
 * operation, 2 usage error (spec section 5).
 */
import { existsSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerDeliveries } from './deliveries.ts';
import { registerMigrate } from './migrate.ts';
import { registerReplay } from './replay.ts';
import { registerReroute } from './reroute.ts';
import { registerSend } from './send.ts';
import { registerServe } from './serve.ts';
import { registerTest } from './test.ts';
import { registerValidate } from './validate.ts';

const program = new Command('hookgate')
  .description('Verify, route, reshape and durably deliver webhooks.')
  .option('--env-file <path>', 'load variables from a dotenv file first (already-set variables win)')
  .showHelpAfterError()
  .exitOverride();

program.hook('preAction', function loadEnvFile(thisCommand) {
  const envFile = thisCommand.opts<{ envFile?: string }>().envFile;
  if (envFile === undefined) return;
  if (!existsSync(envFile)) program.error(`--env-file: ${envFile} does not exist`, { exitCode: 2 });
  process.loadEnvFile(envFile);
});

registerServe(program);
registerValidate(program);
registerTest(program);
registerSend(program);
registerMigrate(program);
registerDeliveries(program);
registerReplay(program);
registerReroute(program);

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
