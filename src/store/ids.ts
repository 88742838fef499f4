/**
 * Router ids (`evt_...`, `dlv_...`) that sort by creation time: 10 characters of a 48-bit
 * millisecond timestamp, then 16 of randomness, in lower-case Crockford base32 (whose alphabet is
 * in ASCII order, so string order is time order). Ids made by one process in the same millisecond
 * still increase: the random part is incremented instead of drawn again.
 *
 * Two ids are made per ingested event, so this is plain number arithmetic: the 80 random bits
 * are kept as two 40-bit halves (each exact in a double) and the random bytes are drawn from a
 * pool, not one crypto call per id. (BigInt did the same in ~50 heap allocations per id.)
 */
import { randomFillSync } from 'node:crypto';

export type IdPrefix = 'evt' | 'dlv' | 'grp';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const HALF_CHARS = 8;
const HALF = 2 ** 40;

let lastTime = -1;
let randomHigh = 0;
let randomLow = 0;

const pool = Buffer.alloc(10 * 256);
let poolOffset = pool.length;

/** `value` (an integer below 2^53) as `chars` base32 digits, most significant first. */
function encode(value: number, chars: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function drawRandom(): void {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  randomHigh = pool.readUIntBE(poolOffset, 5);
  randomLow = pool.readUIntBE(poolOffset + 5, 5);
  poolOffset += 10;
}

/** A new id, e.g. `evt_01hx3k7v2q9m4c8d0e6f1g2h3j`. `now` is epoch milliseconds. */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = Math.max(0, Math.floor(now));
  if (time <= lastTime) {
    time = lastTime;
    randomLow++;
    if (randomLow === HALF) {
      randomLow = 0;
      randomHigh++;
      // All 80 bits were set: start again from fresh randomness (as likely as never).
      if (randomHigh === HALF) drawRandom();
    }
  } else {
    drawRandom();
  }
  lastTime = time;
  return `${prefix}_${encode(time, TIME_CHARS)}${encode(randomHigh, HALF_CHARS)}${encode(randomLow, HALF_CHARS)}`;
}
