import type { Document, Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { DSIG_NS } from '../dsig/algorithms.js';
import { verifySignedElementTask, type DsigPolicy, type Verified, type VerifiedSignature } from '../dsig/verify.js';
import type { TrustedKey } from '../keys/index.js';
import { NodeType, attr, childrenNS, firstChildNS, isNS, onlyChildNS, pathOf } from '../xml/dom.js';
import { SAML_NS, SAMLP_NS, STATUS_SUCCESS } from '../xml/ns.js';
import { checkIssuer } from './assertion.js';
import { decryptElementTask, type DecryptionPolicy } from '../xmlenc/decrypt.js';
import type { Task } from '../crypto/index.js';

export interface EnvelopePolicy {
  entityId: string;
  recipient: string | undefined;
  inResponseTo: string | undefined;
  requireSignedAssertion: boolean;
  keys: readonly TrustedKey[];
  dsig: DsigPolicy;
  /** SP decryption keys and policy; undefined when none are configured. */
  decryption: DecryptionPolicy | undefined;
}

/** The outcome of the envelope stage: the verified Assertion and the signatures that cover it. */
export interface VerifiedEnvelope {
  assertion: Verified<Element>;
  covered: 'response' | 'assertion' | 'both';
  /** The signature that speaks for the assertion (the assertion's own when both are signed). */
  signature: VerifiedSignature;
  inResponseTo: string | undefined;
}

/** Count Assertion and EncryptedAssertion elements anywhere in the document (wrapping attacks hide extras). */
function countAssertions(doc: Document): { plain: number; encrypted: number } {
  let plain = 0;
  let encrypted = 0;
  const walk = (el: Element): void => {
    for (let n = el.firstChild; n !== null; n = n.nextSibling) {
      if (n.nodeType !== NodeType.ELEMENT) continue;
      const e = n as Element;
      if (e.namespaceURI === SAML_NS) {
        if (e.localName === 'Assertion') plain++;
        else if (e.localName === 'EncryptedAssertion') encrypted++;
      }
      walk(e);
    }
  };
  const root = doc.documentElement!;
  if (root.namespaceURI === SAML_NS && root.localName === 'Assertion') plain++;
  walk(root);
  return { plain, encrypted };
}

function hasSignature(el: Element): boolean {
  return firstChildNS(el, DSIG_NS, 'Signature') !== undefined;
}

function checkStatus(response: Element): void {
  const status = onlyChildNS(response, SAMLP_NS, 'Status', 'SAML_SHAPE_INVALID');
  const top = onlyChildNS(status, SAMLP_NS, 'StatusCode', 'SAML_SHAPE_INVALID');
  const code = attr(top, 'Value');
  if (code === STATUS_SUCCESS) return;
  const second = firstChildNS(top, SAMLP_NS, 'StatusCode');
  const secondCode = second ? attr(second, 'Value') : undefined;
  const msgEl = firstChildNS(status, SAMLP_NS, 'StatusMessage');
  const statusMessage = msgEl ? (msgEl.textContent ?? '').trim() : undefined;
  throw new SamlGuardError(
    'STATUS_NOT_SUCCESS',
    `The IdP answered ${quote(code ?? null)}${secondCode ? ` / ${quote(secondCode)}` : ''}${statusMessage ? `: ${quote(statusMessage)}` : ''} instead of Success; no assertion is to be trusted.`,
    { path: pathOf(top), details: { statusCode: code, subStatusCode: secondCode, statusMessage: statusMessage?.slice(0, 200) } },
  );
}

/**
 * The envelope: root shape, Status, the single Assertion, signatures, Destination, InResponseTo and
 * Response Issuer. Returns the Assertion as a Verified element: either it carries a verified signature,
 * or it is a child of the verified Response element (never found by a fresh search of the document).
 */
export function* verifyEnvelope(doc: Document, p: EnvelopePolicy): Task<VerifiedEnvelope> {
  const root = doc.documentElement!;
  const isResponse = isNS(root, SAMLP_NS, 'Response');
  if (!isResponse && !isNS(root, SAML_NS, 'Assertion')) {
    throw new SamlGuardError('SAML_SHAPE_INVALID', `The root element is <${root.localName}> in namespace ${quote(root.namespaceURI)}; expected a SAML 2.0 samlp:Response or saml:Assertion.`, { path: pathOf(root) });
  }
  if (isResponse) {
    if (attr(root, 'Version') !== '2.0') throw new SamlGuardError('SAML_SHAPE_INVALID', `Response Version is ${quote(attr(root, 'Version') ?? null)}; only "2.0" is accepted.`, { path: pathOf(root) });
    checkStatus(root);
  }

  const counts = countAssertions(doc);
  if (counts.plain + counts.encrypted !== 1) {
    const what = counts.encrypted === 0 ? `${counts.plain} Assertion elements` : `${counts.plain} Assertion and ${counts.encrypted} EncryptedAssertion elements`;
    throw new SamlGuardError('ASSERTION_COUNT', `The document contains ${what}; exactly one assertion is accepted.`, { path: pathOf(root), details: { count: counts.plain, ...(counts.encrypted > 0 ? { encrypted: counts.encrypted } : {}) } });
  }
  if (counts.encrypted === 1 && p.decryption === undefined) {
    throw new SamlGuardError('DECRYPTION_KEY_MISSING', 'The response carries an EncryptedAssertion, but no sp.decryptionKeys are configured. Add the private key of the SP certificate the IdP encrypts to.', { path: pathOf(root) });
  }

  if (!isResponse) {
    if (!hasSignature(root)) throw new SamlGuardError('SIGNATURE_MISSING', 'The Assertion is not signed.', { path: pathOf(root) });
    const signature = (yield* verifySignedElementTask(root, p.keys, p.dsig));
    return { assertion: signature.element, covered: 'assertion', signature, inResponseTo: undefined };
  }

  const encryptedEl = counts.encrypted === 1 ? childrenNS(root, SAML_NS, 'EncryptedAssertion')[0] : undefined;
  const plainEl = counts.plain === 1 ? childrenNS(root, SAML_NS, 'Assertion')[0] : undefined;
  if (encryptedEl === undefined && plainEl === undefined) {
    throw new SamlGuardError('ASSERTION_COUNT', 'The Assertion is not a direct child of the Response (it is nested elsewhere, as in signature-wrapping attacks).', { path: pathOf(root) });
  }

  // Signature checks come before anything is read from the Response, except Status above (an error
  // response carries no assertion to trust, and saying so is the most useful answer). An encrypted
  // assertion's Response signature is checked over the encrypted form, before anything is decrypted.
  const responseSigned = hasSignature(root);
  const responseSig = responseSigned ? (yield* verifySignedElementTask(root, p.keys, p.dsig)) : undefined;
  let assertionEl: Element;
  if (encryptedEl !== undefined) {
    const container = responseSig ? childrenNS(responseSig.element, SAML_NS, 'EncryptedAssertion')[0]! : encryptedEl;
    assertionEl = yield* decryptElementTask(container, SAML_NS, ['Assertion'], p.decryption!);
  } else {
    assertionEl = plainEl!;
  }
  const assertionSigned = hasSignature(assertionEl);
  if (!responseSigned && !assertionSigned) {
    throw new SamlGuardError('SIGNATURE_MISSING', `Neither the Response nor the ${encryptedEl ? 'decrypted ' : ''}Assertion is signed.`, { path: pathOf(root) });
  }
  if (p.requireSignedAssertion && !assertionSigned) {
    throw new SamlGuardError('SIGNATURE_MISSING', 'The Assertion itself is not signed, and requireSignedAssertion is set (only the Response is signed).', { path: pathOf(assertionEl), details: { requireSignedAssertion: true } });
  }
  const assertionSig = assertionSigned ? (yield* verifySignedElementTask(assertionEl, p.keys, p.dsig)) : undefined;

  // The Response that is read is the verified one when signed; an unsigned envelope is only ever used to
  // reject (Destination, InResponseTo, Issuer), never to grant.
  const response = responseSig ? responseSig.element : root;
  // Unsigned itself, the assertion is trusted only as part of the verified Response: taken from that
  // element, or decrypted from the EncryptedAssertion the Response signature covered.
  const assertion = assertionSig ? assertionSig.element : encryptedEl !== undefined ? (assertionEl as Verified<Element>) : (childrenNS(responseSig!.element, SAML_NS, 'Assertion')[0] as Verified<Element>);

  const destination = attr(response, 'Destination');
  if (destination !== undefined && p.recipient !== undefined && destination !== p.recipient) {
    throw new SamlGuardError('DESTINATION_MISMATCH', `Response Destination is ${quote(destination)}, but this verifier expects ${quote(p.recipient)}. Set recipient to the ACS URL the IdP posts to.`, {
      path: pathOf(response),
      details: { destination, expected: p.recipient },
    });
  }
  const inResponseTo = attr(response, 'InResponseTo');
  if (p.inResponseTo !== undefined && inResponseTo !== p.inResponseTo) {
    throw new SamlGuardError('IN_RESPONSE_TO_MISMATCH', `Response InResponseTo is ${quote(inResponseTo ?? null)}, but the expected request ID is ${quote(p.inResponseTo)}${inResponseTo === undefined ? ' (an unsolicited, IdP-initiated response)' : ''}.`, {
      path: pathOf(response),
      details: { inResponseTo, expected: p.inResponseTo },
    });
  }
  const issuer = onlyChildNS(response, SAML_NS, 'Issuer', 'SAML_SHAPE_INVALID', true);
  if (issuer) checkIssuer(issuer, p.entityId);

  const covered = responseSig && assertionSig ? 'both' : responseSig ? 'response' : 'assertion';
  return { assertion, covered, signature: (assertionSig ?? responseSig)!, inResponseTo };
}
