// IDs of the messages this SP sends. An xs:ID must be an NCName (a letter or '_' first), so a bare UUID
// will not do. The issue instant rides in the ID, so that an ID the store no longer knows can be told
// apart as expired rather than unknown, without a second lookup: a forged ID gains nothing from it, since
// only the store decides whether an ID is outstanding.
import { randomId } from '../crypto/index.js';
import { hexEncode } from '../bytes/index.js';

const PREFIX = '_sg';

/** A fresh message ID: `_sg<issue time, base 36>_<128 random bits, hex>`. */
export function newMessageId(now: number): string {
  return `${PREFIX}${Math.floor(now).toString(36)}_${hexEncode(randomId(16))}`;
}

/** The issue instant (epoch ms) a samlguard-made ID carries, or undefined for any other string. */
export function issuedAtOf(id: string): number | undefined {
  const m = /^_sg([0-9a-z]{1,11})_[0-9a-f]{32}$/.exec(id);
  if (m === null) return undefined;
  const ms = parseInt(m[1]!, 36);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
