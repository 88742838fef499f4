/**
 * Router ids (`evt_...`, `dlv_...`) that sort by creation time: 10 characters of a 48-bit
 * millisecond timestamp, then 16 of randomness, in lower-case Crockford base32 (whose alphabet is
 * in ASCII order, so string order is time order). Ids made by one process in the same millisecond
 * still increase: the random part is incremented instead of drawn again.
 */
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'evt' | 'dlv' | 'grp';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const RANDOM_MAX = (1n << 80n) - 1n;

let lastTime = -1;
let lastRandom = 0n;

function encode(value: bigint, chars: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[Number(rest & 31n)]! + out;
    rest >>= 5n;
  }
  return out;
}

function freshRandom(): bigint {
  return BigInt(`0x${randomBytes(10).toString('hex')}`);
}

/** A new id, e.g. `evt_01hx3k7v2q9m4c8d0e6f1g2h3j`. `now` is epoch milliseconds. */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  let time = Math.max(0, Math.floor(now));
  if (time <= lastTime) {
    time = lastTime;
    lastRandom = lastRandom >= RANDOM_MAX ? freshRandom() : lastRandom + 1n;
  } else {
    lastRandom = freshRandom();
  }
  lastTime = time;
  return `${prefix}_${encode(BigInt(time), TIME_CHARS)}${encode(lastRandom, RANDOM_CHARS)}`;
}
