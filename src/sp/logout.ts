/*
 * IdP-initiated Single Logout (SAML profiles §4.4): verify the IdP's LogoutRequest — over HTTP-Redirect by
 * its query signature over the exact octets received (bindings §3.4.4.1), over HTTP-POST by its enveloped
 * signature — then say what to revoke. Unsigned logout messages are refused: a forged one would sign
 * anyone out (or, answered, confirm sessions).
 */
import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { runSync, verifySignature } from '../crypto/index.js';
import { signatureAlgorithm } from '../dsig/algorithms.js';
import { keysForSignature, verifySignedElement, type DsigPolicy } from '../dsig/verify.js';
import { decodeStrictBase64, type TrustedKey } from '../keys/index.js';
import { checkNotOnOrAfter, instantAttr } from '../policy/time.js';
import { SAML_NS, SAMLP_NS } from '../xml/ns.js';
import { attr, childrenNS, pathOf, textOf } from '../xml/dom.js';
import { parseXml, type ParseLimits } from '../xml/parse.js';
import { inflateRedirect } from './bindings.js';

/** A LogoutRequest as received: the raw query of an HTTP-Redirect GET, or the fields of an HTTP-POST form. */
export type LogoutMessage = { binding: 'redirect'; rawQuery: string } | { binding: 'post'; form: Record<string, string | undefined> };

export interface VerifiedLogoutRequest {
  readonly id: string;
  readonly issuer: string;
  readonly nameId: string;
  readonly nameIdFormat: string | undefined;
  readonly sessionIndexes: readonly string[];
  readonly relayState: string | undefined;
}

export interface LogoutPolicy {
  readonly entityId: string;
  readonly keys: readonly TrustedKey[];
  readonly sloUrl: string | undefined;
  readonly now: number;
  readonly skewMs: number;
  readonly dsig: DsigPolicy;
  readonly limits: ParseLimits | undefined;
}

const shape = (message: string, el?: Element): SamlGuardError => new SamlGuardError('SAML_SHAPE_INVALID', message, { path: el ? pathOf(el) : 'LogoutRequest' });

/** The raw (still URL-encoded) value of each parameter, by exact name; a repeated parameter is refused. */
function rawParams(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of rawQuery.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    if (out.has(name)) throw new SamlGuardError('INPUT_MALFORMED', `The query repeats the parameter ${quote(name)}.`);
    out.set(name, eq === -1 ? '' : part.slice(eq + 1));
  }
  return out;
}

function decodeParam(value: string, name: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new SamlGuardError('INPUT_MALFORMED', `The ${name} parameter has invalid percent-encoding.`);
  }
}

/** Verify the HTTP-Redirect query signature over the octets as received; returns the message XML and RelayState. */
function fromRedirect(rawQuery: string, p: LogoutPolicy): { xml: string; relayState: string | undefined } {
  const params = rawParams(rawQuery);
  const request = params.get('SAMLRequest');
  if (request === undefined) throw new SamlGuardError('INPUT_MALFORMED', 'The query carries no SAMLRequest.');
  const sigAlg = params.get('SigAlg');
  const signature = params.get('Signature');
  if (sigAlg === undefined || signature === undefined) throw new SamlGuardError('SIGNATURE_MISSING', 'The LogoutRequest is not signed (no SigAlg/Signature): unsigned logout messages are refused.', { path: 'LogoutRequest' });
  const relay = params.get('RelayState');
  // §3.4.4.1: the signed octets are the parameters exactly as received, in this order.
  const signed = `SAMLRequest=${request}${relay !== undefined ? `&RelayState=${relay}` : ''}&SigAlg=${sigAlg}`;
  const algUri = decodeParam(sigAlg, 'SigAlg');
  const alg = signatureAlgorithm(algUri);
  if (alg === undefined || (alg.sha1 && p.dsig.allowSha1 !== true)) {
    throw new SamlGuardError('ALGORITHM_NOT_ALLOWED', `SigAlg ${quote(algUri)} is not allowed${alg?.sha1 ? ' (SHA-1 needs allowSha1)' : ''}.`, { path: 'LogoutRequest' });
  }
  const sigBytes = decodeStrictBase64(decodeParam(signature, 'Signature'));
  if (sigBytes === undefined) throw new SamlGuardError('SIGNATURE_SHAPE_INVALID', 'The Signature parameter is not base64.', { path: 'LogoutRequest' });
  const candidates = keysForSignature(p.keys, alg, p.dsig, 'LogoutRequest');
  if (!candidates.some((k) => runSync(verifySignature(alg.hash, alg.family, k.key, signed, sigBytes), 'sp.logout'))) {
    throw new SamlGuardError('SIGNATURE_INVALID', 'The LogoutRequest query signature does not verify with the IdP key over the parameters as received.', { path: 'LogoutRequest' });
  }
  return { xml: inflateRedirect(decodeParam(request, 'SAMLRequest'), 256 * 1024), relayState: relay === undefined ? undefined : decodeParam(relay, 'RelayState') };
}

/** Verify an IdP LogoutRequest. Returns who and which sessions to sign out. */
export function verifyLogoutRequest(message: LogoutMessage, p: LogoutPolicy): VerifiedLogoutRequest {
  let root: Element;
  let relayState: string | undefined;
  if (message.binding === 'redirect') {
    const r = fromRedirect(message.rawQuery, p);
    relayState = r.relayState;
    root = parseXml(r.xml, p.limits).root;
  } else {
    const b64 = message.form['SAMLRequest'];
    if (typeof b64 !== 'string' || b64 === '') throw new SamlGuardError('INPUT_MALFORMED', 'The form carries no SAMLRequest.');
    const bytes = decodeStrictBase64(b64.replace(/[\r\n]/g, ''));
    if (bytes === undefined) throw new SamlGuardError('INPUT_MALFORMED', 'SAMLRequest is not base64.');
    root = parseXml(bytes, p.limits).root;
    // The enveloped signature must cover the LogoutRequest itself; what it verified is what is read.
    root = verifySignedElement(root, p.keys, p.dsig).element;
    relayState = typeof message.form['RelayState'] === 'string' && message.form['RelayState'] !== '' ? message.form['RelayState'] : undefined;
  }
  if (root.namespaceURI !== SAMLP_NS || root.localName !== 'LogoutRequest') throw shape(`Expected samlp:LogoutRequest, found <${root.localName}>.`, root);
  if (attr(root, 'Version') !== '2.0') throw shape('LogoutRequest Version must be 2.0.', root);
  const id = attr(root, 'ID');
  if (id === undefined || id === '') throw shape('LogoutRequest has no ID.', root);
  if (instantAttr(root, 'IssueInstant') === undefined) throw shape('LogoutRequest has no IssueInstant.', root);
  const destination = attr(root, 'Destination');
  if (destination !== undefined && p.sloUrl !== undefined && destination !== p.sloUrl) {
    throw new SamlGuardError('DESTINATION_MISMATCH', `The LogoutRequest is addressed to ${quote(destination)}, not this SP's sloUrl ${quote(p.sloUrl)}.`, { path: pathOf(root) });
  }
  checkNotOnOrAfter({ now: p.now, skewMs: p.skewMs }, instantAttr(root, 'NotOnOrAfter'), root, 'The LogoutRequest');
  const issuers = childrenNS(root, SAML_NS, 'Issuer');
  const issuer = issuers.length === 1 ? textOf(issuers[0]!).trim() : undefined;
  if (issuer !== p.entityId) throw new SamlGuardError('ISSUER_MISMATCH', `The LogoutRequest Issuer is ${quote(issuer ?? null)}, not the IdP ${quote(p.entityId)} (profiles §4.4.4.1 requires it).`, { path: pathOf(root) });
  const nameIds = childrenNS(root, SAML_NS, 'NameID');
  if (nameIds.length !== 1) throw new SamlGuardError('SUBJECT_INVALID', nameIds.length === 0 ? 'The LogoutRequest carries no NameID (an EncryptedID is not supported for logout).' : 'The LogoutRequest carries more than one NameID.', { path: pathOf(root) });
  const nameId = textOf(nameIds[0]!);
  if (nameId.trim() === '') throw new SamlGuardError('SUBJECT_INVALID', 'The LogoutRequest NameID is empty.', { path: pathOf(nameIds[0]!) });
  const sessionIndexes = childrenNS(root, SAMLP_NS, 'SessionIndex').map((s) => textOf(s).trim()).filter((s) => s !== '');
  return Object.freeze({ id: (' ' + id).slice(1), issuer, nameId: (' ' + nameId).slice(1), nameIdFormat: attr(nameIds[0]!, 'Format'), sessionIndexes: Object.freeze(sessionIndexes), relayState });
}
