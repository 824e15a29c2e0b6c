/*
 * Enveloped XML signatures over messages samlguard itself writes (AuthnRequest over HTTP-POST, LogoutRequest,
 * LogoutResponse): exclusive c14n, SHA-256, RSA-SHA256 or ECDSA-SHA256, the signature placed right after
 * the root's saml:Issuer as the SAML schemas order it. The message is parsed by samlguard's own parser and
 * canonicalized by its own c14n, so what is signed is exactly what a verifier reads back.
 */
import type { KeyObject } from 'node:crypto';
import { SamlGuardError } from '../errors.js';
import { canonicalize, C14N } from '../c14n/index.js';
import { digestText, signText, type KeyFamily } from '../crypto/index.js';
import { parseXml } from '../xml/parse.js';
import { childrenNS } from '../xml/dom.js';
import { DSIG_NS, ENVELOPED_SIGNATURE } from './algorithms.js';

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SIG_URI: Record<KeyFamily, string> = {
  rsa: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ec: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
};
const SHA256_URI = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** A private key to sign with, and the certificate published in KeyInfo (base64 DER, no PEM armour). */
export interface XmlSigningKey {
  readonly key: KeyObject;
  readonly family: KeyFamily;
  readonly certificateB64: string | undefined;
}

/** The SignatureMethod URI a key signs with (RSA-SHA256, or ECDSA-SHA256 for EC keys). */
export function signatureMethodOf(family: KeyFamily): string {
  return SIG_URI[family];
}

/**
 * Sign the root element of `xml` (which must carry `ID`, and is taken as samlguard wrote it) with an
 * enveloped signature placed after its saml:Issuer. Returns the signed document.
 */
export function signEnveloped(xml: string, signing: XmlSigningKey): string {
  const parsed = parseXml(xml);
  const root = parsed.root;
  const id = root.getAttribute('ID');
  if (!id) throw new SamlGuardError('CONFIG_INVALID', 'signEnveloped: the element to sign has no ID.');
  const issuer = childrenNS(root, SAML_NS, 'Issuer')[0];
  if (issuer === undefined) throw new SamlGuardError('CONFIG_INVALID', 'signEnveloped: the element to sign has no saml:Issuer.');
  // The digest covers the element without its Signature, i.e. exactly this unsigned document.
  const digest = digestText('sha256', canonicalize(root, C14N.EXC)).toString('base64');
  const signedInfo =
    `<ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${C14N.EXC}"/><ds:SignatureMethod Algorithm="${SIG_URI[signing.family]}"/>` +
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"/><ds:Transform Algorithm="${C14N.EXC}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${SHA256_URI}"/><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const keyInfo = signing.certificateB64 === undefined ? '' : `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${signing.certificateB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
  const placeholder = '<ds:SignatureValue></ds:SignatureValue>';
  const signature = `<ds:Signature xmlns:ds="${DSIG_NS}">${signedInfo}${placeholder}${keyInfo}</ds:Signature>`;
  // Insert after the Issuer's end tag, found in the text we were given (we wrote it: one Issuer, first child).
  const issuerEnd = xml.indexOf('</saml:Issuer>');
  if (issuerEnd === -1) throw new SamlGuardError('CONFIG_INVALID', 'signEnveloped: the Issuer must be written as saml:Issuer.');
  const at = issuerEnd + '</saml:Issuer>'.length;
  const withSignature = xml.slice(0, at) + signature + xml.slice(at);
  // SignedInfo is canonicalized where it sits, as a verifier will.
  const placed = parseXml(withSignature);
  const sigEl = childrenNS(placed.root, DSIG_NS, 'Signature')[0]!;
  const siEl = childrenNS(sigEl, DSIG_NS, 'SignedInfo')[0]!;
  const value = signText('sha256', signing.family, signing.key, canonicalize(siEl, C14N.EXC)).toString('base64');
  return withSignature.replace(placeholder, `<ds:SignatureValue>${value}</ds:SignatureValue>`);
}
