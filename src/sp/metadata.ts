// The SP's own metadata (SAML metadata §2.4.4), for the IdP administrator: entityID, the ACS, the keys
// the IdP should verify our requests with and encrypt to, what we want signed.
import { escapeAttr, escapeText } from '../c14n/escape.js';
import { MD_NS } from '../xml/ns.js';
import { BINDING_POST, BINDING_REDIRECT } from './bindings.js';

export interface SpMetadataSpec {
  entityId: string;
  acsUrl: string;
  sloUrl: string | undefined;
  signingCertificates: readonly string[];
  encryptionCertificates: readonly string[];
  authnRequestsSigned: boolean;
  nameIdFormat: string | undefined;
  /** xs:duration for cacheDuration. */
  cacheDuration: string;
}

// AES-GCM and RSA-OAEP first: IdPs pick the first they support.
const ENCRYPTION_METHODS = [
  'http://www.w3.org/2009/xmlenc11#aes256-gcm',
  'http://www.w3.org/2009/xmlenc11#aes128-gcm',
  'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  'http://www.w3.org/2001/04/xmlenc#aes128-cbc',
  'http://www.w3.org/2009/xmlenc11#rsa-oaep',
  'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
];

function keyDescriptor(use: 'signing' | 'encryption', certB64: string): string {
  const methods = use === 'encryption' ? ENCRYPTION_METHODS.map((m) => `<md:EncryptionMethod Algorithm="${m}"/>`).join('') : '';
  return (
    `<md:KeyDescriptor use="${use}"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>` +
    `<ds:X509Certificate>${certB64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>${methods}</md:KeyDescriptor>`
  );
}

export function spMetadataXml(s: SpMetadataSpec): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${MD_NS}" entityID="${escapeAttr(s.entityId)}" cacheDuration="${s.cacheDuration}">` +
    `<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="${s.authnRequestsSigned}" WantAssertionsSigned="true">` +
    s.signingCertificates.map((c) => keyDescriptor('signing', c)).join('') +
    s.encryptionCertificates.map((c) => keyDescriptor('encryption', c)).join('') +
    (s.sloUrl === undefined ? '' : `<md:SingleLogoutService Binding="${BINDING_REDIRECT}" Location="${escapeAttr(s.sloUrl)}"/>`) +
    (s.nameIdFormat === undefined ? '' : `<md:NameIDFormat>${escapeText(s.nameIdFormat)}</md:NameIDFormat>`) +
    `<md:AssertionConsumerService Binding="${BINDING_POST}" Location="${escapeAttr(s.acsUrl)}" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}
