import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { DSIG_NS } from '../dsig/algorithms.js';
import { verifySignedElement, type DsigPolicy } from '../dsig/verify.js';
import type { TrustedKey } from '../keys/index.js';
import { MD_NS, SAML2_PROTOCOL } from '../xml/ns.js';
import { attr, childrenNS, firstChildNS, isNS, pathOf, textOf } from '../xml/dom.js';
import { parseXml, type ParseLimits } from '../xml/parse.js';
import { parseInstant } from '../policy/time.js';

/** What samlguard takes from IdP metadata. Plain and serialisable (JSON-safe). */
export interface IdpMetadata {
  entityId: string;
  /** PEM certificates from KeyDescriptors with use="signing" or no use (encryption-only keys excluded). */
  signingCertificates: string[];
  /** ISO 8601: the metadata must not be used after this instant (the earliest validUntil in scope). */
  validUntil?: string;
  /** xs:duration: how long a consumer may cache this metadata (the shortest cacheDuration in scope). */
  cacheDuration?: string;
  /** cacheDuration in seconds, when it could be read. */
  cacheDurationSeconds?: number;
  singleSignOnServices: Array<{ binding: string; location: string }>;
  /** SingleLogoutService endpoints (ResponseLocation, when given, is where LogoutResponses go). */
  singleLogoutServices: Array<{ binding: string; location: string; responseLocation?: string }>;
  nameIdFormats: string[];
  /** Whether a signature over the metadata was verified against pinned certificates. */
  signatureVerified: boolean;
}

export interface ParseMetadataOptions {
  /** Pick this entity out of an EntitiesDescriptor (required when it holds several IdPs). */
  entityId?: string;
  limits?: ParseLimits;
  /**
   * Pinned keys that must have signed the metadata (from importTrustedKeys). When given, unsigned or
   * badly signed metadata is rejected. The signature must be enveloped in the document element.
   */
  signingKeys?: readonly TrustedKey[];
  /** DSig policy for the metadata signature (e.g. allowSha1). */
  dsig?: DsigPolicy;
}

function invalid(message: string, el?: Element, cause?: unknown): SamlGuardError {
  return new SamlGuardError('METADATA_INVALID', message, { path: el ? pathOf(el) : undefined, cause });
}

function toPem(b64: string): string {
  const body = b64.replace(/[\t\n\r ]+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** xs:duration (PnYnMnDTnHnMnS) in seconds; months and years are approximated (30 and 365 days). */
export function durationSeconds(value: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value.trim());
  if (!m || value.trim() === 'P' || value.trim().endsWith('T')) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return Number(y ?? 0) * 365 * 86400 + Number(mo ?? 0) * 30 * 86400 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0);
}

/** EntityDescriptors below `root`, each with the validUntil/cacheDuration limits of its ancestors. */
function entityDescriptors(root: Element): Array<{ el: Element; scope: Element[] }> {
  if (isNS(root, MD_NS, 'EntityDescriptor')) return [{ el: root, scope: [root] }];
  if (!isNS(root, MD_NS, 'EntitiesDescriptor')) {
    throw invalid(`The metadata root is <${root.localName}>; expected md:EntityDescriptor or md:EntitiesDescriptor.`, root);
  }
  const out: Array<{ el: Element; scope: Element[] }> = [];
  const walk = (el: Element, scope: Element[]): void => {
    for (const c of childrenNS(el, MD_NS, 'EntityDescriptor')) out.push({ el: c, scope: [...scope, c] });
    for (const c of childrenNS(el, MD_NS, 'EntitiesDescriptor')) walk(c, [...scope, c]);
  };
  walk(root, [root]);
  return out;
}

function isSaml2Idp(descriptor: Element): boolean {
  return (attr(descriptor, 'protocolSupportEnumeration') ?? '').split(/[\t\n\r ]+/).includes(SAML2_PROTOCOL);
}

/**
 * Read an IdP's entityID, signing certificates and service details from SAML metadata (SAML 2.0
 * metadata spec), with the same hardened parser and limits as messages. Throws METADATA_INVALID.
 */
export function parseIdpMetadata(xml: string | Uint8Array, options: ParseMetadataOptions = {}): IdpMetadata {
  let root: Element;
  try {
    // Aggregates (InCommon, eduGAIN) are large and declare many namespaces: generous limits, still bounded.
    root = parseXml(xml, { maxBytes: 16 * 1024 * 1024, maxElements: 500_000, maxAttributes: 256, maxNamespaceDeclarations: 128, maxNamespacesInScope: 256, maxTotalAttributes: 1_000_000, ...options.limits }).root;
  } catch (cause) {
    throw invalid(`The metadata is not acceptable XML: ${(cause as Error).message}`, undefined, cause);
  }
  let signatureVerified = false;
  if (options.signingKeys !== undefined) {
    if (firstChildNS(root, DSIG_NS, 'Signature') === undefined) throw invalid('The metadata is not signed, but metadata signing certificates are pinned.', root);
    try {
      // Metadata commonly signs its document element with URI="" (the whole document), which for the
      // document element is exactly that element; it is allowed here and nowhere else.
      root = verifySignedElement(root, options.signingKeys, { ...options.dsig, allowEmptyReferenceUri: true }).element;
    } catch (cause) {
      throw invalid(`The metadata signature does not verify against the pinned certificate(s): ${(cause as Error).message}`, root, cause);
    }
    signatureVerified = true;
  }

  const candidates = entityDescriptors(root).filter(({ el }) => childrenNS(el, MD_NS, 'IDPSSODescriptor').some(isSaml2Idp));
  const picked = options.entityId === undefined ? candidates : candidates.filter(({ el }) => attr(el, 'entityID') === options.entityId);
  if (picked.length === 0) {
    throw invalid(options.entityId === undefined ? 'The metadata has no EntityDescriptor with a SAML 2.0 IDPSSODescriptor.' : `The metadata has no SAML 2.0 IdP with entityID ${quote(options.entityId)}.`, root);
  }
  if (picked.length > 1) throw invalid(`The metadata describes ${picked.length} SAML 2.0 IdPs; set the entityId to choose one.`, root);
  const { el: entity, scope } = picked[0]!;
  const entityId = attr(entity, 'entityID');
  if (!entityId) throw invalid('The EntityDescriptor has no entityID.', entity);

  const descriptors = childrenNS(entity, MD_NS, 'IDPSSODescriptor').filter(isSaml2Idp);
  const signingCertificates: string[] = [];
  const singleSignOnServices: Array<{ binding: string; location: string }> = [];
  const singleLogoutServices: Array<{ binding: string; location: string; responseLocation?: string }> = [];
  const nameIdFormats: string[] = [];
  let validUntil: number | undefined;
  let cacheDuration: string | undefined;
  let cacheDurationSeconds: number | undefined;
  for (const el of [...scope, ...descriptors]) {
    const vu = attr(el, 'validUntil');
    if (vu !== undefined) {
      const ms = parseInstant(vu, el, 'validUntil');
      validUntil = validUntil === undefined ? ms : Math.min(validUntil, ms);
    }
    const cd = attr(el, 'cacheDuration');
    if (cd !== undefined) {
      const secs = durationSeconds(cd);
      if (secs === undefined) throw invalid(`cacheDuration ${quote(cd)} is not an xs:duration.`, el);
      if (cacheDurationSeconds === undefined || secs < cacheDurationSeconds) {
        cacheDurationSeconds = secs;
        cacheDuration = cd;
      }
    }
  }
  for (const descriptor of descriptors) {
    for (const kd of childrenNS(descriptor, MD_NS, 'KeyDescriptor')) {
      const use = attr(kd, 'use');
      if (use !== undefined && use !== 'signing') continue; // encryption-only keys never verify signatures
      for (const ki of childrenNS(kd, DSIG_NS, 'KeyInfo')) {
        for (const data of childrenNS(ki, DSIG_NS, 'X509Data')) {
          for (const cert of childrenNS(data, DSIG_NS, 'X509Certificate')) signingCertificates.push(toPem(textOf(cert)));
        }
      }
    }
    for (const sso of childrenNS(descriptor, MD_NS, 'SingleSignOnService')) {
      const binding = attr(sso, 'Binding');
      const location = attr(sso, 'Location');
      if (binding !== undefined && location !== undefined) singleSignOnServices.push({ binding, location });
    }
    for (const slo of childrenNS(descriptor, MD_NS, 'SingleLogoutService')) {
      const binding = attr(slo, 'Binding');
      const location = attr(slo, 'Location');
      const responseLocation = attr(slo, 'ResponseLocation');
      if (binding !== undefined && location !== undefined) singleLogoutServices.push({ binding, location, ...(responseLocation !== undefined ? { responseLocation } : {}) });
    }
    for (const f of childrenNS(descriptor, MD_NS, 'NameIDFormat')) nameIdFormats.push(textOf(f).trim());
  }
  if (signingCertificates.length === 0) throw invalid(`The metadata for ${quote(entityId)} lists no signing certificate.`, entity);
  const result: IdpMetadata = {
    entityId,
    signingCertificates: [...new Set(signingCertificates)],
    singleSignOnServices,
    singleLogoutServices,
    nameIdFormats: [...new Set(nameIdFormats)],
    signatureVerified,
  };
  if (validUntil !== undefined) result.validUntil = new Date(validUntil).toISOString();
  if (cacheDuration !== undefined) result.cacheDuration = cacheDuration;
  if (cacheDurationSeconds !== undefined) result.cacheDurationSeconds = cacheDurationSeconds;
  return result;
}
