import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { childrenNS, pathOf, attr } from '../xml/dom.js';
import { CM_BEARER, SAML_NS } from '../xml/ns.js';
import { checkNotBefore, checkNotOnOrAfter, instantAttr, type TimeWindow } from './time.js';

export interface ConfirmationPolicy extends TimeWindow {
  recipient: string | undefined;
  inResponseTo: string | undefined;
  allowMissingData: boolean;
}

/**
 * SAML Web SSO profile §4.1.4.2/§4.1.4.3: at least one bearer SubjectConfirmation whose
 * SubjectConfirmationData has NotOnOrAfter in the future, Recipient = our ACS URL (when configured),
 * InResponseTo = our request (when expected). A NotBefore (which the profile forbids on bearer data, but
 * some IdPs send) is honoured as a lower bound rather than refused. Returns that confirmation's NotOnOrAfter
 * and InResponseTo.
 * When none qualifies, the first bearer confirmation's specific failure is reported.
 */
export interface AcceptedConfirmation {
  notOnOrAfter: number | undefined;
  inResponseTo: string | undefined;
}

export function checkSubjectConfirmation(subject: Element, p: ConfirmationPolicy): AcceptedConfirmation {
  const bearers = childrenNS(subject, SAML_NS, 'SubjectConfirmation').filter((sc) => attr(sc, 'Method') === CM_BEARER);
  if (bearers.length === 0) {
    throw new SamlGuardError('SUBJECT_CONFIRMATION_INVALID', 'The Subject has no bearer SubjectConfirmation (Method urn:oasis:names:tc:SAML:2.0:cm:bearer).', { path: pathOf(subject) });
  }
  let firstError: SamlGuardError | undefined;
  for (const sc of bearers) {
    try {
      return checkOne(sc, p);
    } catch (err) {
      firstError ??= err as SamlGuardError;
    }
  }
  throw firstError!;
}

function checkOne(sc: Element, p: ConfirmationPolicy): AcceptedConfirmation {
  const all = childrenNS(sc, SAML_NS, 'SubjectConfirmationData');
  if (all.length > 1) throw new SamlGuardError('SUBJECT_CONFIRMATION_INVALID', 'A SubjectConfirmation has more than one SubjectConfirmationData.', { path: pathOf(sc) });
  const data = all[0];
  if (data === undefined) {
    if (p.allowMissingData && p.recipient === undefined && p.inResponseTo === undefined) return { notOnOrAfter: undefined, inResponseTo: undefined };
    throw new SamlGuardError('SUBJECT_CONFIRMATION_INVALID', 'The bearer SubjectConfirmation has no SubjectConfirmationData (profile §4.1.4.2 requires Recipient and NotOnOrAfter). Opt-in for IdPs that omit it: allowMissingSubjectConfirmationData.', { path: pathOf(sc) });
  }
  // Profile §4.1.4.2 says a bearer SubjectConfirmationData MUST NOT carry NotBefore, but some IdPs send
  // one. Refusing it protects nothing; honouring it as a lower bound (with the skew) is strictly tighter.
  checkNotBefore(p, instantAttr(data, 'NotBefore'), data, 'The bearer SubjectConfirmationData');
  const notOnOrAfter = instantAttr(data, 'NotOnOrAfter');
  if (notOnOrAfter === undefined && !p.allowMissingData) {
    throw new SamlGuardError('SUBJECT_CONFIRMATION_INVALID', 'The bearer SubjectConfirmationData has no NotOnOrAfter (profile §4.1.4.2). Opt-in for IdPs that omit it: allowMissingSubjectConfirmationData.', { path: pathOf(data) });
  }
  checkNotOnOrAfter(p, notOnOrAfter, data, 'The bearer SubjectConfirmationData');
  if (p.recipient !== undefined) {
    const recipient = attr(data, 'Recipient');
    if (recipient !== p.recipient) {
      throw new SamlGuardError('RECIPIENT_MISMATCH', `SubjectConfirmationData Recipient is ${quote(recipient ?? null)}, but this verifier expects ${quote(p.recipient)}. Set recipient to the ACS URL the IdP posts to.`, {
        path: pathOf(data),
        details: { recipient, expected: p.recipient },
      });
    }
  }
  const irt = attr(data, 'InResponseTo');
  if (p.inResponseTo !== undefined) {
    if (irt !== p.inResponseTo) {
      throw new SamlGuardError('IN_RESPONSE_TO_MISMATCH', `SubjectConfirmationData InResponseTo is ${quote(irt ?? null)}, but the expected request ID is ${quote(p.inResponseTo)}.`, {
        path: pathOf(data),
        details: { inResponseTo: irt, expected: p.inResponseTo },
      });
    }
  }
  return { notOnOrAfter, inResponseTo: irt };
}
