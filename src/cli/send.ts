/**
 * `hookgate send <provider> <payload.json|-> | --event TYPE`: sign a payload as the provider
 * would, with the provider's secret from the environment, and POST it (like `stripe trigger`).
 * Samples come from samples/<verifier type>/<event>.json; the verifier type decides how a sample
 * is made fresh (a new event id, the signing time in the body) and which headers carry the event.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { MISSING_SECRET_PLACEHOLDER } from '../config/secrets.ts';
import { requireVerifierType, signRequestFor } from '../providers/registry.ts';
import { loadAndCompile } from '../server/load-config.ts';
import { configPathOption } from './options.ts';

const SAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples');

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

/**
 * The bundled sample of this verifier type's event (samples/<type>/<event>.json, else the
 * provider's published catalog when the type has one), made fresh by the type when it says how.
 */
export function bundledSample(verifierType: string, event: string, at: Date = new Date()): Buffer {
  const type = requireVerifierType(verifierType);
  const file = path.join(SAMPLES, verifierType, `${event}.json`);
  const raw = existsSync(file) ? readFileSync(file) : type.catalog?.sample(event);
  if (raw === undefined) {
    const dir = path.join(SAMPLES, verifierType);
    const have = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -'.json'.length))
      : [];
    const catalog = type.catalog ? `; ${type.catalog.source} has none either (${closest(event, type.catalog.names())})` : '';
    throw new Error(
      `no bundled ${verifierType} sample for "${event}" (${have.length > 0 ? `have: ${have.join(', ')}` : `looked for ${path.relative(process.cwd(), file)}`}${catalog})`,
    );
  }
  return type.freshSample?.(raw, at) ?? raw;
}

/** The catalog's event types that share the asked type's first segment, else a count. */
function closest(event: string, names: readonly string[]): string {
  const head = event.split('.')[0];
  const near = names.filter((name) => name.split('.')[0] === head);
  return near.length > 0 ? `it has: ${near.join(', ')}` : `it has ${names.length} event types; none is "${head}"`;
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
  const verifierType = requireVerifierType(verify.type);
  const at = new Date();
  const extra = Object.fromEntries(options.header.map(parseHeader));
  let body: Buffer;
  if (payload !== undefined) body = payload === '-' ? readFileSync(0) : readFileSync(payload);
  else if (options.event !== undefined) body = bundledSample(verify.type, options.event, at);
  else throw new Error('give a payload file, - for standard input, or --event TYPE');
  const eventHeader = verifierType.eventTypeHeader;
  if (eventHeader !== undefined && options.event === undefined && extra[eventHeader.toLowerCase()] === undefined) {
    throw new Error(
      `provider "${provider}" (type ${verify.type}) names its events in ${eventHeader}: give --event TYPE, or --header ${eventHeader}:<value>`,
    );
  }
  // Schemes that sign a time carried in the body (Linear) get the signing time written in.
  body = verifierType.timestamp?.stampBody?.(body, at) ?? body;

  const secret = verify.secrets?.[0] ?? verify.secret ?? '';
  if (verify.type !== 'none' && (secret === '' || secret === MISSING_SECRET_PLACEHOLDER)) {
    // Public-key types (SendGrid, Discord) verify without a secret; only signing here needs one.
    if (verifierType.throwawayKeys !== undefined && loaded.missingEnv.length === 0) {
      throw new Error(
        `provider "${provider}" (type ${verify.type}) verifies with a public key; to sign like the provider, set verify.secret to the matching private key`,
      );
    }
    throw new Error(
      `provider "${provider}" has no secret in this environment (unset: ${loaded.missingEnv.join(', ') || 'none'}); export it or pass --env-file`,
    );
  }
  const signed = await signRequestFor(verify, {
    rawBody: body,
    secret,
    timestamp: at,
    ...(options.event !== undefined ? { eventType: options.event } : {}),
    deliveryId: randomUUID(),
  });
  const port = process.env.PORT ?? String(loaded.config.server?.port ?? 8787);
  const url = new URL(options.url ?? `http://127.0.0.1:${port}/webhooks/${provider}`);
  // Schemes that sign the URL (Twilio's bodySHA256) add to its query.
  for (const [name, value] of Object.entries(signed.query ?? {})) url.searchParams.set(name, value);
  return {
    url: url.toString(),
    headers: { 'content-type': 'application/json', ...signed.headers, ...extra },
    body: signed.rawBody,
  };
}

export function registerSend(program: Command): void {
  program
    .command('send')
    .description('sign a payload as the provider would (secret from the environment) and POST it')
    .argument('<provider>', 'provider name in the config')
    .argument('[payload]', 'JSON file, or - for standard input')
    .option('-c, --config <path>', 'routes file (default: $HOOKGATE_CONFIG, else routes.yaml)')
    .option('--event <type>', 'the event type: without a payload file, its bundled sample is sent')
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
