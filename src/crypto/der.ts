// The few DER structures the WebCrypto backend must read itself, because edge runtimes have no X.509
// parser: a certificate's subject and SubjectPublicKeyInfo, an SPKI's algorithm and size, and the RSA
// key forms (PKCS#1) WebCrypto cannot import, rewrapped as SPKI/PKCS#8. Configured keys are trusted
// input, but KeyInfo certificates are not: every read is bounds-checked and any surprise throws.

interface Tlv {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly begin: number;
  /** Offset of the content, and its end. */
  readonly start: number;
  readonly end: number;
  /** Offset of the first byte after this element. */
  readonly next: number;
}

class DerError extends Error {}

function readTlv(der: Uint8Array, at: number, limit = der.length): Tlv {
  if (at + 2 > limit) throw new DerError('truncated');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used here');
  let len = der[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new DerError('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[start + i]!;
    start += n;
    if (len < 0x80 || (n > 1 && der[start - n] === 0)) throw new DerError('non-minimal length');
  }
  const end = start + len;
  if (end > limit) throw new DerError('truncated');
  return { tag, begin: at, start, end, next: end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = readTlv(der, at, parent.end);
    out.push(t);
    at = t.next;
    if (out.length > 64) throw new DerError('too many elements');
  }
  return out;
}

function expectTag(t: Tlv | undefined, tag: number): Tlv {
  if (t === undefined || t.tag !== tag) throw new DerError(`expected tag 0x${tag.toString(16)}`);
  return t;
}

function oid(der: Uint8Array, t: Tlv): string {
  expectTag(t, 0x06);
  const parts: number[] = [];
  let value = 0;
  for (let i = t.start; i < t.end; i++) {
    value = value * 128 + (der[i]! & 0x7f);
    if ((der[i]! & 0x80) === 0) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((s, p) => s + p.length, 0);
  const head = [tag, ...encodeLength(size)];
  const out = new Uint8Array(head.length + size);
  out.set(head, 0);
  let at = head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; bits: number }> = {
  '1.2.840.10045.3.1.7': { name: 'P-256', bits: 256 },
  '1.3.132.0.34': { name: 'P-384', bits: 384 },
  '1.3.132.0.35': { name: 'P-521', bits: 521 },
};
const RSA_ALGORITHM_ID = new Uint8Array([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]);

function integerBits(der: Uint8Array, t: Tlv): number {
  expectTag(t, 0x02);
  let i = t.start;
  while (i < t.end && der[i] === 0) i++;
  if (i === t.end) return 0;
  return (t.end - i - 1) * 8 + (32 - Math.clz32(der[i]!));
}

/** What an SPKI holds: its family, size in bits (RSA modulus; EC field) and the EC curve name. */
export interface SpkiInfo {
  readonly family: 'rsa' | 'ec' | 'other';
  readonly bits: number;
  readonly curve?: 'P-256' | 'P-384' | 'P-521';
  /** What the key is, for an error message ("EC curve 1.3.132.0.10", "RSA"). */
  readonly description: string;
}

/** Read an SPKI's algorithm and size. Throws on malformed DER. */
export function readSpki(spki: Uint8Array): SpkiInfo {
  try {
    const top = readTlv(spki, 0);
    if (top.tag !== 0x30 || top.next !== spki.length) throw new DerError('not a SEQUENCE');
    const [alg, key] = children(spki, top);
    const algParts = children(spki, expectTag(alg, 0x30));
    const algOid = oid(spki, algParts[0]!);
    const bitString = expectTag(key, 0x03);
    if (spki[bitString.start] !== 0) throw new DerError('unused bits');
    if (algOid === RSA_ENCRYPTION) {
      const inner = readTlv(spki, bitString.start + 1, bitString.end);
      const [modulus] = children(spki, expectTag(inner, 0x30));
      return { family: 'rsa', bits: integerBits(spki, modulus!), description: 'RSA' };
    }
    if (algOid === EC_PUBLIC_KEY) {
      const curveOid = oid(spki, algParts[1]!);
      const curve = CURVES[curveOid];
      return curve ? { family: 'ec', bits: curve.bits, curve: curve.name, description: curve.name } : { family: 'other', bits: 0, description: `EC curve "${curveOid}"` };
    }
    return { family: 'other', bits: 0, description: `a key of algorithm ${algOid}` };
  } catch (cause) {
    throw new Error('The SubjectPublicKeyInfo is not valid DER.', { cause });
  }
}

const DN_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

function readName(der: Uint8Array, name: Tlv): string {
  const out: string[] = [];
  for (const rdn of children(der, expectTag(name, 0x30))) {
    for (const atv of children(der, expectTag(rdn, 0x31))) {
      const [type, value] = children(der, expectTag(atv, 0x30));
      const key = oid(der, type!);
      const v = value!;
      const bytes = der.subarray(v.start, v.end);
      // BMPString is UTF-16BE; the string types samlguard meets otherwise are ASCII or UTF-8.
      const text = v.tag === 0x1e ? String.fromCharCode(...Array.from({ length: bytes.length >> 1 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!)) : new TextDecoder().decode(bytes);
      out.push(`${DN_NAMES[key] ?? key}=${text}`);
    }
  }
  return out.join(', ');
}

/** A certificate's SubjectPublicKeyInfo (DER) and subject (as "C=…, O=…, CN=…"). Throws on malformed DER. */
export function readCertificate(der: Uint8Array): { spki: Uint8Array; subject: string } {
  try {
    const top = readTlv(der, 0);
    if (top.tag !== 0x30 || top.next !== der.length) throw new DerError('not a SEQUENCE');
    const [tbs] = children(der, top);
    const fields = children(der, expectTag(tbs, 0x30));
    let i = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] EXPLICIT version
    expectTag(fields[i++], 0x02); // serialNumber
    expectTag(fields[i++], 0x30); // signature algorithm
    expectTag(fields[i++], 0x30); // issuer
    expectTag(fields[i++], 0x30); // validity
    const subject = readName(der, fields[i++]!);
    const spki = expectTag(fields[i], 0x30);
    return { spki: der.slice(spki.begin, spki.end), subject };
  } catch (cause) {
    throw new Error('The certificate is not valid DER.', { cause });
  }
}

/** PKCS#1 RSAPublicKey → SPKI (what WebCrypto imports). */
export function rsaPublicKeyToSpki(pkcs1: Uint8Array): Uint8Array {
  return tlv(0x30, RSA_ALGORITHM_ID, tlv(0x03, new Uint8Array([0]), pkcs1));
}

/** PKCS#1 RSAPrivateKey → PKCS#8 PrivateKeyInfo (what WebCrypto imports). */
export function rsaPrivateKeyToPkcs8(pkcs1: Uint8Array): Uint8Array {
  return tlv(0x30, new Uint8Array([0x02, 0x01, 0x00]), RSA_ALGORITHM_ID, tlv(0x04, pkcs1));
}

/** The modulus size of an RSA PKCS#8 key, or 0 when it is not an unencrypted RSA PKCS#8 key. */
export function pkcs8RsaBits(pkcs8: Uint8Array): number {
  try {
    const top = readTlv(pkcs8, 0);
    if (top.tag !== 0x30 || top.next !== pkcs8.length) return 0;
    const [version, alg, key] = children(pkcs8, top);
    expectTag(version, 0x02);
    if (oid(pkcs8, children(pkcs8, expectTag(alg, 0x30))[0]!) !== RSA_ENCRYPTION) return 0;
    const octets = expectTag(key, 0x04);
    const rsa = readTlv(pkcs8, octets.start, octets.end);
    const [, modulus] = children(pkcs8, expectTag(rsa, 0x30));
    return integerBits(pkcs8, modulus!);
  } catch {
    return 0;
  }
}
