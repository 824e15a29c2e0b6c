// Stands in for node:crypto and node:zlib in the web build (tsup.config.ts), where they do not exist.
// The modules that import them (signing, token issuing, the Redirect binding, HMAC audit principals)
// still load, so the verify path works; calling one of them says plainly why it cannot run here.
import { SamlGuardError } from '../errors.js';

function absent(name: string): never {
  throw new SamlGuardError('RUNTIME_UNSUPPORTED', `${name} needs Node's built-in modules (node:crypto / node:zlib), which this runtime lacks. Verification, Bearer tokens and the request guard work here; sign-in, token issuing and signing run on Node or Bun.`);
}

const fn = (name: string) => (..._args: unknown[]): never => absent(name);

/** `x instanceof KeyObject` is simply false here; constructing one is refused. */
class Absent {
  constructor() {
    absent('This operation');
  }
  static [Symbol.hasInstance](): boolean {
    return false;
  }
}

export const KeyObject = Absent;
export const X509Certificate = Absent;
export const constants = {};
export const createHash = fn('createHash');
export const createHmac = fn('createHmac');
export const createPublicKey = fn('createPublicKey');
export const createPrivateKey = fn('createPrivateKey');
export const createDecipheriv = fn('createDecipheriv');
export const privateDecrypt = fn('privateDecrypt');
export const randomBytes = fn('randomBytes');
export const sign = fn('sign');
export const verify = fn('verify');
export const timingSafeEqual = fn('timingSafeEqual');
export const deflateRawSync = fn('deflateRawSync');
export const inflateRawSync = fn('inflateRawSync');
