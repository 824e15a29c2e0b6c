/*
 * XML Encryption for SAML: EncryptedAssertion, EncryptedID and EncryptedAttribute. Allow-listed
 * algorithms only; keys come from configuration; nothing is fetched (no CipherReference, and
 * RetrievalMethod may only point at an EncryptedKey inside the same encrypted element).
 *
 * Oracle hygiene: every failure from key unwrapping through "the plaintext parses as the one expected
 * element" is the same DECRYPTION_FAILED with the same message, so an attacker who edits ciphertext
 * learns nothing about padding, key or parse state (the XML Encryption CBC attacks need that signal).
 */
import type { KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { DSIG_NS } from '../dsig/algorithms.js';
import { decodeStrictBase64 } from '../keys/index.js';
import { NodeType, attr, childElements, pathOf } from '../xml/dom.js';
import { parseWithLimits, type ParseLimits } from '../xml/parse.js';
import { XMLNS_NS } from '../xml/ns.js';
import { ENCRYPTED_KEY_TYPE, RSA_1_5, RSA_OAEP_11, RSA_OAEP_MGF1P, XENC11_NS, XENC_NS, contentAlgorithm, mgfHash, oaepDigest } from './algorithms.js';
import { aesDecrypt, aesSupported, importPrivateKey, rsaOaepDecrypt, runSync, type HashName, type PrivateKeyHandle, type Task } from '../crypto/index.js';
import { utf8Decode } from '../bytes/index.js';

/** A configured SP decryption key: PEM (PKCS#8 or PKCS#1), optionally with its passphrase, or a KeyObject. */
export type DecryptionKeyInput = string | Uint8Array | KeyObject | { key: string | Uint8Array; passphrase: string };

export interface DecryptionPolicy {
  readonly keys: readonly PrivateKeyHandle[];
  /** AES-CBC content encryption (default true; it is what many IdPs send). GCM is always allowed. */
  readonly allowCbc: boolean;
  readonly limits: Readonly<Required<ParseLimits>>;
}

const WRAPPER = 'samlguard-decrypted';

function failed(el: Element): SamlGuardError {
  return new SamlGuardError('DECRYPTION_FAILED', `<${el.localName}> could not be decrypted with the configured SP key(s). Check that the IdP encrypts to your current SP certificate.`, { path: pathOf(el) });
}

function notAllowed(message: string, el: Element): SamlGuardError {
  return new SamlGuardError('ALGORITHM_NOT_ALLOWED', message, { path: pathOf(el) });
}

function shape(message: string, el: Element): SamlGuardError {
  return new SamlGuardError('DECRYPTION_FAILED', message, { path: pathOf(el) });
}

/**
 * Import SP decryption keys once. RSA private keys only (XML Encryption key transport is RSA-OAEP here);
 * an encrypted PEM needs its passphrase.
 */
export function importDecryptionKeys(inputs: readonly DecryptionKeyInput[], minRsaKeyBits: number): PrivateKeyHandle[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new SamlGuardError('CONFIG_INVALID', 'sp.decryptionKeys must be a non-empty array of private keys.');
  return inputs.map((input, i) => {
    const where = `sp.decryptionKeys[${i}]`;
    let key: ReturnType<typeof importPrivateKey>;
    try {
      key = importPrivateKey(input);
    } catch (cause) {
      if (cause instanceof SamlGuardError) throw cause;
      throw new SamlGuardError('CONFIG_INVALID', `${where} is not a usable private key (PEM PKCS#8/PKCS#1, DER PKCS#8, or { key, passphrase } for an encrypted one).`, { cause });
    }
    if (key.family !== 'rsa') {
      throw new SamlGuardError('CONFIG_INVALID', `${where} must be an RSA private key (XML Encryption key transport is RSA-OAEP).`);
    }
    if (key.bits < minRsaKeyBits) throw new SamlGuardError('CONFIG_INVALID', `${where} is ${key.bits} bits; the minimum is ${minRsaKeyBits}.`);
    return key.handle;
  });
}

function cipherValue(encrypted: Element): Uint8Array {
  const kids = childElements(encrypted);
  const cipherData = kids.filter((k) => k.namespaceURI === XENC_NS && k.localName === 'CipherData');
  if (cipherData.length !== 1) throw shape(`<${encrypted.localName}> must contain exactly one CipherData.`, encrypted);
  const inner = childElements(cipherData[0]!);
  if (inner.length !== 1 || inner[0]!.namespaceURI !== XENC_NS || inner[0]!.localName !== 'CipherValue') {
    // CipherReference would make us fetch: refused.
    throw shape('CipherData must contain a CipherValue (CipherReference is refused: nothing is fetched).', cipherData[0]!);
  }
  let text = '';
  for (let n = inner[0]!.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType !== NodeType.TEXT) throw shape('CipherValue must contain base64 text only.', inner[0]!);
    text += (n as unknown as { data: string }).data;
  }
  const bytes = decodeStrictBase64(text);
  if (bytes === undefined) throw shape('CipherValue is not valid base64.', inner[0]!);
  return bytes;
}

function onlyChild(parent: Element, ns: string, local: string): Element | undefined {
  const found = childElements(parent).filter((c) => c.namespaceURI === ns && c.localName === local);
  if (found.length > 1) throw shape(`<${parent.localName}> has more than one <${local}>.`, parent);
  return found[0];
}

interface KeyTransport {
  hash: HashName;
  mgf: HashName;
  label: Uint8Array | undefined;
  cipher: Uint8Array;
}

function readEncryptedKey(ek: Element): KeyTransport {
  const method = onlyChild(ek, XENC_NS, 'EncryptionMethod');
  if (method === undefined) throw shape('EncryptedKey has no EncryptionMethod.', ek);
  const uri = attr(method, 'Algorithm') ?? '';
  if (uri === RSA_1_5) {
    throw notAllowed('Key transport rsa-1_5 (RSA PKCS#1 v1.5) is refused: it is open to Bleichenbacher-style padding-oracle attacks (and current Node refuses it for private decryption). Configure the IdP to use RSA-OAEP.', method);
  }
  if (uri !== RSA_OAEP_MGF1P && uri !== RSA_OAEP_11) throw notAllowed(`Key transport ${quote(uri)} is not allowed; use RSA-OAEP (${RSA_OAEP_MGF1P} or ${RSA_OAEP_11}).`, method);
  let hash: HashName = 'sha1';
  let mgf: HashName = 'sha1';
  let label: Uint8Array | undefined;
  for (const c of childElements(method)) {
    const a = attr(c, 'Algorithm') ?? '';
    if (c.namespaceURI === DSIG_NS && c.localName === 'DigestMethod') {
      const h = oaepDigest(a);
      if (h === undefined) throw notAllowed(`RSA-OAEP DigestMethod ${quote(a)} is not allowed.`, c);
      hash = h;
    } else if (c.namespaceURI === XENC11_NS && c.localName === 'MGF' && uri === RSA_OAEP_11) {
      const h = mgfHash(a);
      if (h === undefined) throw notAllowed(`RSA-OAEP MGF ${quote(a)} is not allowed.`, c);
      mgf = h;
    } else if (c.namespaceURI === XENC_NS && c.localName === 'OAEPparams') {
      label = decodeStrictBase64(c.textContent ?? '');
      if (label === undefined) throw shape('OAEPparams is not valid base64.', c);
    } else {
      throw shape(`Unexpected <${c.localName}> in the key transport EncryptionMethod.`, c);
    }
  }
  return { hash, mgf, label, cipher: cipherValue(ek) };
}

/** The EncryptedKeys that may carry the content key: in KeyInfo, or referenced within the container. */
function encryptedKeys(container: Element, data: Element): Element[] {
  const siblings = childElements(container).filter((c) => c.namespaceURI === XENC_NS && c.localName === 'EncryptedKey');
  const keyInfo = onlyChild(data, DSIG_NS, 'KeyInfo');
  if (keyInfo === undefined) return siblings;
  const out: Element[] = [];
  for (const c of childElements(keyInfo)) {
    if (c.namespaceURI === XENC_NS && c.localName === 'EncryptedKey') out.push(c);
    else if (c.namespaceURI === DSIG_NS && c.localName === 'RetrievalMethod') {
      const type = attr(c, 'Type');
      const uri = attr(c, 'URI') ?? '';
      if (type !== undefined && type !== ENCRYPTED_KEY_TYPE) throw shape('RetrievalMethod may only reference an EncryptedKey.', c);
      if (!/^#[^\s#]+$/.test(uri) || childElements(c).length > 0) throw shape('RetrievalMethod must be a same-document "#id" reference without transforms (nothing is fetched).', c);
      const target = siblings.find((s) => attr(s, 'Id') === uri.slice(1));
      if (target === undefined) throw shape(`RetrievalMethod ${quote(uri)} names no EncryptedKey inside this <${container.localName}>.`, c);
      out.push(target);
    }
  }
  return out.length > 0 ? out : siblings;
}

/** Namespace declarations in scope at `el` (nearest wins), so a decrypted fragment resolves its prefixes. */
function inScopeDeclarations(el: Element): string {
  const seen = new Map<string, string>();
  for (let n: Element | null = el; n !== null && n.nodeType === NodeType.ELEMENT; n = n.parentNode as Element | null) {
    const attrs = n.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      if (a.namespaceURI !== XMLNS_NS) continue;
      const name = a.prefix === 'xmlns' ? `xmlns:${a.localName}` : 'xmlns';
      if (!seen.has(name)) seen.set(name, a.value);
    }
  }
  let out = '';
  for (const [name, value] of seen) out += ` ${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`;
  return out;
}

/**
 * Decrypt an encrypted SAML element (EncryptedAssertion, EncryptedID, EncryptedAttribute) and return the
 * one `{ns}expected` element it contains, parsed with the hardened parser and the same limits.
 */
export function decryptElement(container: Element, expectedNs: string, expected: readonly string[], policy: DecryptionPolicy): Element {
  return runSync(decryptElementTask(container, expectedNs, expected, policy), 'decryptElement');
}

/** {@link decryptElement} as a task, for pipelines that run on either crypto backend. */
export function* decryptElementTask(container: Element, expectedNs: string, expected: readonly string[], policy: DecryptionPolicy): Task<Element> {
  const datas = childElements(container).filter((c) => c.namespaceURI === XENC_NS && c.localName === 'EncryptedData');
  if (datas.length !== 1) throw shape(`<${container.localName}> must contain exactly one EncryptedData.`, container);
  const data = datas[0]!;
  const type = attr(data, 'Type');
  if (type !== undefined && type !== 'http://www.w3.org/2001/04/xmlenc#Element') throw shape(`EncryptedData Type ${quote(type)} is not an XML element.`, data);
  const method = onlyChild(data, XENC_NS, 'EncryptionMethod');
  if (method === undefined) throw shape('EncryptedData has no EncryptionMethod.', data);
  const uri = attr(method, 'Algorithm') ?? '';
  const alg = contentAlgorithm(uri);
  if (alg === undefined) throw notAllowed(`Content encryption ${quote(uri)} is not allowed; use AES-GCM (or AES-CBC).`, method);
  if (alg.mode === 'cbc' && !policy.allowCbc) throw notAllowed(`Content encryption ${quote(uri)} (AES-CBC) is switched off (sp.allowCbc: false); ask the IdP for AES-GCM.`, method);
  const transports = encryptedKeys(container, data).map(readEncryptedKey);
  if (transports.length === 0) throw shape('No EncryptedKey is present for this EncryptedData.', data);
  const ciphertext = cipherValue(data);
  // Asked before any key is tried, from the algorithm URI alone, so the answer reveals nothing secret.
  if (!(yield* aesSupported(alg.keyBytes))) {
    throw new SamlGuardError('RUNTIME_UNSUPPORTED', `This runtime's WebCrypto has no ${alg.keyBytes * 8}-bit AES, which ${quote(uri)} needs. Ask the IdP for AES-128 or AES-256 (GCM), or decrypt on Node.`, { path: pathOf(method) });
  }

  let plaintext: Uint8Array | undefined;
  outer: for (const t of transports) {
    for (const key of policy.keys) {
      const cek = yield* rsaOaepDecrypt(key, t.cipher, t.hash, t.mgf, t.label);
      if (cek === undefined || cek.length !== alg.keyBytes) continue;
      plaintext = yield* aesDecrypt(alg.mode, cek, ciphertext);
      if (plaintext !== undefined) break outer;
    }
  }
  if (plaintext === undefined || plaintext.length > policy.limits.maxBytes) throw failed(container);

  let text = utf8Decode(plaintext, true);
  if (text === undefined) throw failed(container);
  // A serializer may have prefixed the fragment with an XML declaration; it has no place inside an element.
  text = text.replace(/^\uFEFF?<\?xml[^>]*\?>/, '');
  let root: Element;
  try {
    root = parseWithLimits(`<${WRAPPER}${inScopeDeclarations(container)}>${text}</${WRAPPER}>`, { ...policy.limits, maxBytes: policy.limits.maxBytes + 64 * 1024, maxDepth: policy.limits.maxDepth + 1 }).root;
  } catch {
    throw failed(container);
  }
  let found: Element | undefined;
  for (let n = root.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === NodeType.ELEMENT) {
      if (found !== undefined) throw failed(container);
      found = n as Element;
    } else if (n.nodeType !== NodeType.TEXT || !/^[\t\n\r ]*$/.test((n as unknown as { data: string }).data)) {
      throw failed(container);
    }
  }
  if (found === undefined || found.namespaceURI !== expectedNs || !expected.includes(found.localName ?? '')) throw failed(container);
  return found;
}
