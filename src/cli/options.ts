/** Option parsing shared by the commands. */
import { InvalidArgumentError } from 'commander';

/** -c, else $HOOKGATE_CONFIG, else routes.yaml: the config every command reads. */
export function configPathOption(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  return flag ?? env.HOOKGATE_CONFIG ?? 'routes.yaml';
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError(`"${value}" is not a port (0-65535)`);
  return port;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive integer`);
  return n;
}
