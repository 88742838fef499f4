/** Shared by the `events` commands: the store flags, and stdout lines that end quietly when piped into `head`. */
import type { Command } from 'commander';
import type { CliIo } from './deliveries.ts';

/**
 * Lines to stdout that stop quietly when the reader goes away (`hookgate events | head`): the
 * rest of a listing has nowhere to go, which is not an error.
 */
export function stdoutIo(): CliIo {
  let closed = false;
  process.stdout.on('error', function readerLeft(error: NodeJS.ErrnoException) {
    if (error.code === 'EPIPE') {
      closed = true;
      return;
    }
    throw error;
  });
  return {
    out: (line) => {
      if (!closed) process.stdout.write(`${line}\n`);
    },
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

export function storeOptions(command: Command): Command {
  return command
    .option('-c, --config <path>', 'routes file, for its store (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--store <url>', "sqlite:PATH or postgres://... (default: $HOOKGATE_STORE, else the file's store)");
}
