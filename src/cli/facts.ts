/*
 * Read-only facts about an UNTRUSTED document, for display only: `samlguard inspect` prints them, and
 * `samlguard verify` uses them to explain the library's verdict (which audience the response names,
 * which certificate its KeyInfo carries...). Nothing here decides anything: every check lives in the
 * library, and nothing read here is ever presented as verified. Strings are kept as the document has
 * them (the parser bounds it to 1 MiB); renderers bound and escape them on output (text.ts).
 */
import type { Element } from '@xmldom/xmldom';
import { X509Certificate } from 'node:crypto';
import { DSIG_NS } from '../dsig/algorithms.js';
import { decodeStrictBase64 } from '../keys/index.js';
import { parseInstant } from '../policy/time.js';
import { CM_BEARER, SAML_NS, SAMLP_NS } from '../xml/ns.js';
import { attr, childElements, childrenNS, firstChildNS, isNS, NodeType, pathOf, textOf } from '../xml/dom.js';
import { decodeSamlInput } from '../xml/input.js';
import { DEFAULT_PARSE_LIMITS, parseXml, type ParsedXml } from '../xml/parse.js';

/** An xs:dateTime attribute as written, and its value when it parses. */
export interface Instant {
  readonly value: string;
  readonly ms: number | undefined;
}

/** A certificate found in a document's KeyInfo (not trusted: KeyInfo only ever selects configured keys). */
export interface CertFacts {
  readonly subject?: string;
  readonly issuer?: string;
  /** SHA-256 of the DER, colon hex (as `openssl x509 -fingerprint -sha256`). */
  readonly fingerprint?: string;
  readonly serialNumber?: string;
  readonly validFrom?: string;
  readonly validTo?: string;
  /** e.g. "RSA 2048", "EC prime256v1". */
  readonly key?: string;
  /** SubjectPublicKeyInfo DER, base64: matches a configured key re-issued in another certificate. */
  readonly spki?: string;
  readonly der: Buffer;
  /** Set when the bytes are not a parseable X.509 certificate. */
  readonly unparseable?: true;
}

export interface ReferenceFacts {
  readonly uri: string | undefined;
  /** Where the URI points: the signed element itself, another element, nothing, or the whole document (""). */
  readonly target: 'self' | 'other' | 'missing' | 'document' | 'invalid';
  readonly targetPath?: string;
  readonly transforms: readonly string[];
  readonly digestMethod?: string;
}

export interface SignatureFacts {
  /** Path of the ds:Signature element. */
  readonly path: string;
  /** Path and local name of the element that carries (and is meant to be covered by) the signature. */
  readonly signedPath: string;
  readonly signedElement: string;
  readonly signatureMethod?: string;
  readonly canonicalization?: string;
  readonly references: readonly ReferenceFacts[];
  readonly certificates: readonly CertFacts[];
}

export interface ConfirmationFacts {
  readonly method?: string;
  readonly bearer: boolean;
  readonly hasData: boolean;
  readonly recipient?: string;
  readonly notOnOrAfter?: Instant;
  readonly notBefore?: Instant;
  readonly inResponseTo?: string;
}

export interface AttributeFacts {
  readonly name: string;
  readonly friendlyName?: string;
  readonly nameFormat?: string;
  readonly values: readonly string[];
  /** Number of values in the document (values beyond {@link MAX_VALUES} are not kept). */
  readonly valueCount: number;
}

export interface AuthnFacts {
  readonly instant?: Instant;
  readonly sessionIndex?: string;
  readonly sessionNotOnOrAfter?: Instant;
  readonly classRef?: string;
}

export interface AssertionFacts {
  readonly path: string;
  readonly id?: string;
  readonly version?: string;
  readonly issueInstant?: Instant;
  readonly issuer?: string;
  readonly signed: boolean;
  readonly nameId?: string;
  readonly nameIdFormat?: string;
  readonly encryptedId: boolean;
  readonly confirmations: readonly ConfirmationFacts[];
  readonly conditions?: {
    readonly notBefore?: Instant;
    readonly notOnOrAfter?: Instant;
    /** One list per AudienceRestriction (each must name our audience). */
    readonly audiences: readonly (readonly string[])[];
    /** Local names of the other conditions (OneTimeUse, ProxyRestriction, anything unknown). */
    readonly others: readonly string[];
  };
  readonly authn: readonly AuthnFacts[];
  readonly attributes: readonly AttributeFacts[];
  readonly attributeCount: number;
  readonly encryptedAttributes: number;
}

export interface DocumentFacts {
  /** Size of the XML after transport decoding. */
  readonly xmlBytes: number;
  readonly root: {
    readonly name: string;
    readonly localName: string;
    readonly namespace?: string;
    readonly kind: 'response' | 'assertion' | 'other';
    readonly id?: string;
    readonly version?: string;
    readonly issueInstant?: Instant;
    readonly destination?: string;
    readonly inResponseTo?: string;
    readonly issuer?: string;
    readonly signed: boolean;
  };
  readonly status?: { readonly code?: string; readonly subCode?: string; readonly message?: string };
  /** Every Assertion in the document (up to {@link MAX_ITEMS}), wherever it sits. */
  readonly assertions: readonly AssertionFacts[];
  readonly assertionCount: number;
  readonly encryptedAssertions: number;
  /** The Assertion the library reads: the root, or the Response's direct child. */
  readonly primary?: AssertionFacts;
  readonly signatures: readonly SignatureFacts[];
  readonly signatureCount: number;
}

// Hostile documents can hold thousands of assertions, signatures or values: keep enough to explain, no more.
const MAX_ITEMS = 20;
const MAX_ATTRIBUTES = 500;
const MAX_VALUES = 200;


function instant(el: Element, name: string): Instant | undefined {
  const value = attr(el, name);
  if (value === undefined) return undefined;
  let ms: number | undefined;
  try {
    ms = parseInstant(value, el, name);
  } catch {
    ms = undefined;
  }
  return { value: value, ms };
}

function toIso(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Describe a certificate without trusting it. Never throws: an unparseable blob is reported as such. */
export function describeCert(der: Buffer): CertFacts {
  try {
    const cert = new X509Certificate(der);
    const details = cert.publicKey.asymmetricKeyDetails;
    const type = cert.publicKey.asymmetricKeyType;
    const key = type === 'rsa' ? `RSA ${details?.modulusLength ?? '?'}` : type === 'ec' ? `EC ${details?.namedCurve ?? '?'}` : String(type);
    const out: CertFacts = {
      subject: cert.subject.replace(/\n/g, ', '),
      issuer: cert.issuer.replace(/\n/g, ', '),
      fingerprint: cert.fingerprint256,
      serialNumber: cert.serialNumber,
      key,
      spki: cert.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
      der,
    };
    const from = toIso(cert.validFrom);
    const to = toIso(cert.validTo);
    return { ...out, ...(from === undefined ? {} : { validFrom: from }), ...(to === undefined ? {} : { validTo: to }) };
  } catch {
    return { der, unparseable: true };
  }
}

function elementsOf(root: Element, visit: (el: Element) => void): void {
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const el = stack.pop()!;
    visit(el);
    const kids = childElements(el);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

function idOf(el: Element): string | undefined {
  return attr(el, 'ID') ?? attr(el, 'Id') ?? el.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'id') ?? undefined;
}

function readSignature(sig: Element, parsed: ParsedXml): SignatureFacts {
  const parent = sig.parentNode as Element;
  const signedInfo = firstChildNS(sig, DSIG_NS, 'SignedInfo');
  const c14n = signedInfo ? firstChildNS(signedInfo, DSIG_NS, 'CanonicalizationMethod') : undefined;
  const method = signedInfo ? firstChildNS(signedInfo, DSIG_NS, 'SignatureMethod') : undefined;
  const references: ReferenceFacts[] = [];
  for (const ref of signedInfo ? childrenNS(signedInfo, DSIG_NS, 'Reference').slice(0, MAX_ITEMS) : []) {
    const uri = attr(ref, 'URI');
    let target: ReferenceFacts['target'];
    let targetPath: string | undefined;
    if (uri === '') target = 'document';
    else if (uri === undefined || !uri.startsWith('#')) target = 'invalid';
    else {
      const el = parsed.ids.get(uri.slice(1));
      target = el === undefined ? 'missing' : el === parent ? 'self' : 'other';
      if (el !== undefined) targetPath = pathOf(el);
    }
    const transformsEl = firstChildNS(ref, DSIG_NS, 'Transforms');
    const transforms = transformsEl ? childrenNS(transformsEl, DSIG_NS, 'Transform').slice(0, MAX_ITEMS).map((t) => attr(t, 'Algorithm') ?? '') : [];
    const digest = firstChildNS(ref, DSIG_NS, 'DigestMethod');
    const digestMethod = digest ? attr(digest, 'Algorithm') : undefined;
    references.push({
      uri,
      target,
      ...(targetPath === undefined ? {} : { targetPath }),
      transforms,
      ...(digestMethod === undefined ? {} : { digestMethod: digestMethod }),
    });
  }
  const certificates: CertFacts[] = [];
  const keyInfo = firstChildNS(sig, DSIG_NS, 'KeyInfo');
  for (const data of keyInfo ? childrenNS(keyInfo, DSIG_NS, 'X509Data') : []) {
    for (const c of childrenNS(data, DSIG_NS, 'X509Certificate')) {
      if (certificates.length >= MAX_ITEMS) break;
      const der = decodeStrictBase64(textOf(c));
      certificates.push(der === undefined ? { der: Buffer.alloc(0), unparseable: true } : describeCert(Buffer.from(der)));
    }
  }
  const sigMethod = method ? attr(method, 'Algorithm') : undefined;
  const c14nMethod = c14n ? attr(c14n, 'Algorithm') : undefined;
  return {
    path: pathOf(sig),
    signedPath: pathOf(parent),
    signedElement: parent.localName ?? parent.nodeName,
    ...(sigMethod === undefined ? {} : { signatureMethod: sigMethod }),
    ...(c14nMethod === undefined ? {} : { canonicalization: c14nMethod }),
    references,
    certificates,
  };
}

function readAssertionFacts(a: Element): AssertionFacts {
  const issuerEl = firstChildNS(a, SAML_NS, 'Issuer');
  const subject = firstChildNS(a, SAML_NS, 'Subject');
  const nameIdEl = subject ? firstChildNS(subject, SAML_NS, 'NameID') : undefined;
  const confirmations: ConfirmationFacts[] = [];
  for (const sc of subject ? childrenNS(subject, SAML_NS, 'SubjectConfirmation').slice(0, MAX_ITEMS) : []) {
    const data = firstChildNS(sc, SAML_NS, 'SubjectConfirmationData');
    const method = attr(sc, 'Method');
    const recipient = data ? attr(data, 'Recipient') : undefined;
    const irt = data ? attr(data, 'InResponseTo') : undefined;
    const notOnOrAfter = data ? instant(data, 'NotOnOrAfter') : undefined;
    const notBefore = data ? instant(data, 'NotBefore') : undefined;
    confirmations.push({
      ...(method === undefined ? {} : { method: method }),
      bearer: method === CM_BEARER,
      hasData: data !== undefined,
      ...(recipient === undefined ? {} : { recipient: recipient }),
      ...(notOnOrAfter === undefined ? {} : { notOnOrAfter }),
      ...(notBefore === undefined ? {} : { notBefore }),
      ...(irt === undefined ? {} : { inResponseTo: irt }),
    });
  }
  const conditionsEl = firstChildNS(a, SAML_NS, 'Conditions');
  let conditions: AssertionFacts['conditions'];
  if (conditionsEl) {
    const audiences: string[][] = [];
    const others: string[] = [];
    for (const c of childElements(conditionsEl).slice(0, MAX_ITEMS * 5)) {
      if (isNS(c, SAML_NS, 'AudienceRestriction')) audiences.push(childrenNS(c, SAML_NS, 'Audience').slice(0, MAX_ITEMS).map((x) => textOf(x).trim()));
      else others.push(c.localName ?? c.nodeName);
    }
    const notBefore = instant(conditionsEl, 'NotBefore');
    const notOnOrAfter = instant(conditionsEl, 'NotOnOrAfter');
    conditions = { audiences, others, ...(notBefore === undefined ? {} : { notBefore }), ...(notOnOrAfter === undefined ? {} : { notOnOrAfter }) };
  }
  const authn: AuthnFacts[] = [];
  for (const st of childrenNS(a, SAML_NS, 'AuthnStatement').slice(0, MAX_ITEMS)) {
    const ctx = firstChildNS(st, SAML_NS, 'AuthnContext');
    const ref = ctx ? firstChildNS(ctx, SAML_NS, 'AuthnContextClassRef') : undefined;
    const inst = instant(st, 'AuthnInstant');
    const session = instant(st, 'SessionNotOnOrAfter');
    const index = attr(st, 'SessionIndex');
    authn.push({
      ...(inst === undefined ? {} : { instant: inst }),
      ...(index === undefined ? {} : { sessionIndex: index }),
      ...(session === undefined ? {} : { sessionNotOnOrAfter: session }),
      ...(ref === undefined ? {} : { classRef: textOf(ref).trim() }),
    });
  }
  const attributes: AttributeFacts[] = [];
  let attributeCount = 0;
  let encryptedAttributes = 0;
  for (const st of childrenNS(a, SAML_NS, 'AttributeStatement')) {
    encryptedAttributes += childrenNS(st, SAML_NS, 'EncryptedAttribute').length;
    for (const at of childrenNS(st, SAML_NS, 'Attribute')) {
      attributeCount++;
      if (attributes.length >= MAX_ATTRIBUTES) continue;
      const valueEls = childrenNS(at, SAML_NS, 'AttributeValue');
      const friendlyName = attr(at, 'FriendlyName');
      const nameFormat = attr(at, 'NameFormat');
      attributes.push({
        name: attr(at, 'Name') ?? '',
        ...(friendlyName === undefined ? {} : { friendlyName: friendlyName }),
        ...(nameFormat === undefined ? {} : { nameFormat: nameFormat }),
        values: valueEls.slice(0, MAX_VALUES).map((v) => textOf(v)),
        valueCount: valueEls.length,
      });
    }
  }
  const issueInstant = instant(a, 'IssueInstant');
  const nameIdFormat = nameIdEl ? attr(nameIdEl, 'Format') : undefined;
  return {
    path: pathOf(a),
    ...(idOf(a) === undefined ? {} : { id: idOf(a)! }),
    ...(attr(a, 'Version') === undefined ? {} : { version: attr(a, 'Version')! }),
    ...(issueInstant === undefined ? {} : { issueInstant }),
    ...(issuerEl === undefined ? {} : { issuer: textOf(issuerEl).trim() }),
    signed: firstChildNS(a, DSIG_NS, 'Signature') !== undefined,
    ...(nameIdEl === undefined ? {} : { nameId: textOf(nameIdEl) }),
    ...(nameIdFormat === undefined ? {} : { nameIdFormat: nameIdFormat }),
    encryptedId: subject !== undefined && childrenNS(subject, SAML_NS, 'EncryptedID').length > 0,
    confirmations,
    ...(conditions === undefined ? {} : { conditions }),
    authn,
    attributes,
    attributeCount,
    encryptedAttributes,
  };
}

/**
 * Decode (as the library does) and parse (with the library's hardened parser and default limits) a
 * SAML input, then read facts from it for display. Throws the library's SamlGuardError when the input
 * cannot be decoded or parsed, exactly as verification would.
 */
export function readFacts(input: string | Uint8Array): DocumentFacts {
  const xml = decodeSamlInput(input, DEFAULT_PARSE_LIMITS.maxBytes);
  const parsed = parseXml(xml);
  return factsOf(parsed, typeof xml === 'string' ? Buffer.byteLength(xml, 'utf8') : xml.byteLength);
}

function factsOf(parsed: ParsedXml, xmlBytes: number): DocumentFacts {
  const root = parsed.root;
  const kind = isNS(root, SAMLP_NS, 'Response') ? 'response' : isNS(root, SAML_NS, 'Assertion') ? 'assertion' : 'other';
  const assertionEls: Element[] = [];
  const signatureEls: Element[] = [];
  let assertionCount = 0;
  let encryptedAssertions = 0;
  let signatureCount = 0;
  elementsOf(root, (el) => {
    if (el.nodeType !== NodeType.ELEMENT) return;
    if (isNS(el, SAML_NS, 'Assertion')) {
      assertionCount++;
      if (assertionEls.length < MAX_ITEMS) assertionEls.push(el);
    } else if (isNS(el, SAML_NS, 'EncryptedAssertion')) encryptedAssertions++;
    else if (isNS(el, DSIG_NS, 'Signature')) {
      signatureCount++;
      if (signatureEls.length < MAX_ITEMS) signatureEls.push(el);
    }
  });
  const assertions = assertionEls.map(readAssertionFacts);
  const primaryEl = kind === 'assertion' ? root : kind === 'response' ? childrenNS(root, SAML_NS, 'Assertion')[0] : undefined;
  const primary = primaryEl === undefined ? undefined : assertions[assertionEls.indexOf(primaryEl)] ?? readAssertionFacts(primaryEl);

  let status: DocumentFacts['status'];
  const statusEl = kind === 'response' ? firstChildNS(root, SAMLP_NS, 'Status') : undefined;
  if (statusEl) {
    const top = firstChildNS(statusEl, SAMLP_NS, 'StatusCode');
    const second = top ? firstChildNS(top, SAMLP_NS, 'StatusCode') : undefined;
    const msg = firstChildNS(statusEl, SAMLP_NS, 'StatusMessage');
    const code = top ? attr(top, 'Value') : undefined;
    const subCode = second ? attr(second, 'Value') : undefined;
    status = {
      ...(code === undefined ? {} : { code: code }),
      ...(subCode === undefined ? {} : { subCode: subCode }),
      ...(msg === undefined ? {} : { message: textOf(msg).trim() }),
    };
  }
  const issuerEl = kind === 'response' ? firstChildNS(root, SAML_NS, 'Issuer') : undefined;
  const issueInstant = instant(root, 'IssueInstant');
  const optional = (name: string, value: string | undefined) => (value === undefined ? {} : { [name]: value });
  return {
    xmlBytes,
    root: {
      name: root.nodeName,
      localName: root.localName ?? root.nodeName,
      ...optional('namespace', root.namespaceURI ?? undefined),
      kind,
      ...optional('id', idOf(root)),
      ...optional('version', attr(root, 'Version')),
      ...(issueInstant === undefined ? {} : { issueInstant }),
      ...optional('destination', attr(root, 'Destination')),
      ...optional('inResponseTo', attr(root, 'InResponseTo')),
      ...optional('issuer', issuerEl === undefined ? undefined : textOf(issuerEl).trim()),
      signed: firstChildNS(root, DSIG_NS, 'Signature') !== undefined,
    },
    ...(status === undefined ? {} : { status }),
    assertions,
    assertionCount,
    encryptedAssertions,
    ...(primary === undefined ? {} : { primary }),
    signatures: signatureEls.map((el) => readSignature(el, parsed)),
    signatureCount,
  };
}
