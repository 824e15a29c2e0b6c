// Byte and text encodings the core needs, without requiring Node's Buffer: edge runtimes (workerd without
// nodejs_compat, Deno, browsers) have none. Where Buffer exists (Node, Bun) it is used, because its
// base64 codec is several times faster than atob/btoa on a 100 KB SAMLResponse.

type BufferLike = Uint8Array & { toString(encoding: string): string };
interface BufferStatics {
  from(data: string, encoding: string): BufferLike;
  from(data: ArrayBufferLike, byteOffset: number, length: number): BufferLike;
  byteLength(text: string, encoding: string): number;
}

const NodeBuffer = (globalThis as { Buffer?: BufferStatics }).Buffer;
const encoder = new TextEncoder();
const STRICT_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function view(bytes: Uint8Array): BufferLike {
  return NodeBuffer!.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** UTF-8 bytes of a string. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A string from UTF-8 bytes. `fatal` refuses invalid UTF-8 (undefined) instead of replacing it. */
export function utf8Decode(bytes: Uint8Array, fatal = false): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The UTF-8 length of a string, without encoding it where Buffer can count. */
export function utf8Length(text: string): number {
  return NodeBuffer !== undefined ? NodeBuffer.byteLength(text, 'utf8') : encoder.encode(text).byteLength;
}

/** Each byte as one char code 0–255 (ASCII base64 held as bytes, say). */
export function latin1Decode(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return view(bytes).toString('latin1');
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** The 6-bit value of a base64 character (only ever called on characters STRICT_B64 allowed). */
function sextet(c: number): number {
  return c >= 0x61 ? c - 71 : c >= 0x41 ? c - 65 : c >= 0x30 ? c + 4 : c === 0x2b ? 62 : 63;
}

/** RFC 4648 §3.5: the bits a padded final quantum leaves unused are zero (one encoding per byte string). */
function canonicalTail(text: string, pad: number): boolean {
  return pad === 0 || (sextet(text.charCodeAt(text.length - pad - 1)) & (pad === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Strict standard base64 (RFC 4648 §4): no whitespace, padding required, no stray bits. Undefined for
 * anything else. Nothing is re-encoded: with Buffer the decoded length proves every character was in the
 * alphabet; without it (atob) a regular expression checks the alphabet and padding first. Either way the
 * canonical-form rule is checked on the last data character.
 */
export function base64Decode(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (NodeBuffer !== undefined) {
    // Node's decoder skips every character outside the alphabet and stops at '=', so any such character
    // leaves fewer bytes than the length implies; it also reads the URL-safe '-' and '_', which are
    // refused by name. This avoids a regular-expression pass over the whole SAMLResponse.
    if (text.includes('-') || text.includes('_')) return undefined;
    const bytes = NodeBuffer.from(text, 'base64');
    if (bytes.length !== (text.length / 4) * 3 - pad || !canonicalTail(text, pad)) return undefined;
    return bytes;
  }
  if (!STRICT_B64.test(text) || !canonicalTail(text, pad)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Standard base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return view(bytes).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Lower-case hex. */
export function hexEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

/** Byte equality of public data (certificates); digests use the constant-time comparison in crypto/. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenate byte arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
