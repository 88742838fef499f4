/**
 * `hookgate send <provider> <payload.json|-> | --event TYPE`: sign a payload as the provider
 * would, with the provider's secret from the environment, and POST it (like `stripe trigger`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { MISSING_SECRET_PLACEHOLDER } from '../config/secrets.ts';
import { signFor } from '../providers/registry.ts';
import { loadAndCompile } from '../server/load-config.ts';
import { configPathOption } from './options.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples');

interface SendOptions {
  readonly config?: string;
  readonly url?: string;
  readonly header: string[];
  readonly event?: string;
}

export interface SendPlan {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A bundled sample of this verifier type's event; Stripe samples get a fresh event id each time. */
export function bundledFixture(verifierType: string, event: string): Buffer {
  const file = path.join(FIXTURES, verifierType, `${event}.json`);
  if (!existsSync(file)) {
    throw new Error(`no bundled ${verifierType} sample for "${event}" (looked for ${path.relative(process.cwd(), file)})`);
  }
  const raw = readFileSync(file);
  if (verifierType !== 'stripe') return raw;
  const parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  parsed.id = `evt_${randomBytes(12).toString('hex')}`;
  parsed.created = Math.floor(Date.now() / 1000);
  return Buffer.from(JSON.stringify(parsed, null, 2));
}

function parseHeader(text: string): [string, string] {
  const at = text.indexOf(':');
  if (at <= 0) throw new Error(`--header "${text}": expected name:value`);
  return [text.slice(0, at).trim().toLowerCase(), text.slice(at + 1).trim()];
}

export async function planSend(provider: string, payload: string | undefined, options: SendOptions): Promise<SendPlan> {
  const file = configPathOption(options.config);
  // Validate mode: variables this command does not need (target URLs, tokens) may be unset.
  const result = loadAndCompile(file, { mode: 'validate', compile: false });
  if (!result.ok) throw new Error(`${file} is not usable:\n${result.errors.join('\n')}`);
  const loaded = { ...result.loaded, config: result.file };
  const providerConfig = loaded.config.providers[provider];
  if (!providerConfig) {
    throw new Error(`no provider "${provider}" in ${file} (have: ${Object.keys(loaded.config.providers).join(', ')})`);
  }
  const verify = providerConfig.verify;
  let body: Buffer;
  if (options.event !== undefined) body = bundledFixture(verify.type, options.event);
  else if (payload === undefined) throw new Error('give a payload file, - for standard input, or --event TYPE');
  else body = payload === '-' ? readFileSync(0) : readFileSync(payload);

  const secret = verify.secrets?.[0] ?? verify.secret ?? '';
  if (verify.type !== 'none' && (secret === '' || secret === MISSING_SECRET_PLACEHOLDER)) {
    throw new Error(
      `provider "${provider}" has no secret in this environment (unset: ${loaded.missingEnv.join(', ') || 'none'}); export it or pass --env-file`,
    );
  }
  const extra = Object.fromEntries(options.header.map(parseHeader));
  const signed = await signFor(verify, {
    rawBody: body,
    secret,
    ...(options.event !== undefined ? { eventType: options.event } : {}),
    deliveryId: randomUUID(),
  });
  const port = process.env.PORT ?? String(loaded.config.server?.port ?? 8787);
  return {
    url: options.url ?? `http://127.0.0.1:${port}/webhooks/${provider}`,
    headers: { 'content-type': 'application/json', ...signed, ...extra },
    body,
  };
}

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('sign a payload as the provider would (secret from the environment) and POST it')
    .argument('<provider>', 'provider name in the config')
    .argument('[payload]', 'JSON file, or - for standard input')
    .option('-c, --config <path>', 'routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--event <type>', 'send the bundled sample of this event type instead of a file')
    .option('--url <url>', 'where to POST (default: http://127.0.0.1:$PORT/webhooks/<provider>)')
    .option('--header <name:value>', 'extra header (repeatable)', collect, [])
    .action(async function sendAction(provider: string, payload: string | undefined, opts: SendOptions) {
      let plan: SendPlan;
      try {
        plan = await planSend(provider, payload, opts);
      } catch (err) {
        console.error(`hookgate send: ${(err as Error).message}`);
        process.exitCode = 1;
        return;
      }
      try {
        const res = await fetch(plan.url, { method: 'POST', headers: plan.headers, body: plan.body });
        const text = await res.text();
        console.log(`${res.status} ${text}`);
        process.exitCode = res.ok ? 0 : 1;
      } catch (err) {
        console.error(`hookgate send: POST ${plan.url} failed: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    });
}
