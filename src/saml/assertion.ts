import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import type { Verified } from '../dsig/verify.js';
import { attr, childElements, childrenNS, hasElementChildren, onlyChildNS, pathOf, textOf } from '../xml/dom.js';
import { checkAudience } from '../policy/audience.js';
import { checkSubjectConfirmation } from '../policy/subject-confirmation.js';
import { checkNotBefore, checkNotOnOrAfter, instantAttr, iso, parseInstant, relative, type TimeWindow } from '../policy/time.js';
import type { AttributeInfo, SubjectInfo } from '../types.js';
import { NAMEID_ENTITY, SAML_NS, XSI_NS } from '../xml/ns.js';
import { decryptElementTask, type DecryptionPolicy } from '../xmlenc/decrypt.js';
import type { Task } from '../crypto/index.js';

export interface AssertionPolicy extends TimeWindow {
  entityId: string;
  audiences: readonly string[];
  recipient: string | undefined;
  inResponseTo: string | undefined;
  maxAgeMs: number | undefined;
  allowMissingAudienceRestriction: boolean;
  allowMissingSubjectConfirmationData: boolean;
  /** SP decryption keys for EncryptedID / EncryptedAttribute; undefined when none are configured. */
  decryption: DecryptionPolicy | undefined;
}

export interface AssertionClaims {
  id: string;
  issuer: string;
  issueInstant: number;
  subject: SubjectInfo;
  attributes: Record<string, string[]>;
  attributeDetails: AttributeInfo[];
  audience: string | undefined;
  notBefore: number | undefined;
  notOnOrAfter: number | undefined;
  expiresAt: number;
  sessionIndex: string | undefined;
  sessionNotOnOrAfter: number | undefined;
  authnInstant: number | undefined;
  authnContextClassRef: string | undefined;
  oneTimeUse: boolean;
  /** InResponseTo of the accepted bearer SubjectConfirmationData, if any. */
  confirmationInResponseTo: string | undefined;
}

function shape(message: string, el: Element): SamlGuardError {
  return new SamlGuardError('SAML_SHAPE_INVALID', message, { path: pathOf(el) });
}

function requiredAttr(el: Element, name: string): string {
  const v = attr(el, name);
  if (v === undefined || v === '') throw shape(`<${el.localName}> has no ${name} attribute.`, el);
  return v;
}

/** Check an Issuer element: its Format, when present, must be the entity format; its value our IdP. */
export function checkIssuer(issuer: Element, entityId: string): string {
  const format = attr(issuer, 'Format');
  if (format !== undefined && format !== NAMEID_ENTITY) {
    throw new SamlGuardError('ISSUER_MISMATCH', `Issuer Format is ${quote(format)}; SAML core §2.2.5 requires the entity format (or none).`, { path: pathOf(issuer) });
  }
  const value = textOf(issuer).trim();
  if (value !== entityId) {
    throw new SamlGuardError('ISSUER_MISMATCH', `Issuer is ${quote(value)}, but this verifier trusts ${quote(entityId)}. Set idp.entityId (or metadata) to the IdP's entityID.`, {
      path: pathOf(issuer),
      details: { issuer: value, expected: entityId },
    });
  }
  return value;
}

const ALLOWED_CONDITIONS = new Set(['AudienceRestriction', 'OneTimeUse', 'ProxyRestriction']);

/**
 * Validate a verified Assertion and read its claims. Takes only an element whose signature (or whose
 * signed enclosing Response) was verified: there is no way to call this on an unverified node.
 */
export function* readAssertion(assertion: Verified<Element>, p: AssertionPolicy): Task<AssertionClaims> {
  if (attr(assertion, 'Version') !== '2.0') throw shape(`Assertion Version is ${quote(attr(assertion, 'Version') ?? null)}; only "2.0" is accepted.`, assertion);
  const id = detach(requiredAttr(assertion, 'ID'));
  const issueInstant = parseInstant(requiredAttr(assertion, 'IssueInstant'), assertion, 'IssueInstant');
  if (issueInstant > p.now + p.skewMs) {
    throw new SamlGuardError('NOT_YET_VALID', `Assertion IssueInstant ${iso(issueInstant)} is in the future (${relative(issueInstant - p.now)}), beyond the ${p.skewMs / 1000} s clock skew.`, {
      path: pathOf(assertion),
      details: { issueInstant: iso(issueInstant), now: iso(p.now) },
    });
  }
  let expiresAt = Number.POSITIVE_INFINITY;
  if (p.maxAgeMs !== undefined) {
    const limit = issueInstant + p.maxAgeMs;
    checkNotOnOrAfter(p, limit, assertion, `The assertion (issued ${iso(issueInstant)}, maxAssertionAgeSeconds ${p.maxAgeMs / 1000})`);
    expiresAt = limit;
  }

  // Schema order: Issuer, Signature?, Subject?, Conditions?, Advice?, statements*. Count before reading.
  const issuer = p.entityId; // checked equal to the Issuer below; the configured string pins nothing
  checkIssuer(onlyChildNS(assertion, SAML_NS, 'Issuer', 'SAML_SHAPE_INVALID'), p.entityId);

  const subjectEl = onlyChildNS(assertion, SAML_NS, 'Subject', 'SUBJECT_INVALID');
  const subject = yield* readSubject(subjectEl, p.decryption);

  const conditions = onlyChildNS(assertion, SAML_NS, 'Conditions', 'SAML_SHAPE_INVALID', true);
  let notBefore: number | undefined;
  let notOnOrAfter: number | undefined;
  let oneTimeUse = false;
  if (conditions) {
    notBefore = instantAttr(conditions, 'NotBefore');
    notOnOrAfter = instantAttr(conditions, 'NotOnOrAfter');
    if (notBefore !== undefined && notOnOrAfter !== undefined && notBefore >= notOnOrAfter) {
      throw shape('Conditions NotBefore is not earlier than NotOnOrAfter.', conditions);
    }
    checkNotBefore(p, notBefore, conditions, 'The assertion (Conditions NotBefore)');
    checkNotOnOrAfter(p, notOnOrAfter, conditions, 'The assertion (Conditions NotOnOrAfter)');
    for (const c of childElements(conditions)) {
      if (c.namespaceURI !== SAML_NS || !ALLOWED_CONDITIONS.has(c.localName ?? '')) {
        throw new SamlGuardError('CONDITION_UNSUPPORTED', `Condition <${c.localName}>${c.namespaceURI === SAML_NS ? '' : ` (namespace ${quote(c.namespaceURI)})`} cannot be evaluated; SAML core §2.5.1 makes the assertion's validity indeterminate, so it is rejected.`, { path: pathOf(c) });
      }
    }
    const otu = childrenNS(conditions, SAML_NS, 'OneTimeUse');
    if (otu.length > 1) throw shape('Conditions may contain at most one OneTimeUse (SAML core §2.5.1.5).', conditions);
    oneTimeUse = otu.length === 1;
    if (notOnOrAfter !== undefined) expiresAt = Math.min(expiresAt, notOnOrAfter);
  }
  const audience = checkAudience(conditions, p.audiences, p.allowMissingAudienceRestriction, assertion);

  const confirmation = checkSubjectConfirmation(subjectEl, {
    now: p.now,
    skewMs: p.skewMs,
    recipient: p.recipient,
    inResponseTo: p.inResponseTo,
    allowMissingData: p.allowMissingSubjectConfirmationData,
  });
  if (confirmation.notOnOrAfter !== undefined) expiresAt = Math.min(expiresAt, confirmation.notOnOrAfter);

  let sessionIndex: string | undefined;
  let sessionNotOnOrAfter: number | undefined;
  let authnInstant: number | undefined;
  let authnContextClassRef: string | undefined;
  const authnStatements = childrenNS(assertion, SAML_NS, 'AuthnStatement');
  for (const [i, st] of authnStatements.entries()) {
    const instant = parseInstant(requiredAttr(st, 'AuthnInstant'), st, 'AuthnInstant');
    const sessionEnd = instantAttr(st, 'SessionNotOnOrAfter');
    checkNotOnOrAfter(p, sessionEnd, st, 'The IdP session (AuthnStatement SessionNotOnOrAfter)', 'SESSION_EXPIRED');
    if (sessionEnd !== undefined) expiresAt = Math.min(expiresAt, sessionEnd);
    if (i === 0) {
      authnInstant = instant;
      const si = attr(st, 'SessionIndex');
      sessionIndex = si === undefined ? undefined : detach(si);
      sessionNotOnOrAfter = sessionEnd;
      const ctx = onlyChildNS(st, SAML_NS, 'AuthnContext', 'SAML_SHAPE_INVALID', true);
      const ref = ctx ? onlyChildNS(ctx, SAML_NS, 'AuthnContextClassRef', 'SAML_SHAPE_INVALID', true) : undefined;
      authnContextClassRef = ref ? detach(textOf(ref).trim()) : undefined;
    }
  }

  const { attributes, attributeDetails } = yield* readAttributes(assertion, p.decryption);
  if (!Number.isFinite(expiresAt)) {
    // Nothing in the assertion bounds it (only possible with both opt-ins and no Conditions NotOnOrAfter).
    throw new SamlGuardError('SAML_SHAPE_INVALID', 'Nothing in the assertion limits its lifetime (no NotOnOrAfter anywhere); refusing an assertion valid forever.', { path: pathOf(assertion), details: { check: 'lifetime' } });
  }
  return {
    id,
    issuer,
    issueInstant,
    subject,
    attributes,
    attributeDetails,
    audience,
    notBefore,
    notOnOrAfter,
    expiresAt,
    sessionIndex,
    sessionNotOnOrAfter,
    authnInstant,
    authnContextClassRef,
    oneTimeUse,
    confirmationInResponseTo: confirmation.inResponseTo,
  };
}

/**
 * A copy of `s` that does not share storage with the document text. V8 represents substrings as slices
 * of their parent, so a NameID kept in a result (or the verified-assertion cache) would otherwise keep
 * the whole decoded input alive: measured, one 30-byte group name pinned a 100 KB response.
 */
function detach(s: string): string {
  return s.length === 0 ? s : (' ' + s).slice(1);
}

function* readSubject(subjectEl: Element, decryption: DecryptionPolicy | undefined): Task<SubjectInfo> {
  const ids = childrenNS(subjectEl, SAML_NS, 'NameID').length + childrenNS(subjectEl, SAML_NS, 'EncryptedID').length + childrenNS(subjectEl, SAML_NS, 'BaseID').length;
  if (ids !== 1) throw new SamlGuardError('SUBJECT_INVALID', `The Subject must carry exactly one identifier (NameID or EncryptedID); it carries ${ids}.`, { path: pathOf(subjectEl) });
  if (childrenNS(subjectEl, SAML_NS, 'BaseID').length > 0) {
    throw new SamlGuardError('SUBJECT_INVALID', 'The Subject uses BaseID, which samlguard does not support; a NameID is required.', { path: pathOf(subjectEl) });
  }
  const encrypted = childrenNS(subjectEl, SAML_NS, 'EncryptedID')[0];
  if (encrypted !== undefined && decryption === undefined) {
    throw new SamlGuardError('DECRYPTION_KEY_MISSING', 'The Subject carries an EncryptedID, but no sp.decryptionKeys are configured.', { path: pathOf(subjectEl) });
  }
  // A decrypted NameID is as trustworthy as the verified assertion whose signed ciphertext held it.
  const nameIdEl = encrypted !== undefined ? yield* decryptElementTask(encrypted, SAML_NS, ['NameID'], decryption!) : onlyChildNS(subjectEl, SAML_NS, 'NameID', 'SUBJECT_INVALID');
  if (hasElementChildren(nameIdEl)) throw new SamlGuardError('SUBJECT_INVALID', 'NameID must contain text only.', { path: pathOf(nameIdEl) });
  const nameId = detach(textOf(nameIdEl));
  if (nameId.trim() === '') throw new SamlGuardError('SUBJECT_INVALID', 'NameID is empty.', { path: pathOf(nameIdEl) });
  const subject: SubjectInfo = { nameId };
  const format = attr(nameIdEl, 'Format');
  if (format !== undefined) subject.format = detach(format);
  const nq = attr(nameIdEl, 'NameQualifier');
  if (nq !== undefined) subject.nameQualifier = detach(nq);
  const spnq = attr(nameIdEl, 'SPNameQualifier');
  if (spnq !== undefined) subject.spNameQualifier = detach(spnq);
  return subject;
}

function* readAttributes(assertion: Element, decryption: DecryptionPolicy | undefined): Task<{ attributes: Record<string, string[]>; attributeDetails: AttributeInfo[] }> {
  // A null-prototype record: attribute names such as "__proto__" are data, not object machinery.
  const attributes: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const attributeDetails: AttributeInfo[] = [];
  for (const statement of childrenNS(assertion, SAML_NS, 'AttributeStatement')) {
    const encrypted = childrenNS(statement, SAML_NS, 'EncryptedAttribute');
    if (encrypted.length > 0 && decryption === undefined) {
      throw new SamlGuardError('DECRYPTION_KEY_MISSING', 'The AttributeStatement carries an EncryptedAttribute, but no sp.decryptionKeys are configured.', { path: pathOf(statement) });
    }
    const all: Element[] = [];
    for (const c of childElements(statement)) {
      if (c.namespaceURI !== SAML_NS) continue;
      if (c.localName === 'Attribute') all.push(c);
      else if (c.localName === 'EncryptedAttribute') all.push(yield* decryptElementTask(c, SAML_NS, ['Attribute'], decryption!));
    }
    for (const a of all) {
      const name = detach(requiredAttr(a, 'Name'));
      const values: string[] = [];
      for (const v of childrenNS(a, SAML_NS, 'AttributeValue')) {
        const nil = v.getAttributeNodeNS(XSI_NS, 'nil');
        if (nil && (nil.value === 'true' || nil.value === '1')) continue; // xsi:nil: the attribute has no value here
        values.push(detach(textOf(v)));
      }
      const info: AttributeInfo = { name, values };
      const friendlyName = attr(a, 'FriendlyName');
      if (friendlyName !== undefined) info.friendlyName = detach(friendlyName);
      const nameFormat = attr(a, 'NameFormat');
      if (nameFormat !== undefined) info.nameFormat = detach(nameFormat);
      attributeDetails.push(info);
      const prior = attributes[name];
      attributes[name] = prior ? prior.concat(values) : values.slice();
    }
  }
  return { attributes, attributeDetails };
}
