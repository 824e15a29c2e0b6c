// Every cryptographic primitive samlguard uses goes through this room. Two backends export the same
// names: backend.ts (node:crypto, synchronous) and backend-web.ts (WebCrypto, asynchronous), chosen at
// build time. Code that must run on both is written as a task: a generator that yields each backend
// result, so one body serves a synchronous driver (Node) and an asynchronous one (WebCrypto) alike.
import { SamlGuardError } from '../errors.js';
import * as backend from './backend.js';
import type { HashName, KeyFamily, PrivateKeyHandle, PublicKeyHandle } from './types.js';

export type { CertificateInfo, HashName, KeyFamily, PrivateKeyHandle, PublicKeyHandle, PublicKeyInfo, WebPrivateKey, WebPublicKey } from './types.js';
export { BACKEND, digestSync, digestsEqual, importPrivateKey, importPublicKey, publicKeyFromObject, randomId, readCertificateDer, signText } from './backend.js';

/** A computation that yields backend results (values or Promises) and is resumed with their values. */
export type Task<T> = Generator<unknown, T, unknown>;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Run a task to its end synchronously; a backend that answers with a Promise cannot be waited for here. */
export function runSync<T>(task: Task<T>, api = 'This synchronous API'): T {
  let step = task.next();
  while (!step.done) {
    if (isThenable(step.value)) {
      throw new SamlGuardError('RUNTIME_UNSUPPORTED', `${api} needs node:crypto, which this runtime lacks (WebCrypto is asynchronous only). Use the asynchronous form (createVerifier(...).verify, verifyAssertion).`);
    }
    step = task.next(step.value);
  }
  return step.value;
}

/** Run a task, awaiting only what is a Promise: under node:crypto the whole task runs without a tick. */
export async function runAsync<T>(task: Task<T>): Promise<T> {
  let step = task.next();
  while (!step.done) {
    let value = step.value;
    if (isThenable(value)) {
      try {
        value = await value;
      } catch (err) {
        step = task.throw(err);
        continue;
      }
    }
    step = task.next(value);
  }
  return step.value;
}

/** Digest text (as UTF-8) or bytes. */
export function* digest(hash: HashName, data: string | Uint8Array): Task<Uint8Array> {
  return (yield backend.digest(hash, data)) as Uint8Array;
}

/** Verify a signature over UTF-8 text; false, never a throw, for one that does not verify. */
export function* verifySignature(hash: HashName, family: KeyFamily, key: PublicKeyHandle, text: string, signature: Uint8Array): Task<boolean> {
  return (yield backend.verifySignature(hash, family, key, text, signature)) === true;
}

/** RSA-OAEP key transport; undefined on any failure. */
export function* rsaOaepDecrypt(key: PrivateKeyHandle, ciphertext: Uint8Array, hash: HashName, mgf: HashName, label: Uint8Array | undefined): Task<Uint8Array | undefined> {
  return (yield backend.rsaOaepDecrypt(key, ciphertext, hash, mgf, label)) as Uint8Array | undefined;
}

/** Whether this runtime has AES with keys of this size. */
export function* aesSupported(keyBytes: number): Task<boolean> {
  return (yield backend.aesSupported(keyBytes)) === true;
}

/** AES-GCM or AES-CBC (ISO 10126 padding) content decryption; undefined on any failure. */
export function* aesDecrypt(mode: 'gcm' | 'cbc', cek: Uint8Array, data: Uint8Array): Task<Uint8Array | undefined> {
  return (yield backend.aesDecrypt(mode, cek, data)) as Uint8Array | undefined;
}

/** Upper-case colon hex, as `openssl x509 -fingerprint -sha256` prints. */
export function colonHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i > 0 ? ':' : '') + (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16).toUpperCase();
  return out;
}
