import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { DSIG_NS } from '../dsig/algorithms.js';
import { MD_NS, SAML2_PROTOCOL } from '../saml/ns.js';
import { attr, childrenNS, isNS, textOf } from '../xml/dom.js';
import { parseXml, type ParseLimits } from '../xml/parse.js';

/** What samlguard takes from IdP metadata: the entityID and its signing certificates (base64 DER). */
export interface IdpMetadata {
  entityId: string;
  /** PEM certificates from KeyDescriptors with use="signing" or no use. */
  signingCertificates: string[];
}

function toPem(b64: string): string {
  const body = b64.replace(/[\t\n\r ]+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function entityDescriptors(root: Element): Element[] {
  if (isNS(root, MD_NS, 'EntityDescriptor')) return [root];
  if (isNS(root, MD_NS, 'EntitiesDescriptor')) {
    const out: Element[] = [];
    const walk = (el: Element): void => {
      for (const c of childrenNS(el, MD_NS, 'EntityDescriptor')) out.push(c);
      for (const c of childrenNS(el, MD_NS, 'EntitiesDescriptor')) walk(c);
    };
    walk(root);
    return out;
  }
  throw new SamlGuardError('CONFIG_INVALID', `idp.metadata root is <${root.localName}>; expected md:EntityDescriptor or md:EntitiesDescriptor.`);
}

/**
 * Read an IdP's entityID and signing certificates from SAML metadata, with the same hardened parser as
 * messages. `entityId` picks one EntityDescriptor out of an EntitiesDescriptor (required when ambiguous).
 */
export function parseIdpMetadata(xml: string | Uint8Array, options: { entityId?: string; limits?: ParseLimits } = {}): IdpMetadata {
  let root: Element;
  try {
    root = parseXml(xml, { maxBytes: 16 * 1024 * 1024, maxElements: 500_000, ...options.limits }).root;
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `idp.metadata is not acceptable XML: ${(cause as Error).message}`, { cause });
  }
  const idps = entityDescriptors(root).filter((e) => childrenNS(e, MD_NS, 'IDPSSODescriptor').some((d) => (attr(d, 'protocolSupportEnumeration') ?? '').split(/\s+/).includes(SAML2_PROTOCOL)));
  const picked = options.entityId === undefined ? idps : idps.filter((e) => attr(e, 'entityID') === options.entityId);
  if (picked.length === 0) {
    throw new SamlGuardError('CONFIG_INVALID', options.entityId === undefined ? 'idp.metadata has no EntityDescriptor with a SAML 2.0 IDPSSODescriptor.' : `idp.metadata has no SAML 2.0 IdP with entityID ${quote(options.entityId)}.`);
  }
  if (picked.length > 1) throw new SamlGuardError('CONFIG_INVALID', `idp.metadata describes ${picked.length} IdPs; set idp.entityId to choose one.`);
  const entity = picked[0]!;
  const entityId = attr(entity, 'entityID');
  if (!entityId) throw new SamlGuardError('CONFIG_INVALID', 'idp.metadata EntityDescriptor has no entityID.');
  const signingCertificates: string[] = [];
  for (const descriptor of childrenNS(entity, MD_NS, 'IDPSSODescriptor')) {
    for (const kd of childrenNS(descriptor, MD_NS, 'KeyDescriptor')) {
      const use = attr(kd, 'use');
      if (use !== undefined && use !== 'signing') continue; // encryption-only keys never verify signatures
      for (const ki of childrenNS(kd, DSIG_NS, 'KeyInfo')) {
        for (const data of childrenNS(ki, DSIG_NS, 'X509Data')) {
          for (const cert of childrenNS(data, DSIG_NS, 'X509Certificate')) signingCertificates.push(toPem(textOf(cert)));
        }
      }
    }
  }
  if (signingCertificates.length === 0) throw new SamlGuardError('CONFIG_INVALID', `idp.metadata for ${quote(entityId)} lists no signing certificate.`);
  return { entityId, signingCertificates: [...new Set(signingCertificates)] };
}
