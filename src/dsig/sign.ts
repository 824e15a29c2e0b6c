/*
 * Enveloped XML signatures over messages samlguard itself writes (AuthnRequest over HTTP-POST, LogoutRequest,
 * LogoutResponse): exclusive c14n, SHA-256, RSA-SHA256 or ECDSA-SHA256, the signature placed right after
 * the root's saml:Issuer as the SAML schemas order it. The message is parsed by samlguard's own parser and
 * canonicalized by its own c14n, so what is digested is exactly what a verifier reads back.
 */
import type { KeyObject } from 'node:crypto';
import { SamlGuardError } from '../errors.js';
import { canonicalize, C14N } from '../c14n/index.js';
import { escapeAttr } from '../c14n/escape.js';
import { digest, runSync, signText, type KeyFamily } from '../crypto/index.js';
import { base64Encode } from '../bytes/index.js';
import { parseXml } from '../xml/parse.js';
import { childrenNS } from '../xml/dom.js';
import { SAML_NS } from '../xml/ns.js';
import { DSIG_NS, ECDSA_SHA256, ENVELOPED_SIGNATURE, RSA_SHA256, SHA256 } from './algorithms.js';

const SIGNATURE_METHOD: Record<KeyFamily, string> = { rsa: RSA_SHA256, ec: ECDSA_SHA256 };

/** A private key to sign with, and the certificate published in KeyInfo (base64 DER, no PEM armour). */
export interface XmlSigningKey {
  readonly key: KeyObject;
  readonly family: KeyFamily;
  readonly certificateB64: string | undefined;
}

/** The SignatureMethod URI a key signs with (RSA-SHA256, or ECDSA-SHA256 for EC keys). */
export function signatureMethodOf(family: KeyFamily): string {
  return SIGNATURE_METHOD[family];
}

/**
 * Sign the root element of `xml` (which must carry `ID`, and is taken as samlguard wrote it) with an
 * enveloped signature placed after its saml:Issuer. Returns the signed document.
 */
export function signEnveloped(xml: string, signing: XmlSigningKey): string {
  const root = parseXml(xml).root;
  const id = root.getAttribute('ID');
  if (!id) throw new SamlGuardError('CONFIG_INVALID', 'signEnveloped: the element to sign has no ID.');
  if (childrenNS(root, SAML_NS, 'Issuer').length === 0) throw new SamlGuardError('CONFIG_INVALID', 'signEnveloped: the element to sign has no saml:Issuer.');
  // Insert after the Issuer's end tag, found in the text we were given (we wrote it: one Issuer, first child).
  const issuerEnd = xml.indexOf('</saml:Issuer>');
  if (issuerEnd === -1) throw new SamlGuardError('CONFIG_INVALID', 'signEnveloped: the Issuer must be written as saml:Issuer.');
  // The digest covers the element without its Signature, i.e. exactly this unsigned document.
  const digestValue = base64Encode(runSync(digest('sha256', canonicalize(root, C14N.EXC)), 'signEnveloped'));
  // SignedInfo is written already in its exclusive canonical form (no empty-element tags, one attribute
  // per element, values escaped as c14n escapes them): its canonical text is then these bytes with the
  // one namespace it visibly uses declared on it, so nothing needs a second parse to be signed.
  const inner =
    `<ds:CanonicalizationMethod Algorithm="${C14N.EXC}"></ds:CanonicalizationMethod>` +
    `<ds:SignatureMethod Algorithm="${SIGNATURE_METHOD[signing.family]}"></ds:SignatureMethod>` +
    `<ds:Reference URI="#${escapeAttr(id)}"><ds:Transforms><ds:Transform Algorithm="${ENVELOPED_SIGNATURE}"></ds:Transform>` +
    `<ds:Transform Algorithm="${C14N.EXC}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${SHA256}"></ds:DigestMethod><ds:DigestValue>${digestValue}</ds:DigestValue></ds:Reference>`;
  const canonicalSignedInfo = `<ds:SignedInfo xmlns:ds="${DSIG_NS}">${inner}</ds:SignedInfo>`;
  const value = base64Encode(signText('sha256', signing.family, signing.key, canonicalSignedInfo));
  const keyInfo = signing.certificateB64 === undefined ? '' : `<ds:KeyInfo><ds:X509Data><ds:X509Certificate>${signing.certificateB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`;
  const signature = `<ds:Signature xmlns:ds="${DSIG_NS}"><ds:SignedInfo>${inner}</ds:SignedInfo><ds:SignatureValue>${value}</ds:SignatureValue>${keyInfo}</ds:Signature>`;
  const at = issuerEnd + '</saml:Issuer>'.length;
  return xml.slice(0, at) + signature + xml.slice(at);
}
