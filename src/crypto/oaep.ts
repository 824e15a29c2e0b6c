// RSA-OAEP decoding (RFC 8017 §7.1.2) over OpenSSL's raw RSA operation. node:crypto's OAEP ties the
// MGF1 hash to the OAEP hash, but XML Encryption's rsa-oaep-mgf1p always uses MGF1-SHA1 even with a
// SHA-256 DigestMethod, so the padding is checked here. The RSA private-key operation itself is
// OpenSSL's; the checks below do not branch on secret data until the single final verdict.
import { constants, createHash, privateDecrypt, type KeyObject } from 'node:crypto';
import type { HashName } from './types.js';

const HASH_BYTES: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

function mgf1(hash: HashName, seed: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  const counter = Buffer.alloc(4);
  let filled = 0;
  for (let i = 0; filled < length; i++) {
    counter.writeUInt32BE(i, 0);
    const block = createHash(hash).update(seed).update(counter).digest();
    block.copy(out, filled, 0, Math.min(block.length, length - filled));
    filled += block.length;
  }
  return out;
}

/** Decrypt an RSA-OAEP ciphertext. Returns undefined on any failure, without saying which. */
export function rsaOaepDecrypt(key: KeyObject, ciphertext: Uint8Array, hash: HashName, mgfHash: HashName, label: Uint8Array = new Uint8Array(0)): Buffer | undefined {
  const k = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const hLen = HASH_BYTES[hash];
  if (k === 0 || ciphertext.length !== k || k < 2 * hLen + 2) return undefined;
  let em: Buffer;
  try {
    em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    return undefined;
  }
  if (em.length !== k) return undefined;
  const lHash = createHash(hash).update(label).digest();
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seed = Buffer.from(maskedSeed);
  const seedMask = mgf1(mgfHash, maskedDb, hLen);
  for (let i = 0; i < hLen; i++) seed[i]! ^= seedMask[i]!;
  const db = Buffer.from(maskedDb);
  const dbMask = mgf1(mgfHash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= dbMask[i]!;

  // Accumulate every check into one flag; find the 0x01 separator without early exit.
  let bad = em[0]!;
  for (let i = 0; i < hLen; i++) bad |= db[i]! ^ lHash[i]!;
  let index = 0;
  let looking = 1;
  for (let i = hLen; i < db.length; i++) {
    const byte = db[i]!;
    const isOne = byte === 1 ? 1 : 0;
    const isZero = byte === 0 ? 1 : 0;
    index = looking & isOne ? i : index;
    bad |= looking & (isZero | isOne ? 0 : 1);
    looking &= isZero;
  }
  bad |= looking;
  if (bad !== 0) return undefined;
  return db.subarray(index + 1);
}
