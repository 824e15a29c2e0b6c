/*
 * "What do I change?" for each library error. The library's message says what is wrong; the hint says
 * what to do about it with this CLI's flags or at the IdP, using facts from the error's details, the
 * configuration, and the (untrusted, display-only) document.
 */
import { ERROR_CODES } from '../errors.js';
import type { TrustedKey } from '../keys/index.js';
import type { FailureInfo } from './checks.js';
import type { LoadedConfig } from './config.js';
import type { AssertionFacts, CertFacts, DocumentFacts, SignatureFacts } from './facts.js';
import { algorithmName, relative, safe } from './text.js';

/** What a hint may draw on. */
export interface HintContext {
  readonly facts: DocumentFacts | undefined;
  readonly config: LoadedConfig;
  /** `details` of the library error (structured facts, never secrets). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

const q = (value: string | undefined): string => (value === undefined ? '(none)' : safe(value, 120));

function str(details: HintContext['details'], key: string): string | undefined {
  const v = details?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** The element an error path is about, for a sentence: ".../Assertion/Signature" → "the Assertion". */
function elementPhrase(path: string | undefined): string {
  const parts = (path ?? '').split('/').filter((p) => p !== '');
  const last = parts[parts.length - 1];
  if (last === 'Signature' && parts.length >= 2) return `the ${safe(parts[parts.length - 2]!, 60)}`;
  return last === undefined ? 'the response' : `the ${safe(last, 60)}`;
}

/** The signature the error is about: the one at the error path, else the one on the element at the path. */
function signatureAt(facts: DocumentFacts | undefined, path: string | undefined): SignatureFacts | undefined {
  if (facts === undefined || path === undefined) return undefined;
  return facts.signatures.find((s) => s.path === path) ?? facts.signatures.find((s) => s.signedPath === path);
}

function certPhrase(c: { subject?: string; fingerprint?: string }): string {
  return `${q(c.subject ?? '(no subject)')}, SHA-256 fingerprint ${c.fingerprint ?? '(unknown)'}`;
}

/** The configured keys for a hint: "1 configured certificate(s): O=…, CN=…, SHA-256 fingerprint …" (at most 3 listed). */
export function configuredKeysPhrase(keys: readonly TrustedKey[]): string {
  const list = keys.slice(0, 3).map((k) => (k.subject !== undefined ? certPhrase({ subject: k.subject.replace(/\n/g, ', '), fingerprint: k.fingerprint }) : `public key, SPKI SHA-256 ${k.spkiFingerprint}`));
  const more = keys.length > 3 ? `; and ${keys.length - 3} more` : '';
  return `${keys.length} configured certificate(s): ${list.join('; ')}${more}`;
}

function validity(c: CertFacts, now: number): string {
  if (c.validFrom === undefined || c.validTo === undefined) return '';
  const to = Date.parse(c.validTo);
  const from = Date.parse(c.validFrom);
  const state = to < now ? `, expired ${relative(to - now)}` : from > now ? `, not valid until ${relative(from - now)}` : '';
  return ` (valid ${c.validFrom.slice(0, 10)} → ${c.validTo.slice(0, 10)}${state})`;
}

function keyNotTrusted(f: FailureInfo, ctx: HintContext): string {
  const keys = ctx.config.verifier.keys;
  const sig = signatureAt(ctx.facts, f.path);
  const where = elementPhrase(f.path);
  const bits = /is (\d+) bits; the minimum is (\d+)/.exec(f.message);
  if (bits) {
    return `The IdP signs ${where} with a ${bits[1]}-bit RSA key; the minimum is ${bits[2]} bits. Ask the IdP for a 2048-bit (or larger) signing key; to accept this legacy key anyway, pass --min-rsa-key-bits ${bits[1]}.`;
  }
  const claimedFp = str(ctx.details, 'claimedFingerprint');
  const claimed = sig?.certificates.find((c) => c.fingerprint === claimedFp) ?? sig?.certificates[0];
  if (claimedFp !== undefined || (claimed !== undefined && claimed.unparseable !== true)) {
    const subject = str(ctx.details, 'claimedSubject') ?? claimed?.subject;
    const fingerprint = claimedFp ?? claimed?.fingerprint;
    const lookalike = keys.some((k) => k.subject !== undefined && subject !== undefined && k.subject.replace(/\n/g, ', ') === subject);
    return (
      `${where.charAt(0).toUpperCase()}${where.slice(1)} is signed by ${certPhrase({ subject, fingerprint })}${claimed ? validity(claimed, ctx.config.nowMs) : ''}, which is not among the ${configuredKeysPhrase(keys)} — has the IdP rotated its key? ` +
      (lookalike
        ? 'It has the SAME subject as a configured certificate but a different key: treat the response as forged unless the IdP confirms a new certificate. '
        : '') +
      'If the IdP really uses this certificate (compare with its current metadata), add it with --cert or refresh --metadata.'
    );
  }
  if (claimed?.unparseable === true) return 'The certificate in the signature\'s KeyInfo is not a parseable X.509 certificate, so it cannot select a configured key. The response was altered or the IdP is misconfigured.';
  if (/no configured (EC|RSA) key/.test(f.message)) {
    const families = [...new Set(keys.map((k) => (k.family === 'ec' ? 'EC' : 'RSA')))].join(' and ');
    return `The signature uses ${algorithmName(sig?.signatureMethod)}, but the configured key(s) are ${families}: configure the IdP's current signing certificate (${configuredKeysPhrase(keys)}).`;
  }
  return `No configured key can verify this signature (${configuredKeysPhrase(keys)}). Check that --cert/--metadata are the IdP's current signing certificate(s).`;
}

function signatureInvalid(f: FailureInfo, ctx: HintContext): string {
  const sig = signatureAt(ctx.facts, f.path);
  const offered = sig?.certificates[0];
  const keyInfo = offered && offered.unparseable !== true ? `Its KeyInfo names ${certPhrase(offered)}, which matches a configured key, yet the` : 'The';
  return (
    `${keyInfo} SignatureValue over SignedInfo does not verify. Either the signed XML was altered in transit (re-encoded, pretty-printed, or copied through an online decoder: capture the raw SAMLResponse value from the browser's network tab again), ` +
    `or it was signed with a different key that copied a trusted certificate into KeyInfo (a forgery). Configured: ${configuredKeysPhrase(ctx.config.verifier.keys)}.`
  );
}

function assertionPhrase(a: AssertionFacts | undefined): string {
  return safe(a?.path ?? 'Assertion', 120);
}

function audienceHint(f: FailureInfo, ctx: HintContext): string {
  const expected = ctx.config.audiences;
  const got = Array.isArray(ctx.details?.['audiences']) ? (ctx.details!['audiences'] as unknown[]).filter((a): a is string => typeof a === 'string') : undefined;
  if (got === undefined) {
    return 'The assertion has no AudienceRestriction, so it could be meant for any service provider. Configure the SP entity ID ("Audience URI") at the IdP; if the IdP cannot send one, pass --allow-missing-audience-restriction.';
  }
  if (got.length === 0) return `The AudienceRestriction is empty, but you expect ${expected.map(q).join(' or ')}. Set the SP entity ID ("Audience URI") at the IdP.`;
  return `Audience is ${got.slice(0, 3).map(q).join(', ')} but you expect ${expected.map(q).join(' or ')}. If ${q(got[0])} is your SP entity ID, pass --audience ${q(got[0])}; otherwise fix the "Audience URI (SP Entity ID)" / "Identifier" of this app at the IdP.`;
}

function timeHint(f: FailureInfo, ctx: HintContext): string {
  const skew = ctx.config.skewSeconds;
  const now = ctx.config.nowMs;
  const primary = ctx.facts?.primary;
  const issued = primary?.issueInstant;
  const asOf = issued?.ms !== undefined ? ` To check everything else, verify it as of its issue time: --now ${new Date(issued.ms).toISOString()}.` : '';
  const nowSource = ctx.config.nowGiven ? 'the --now you gave' : "this machine's clock";
  if (f.code === 'NOT_YET_VALID') {
    const nb = str(ctx.details, 'notBefore');
    const start = nb !== undefined ? Date.parse(nb) : issued?.ms;
    const inWhat = start !== undefined ? `valid ${relative(start - now)} (${new Date(start).toISOString()})` : 'not valid yet';
    return `It becomes ${inWhat}, judged by ${nowSource}; clock skew is ${skew} s. The IdP's clock and this one disagree: check NTP on both, or allow more with --clock-skew <seconds> (at most 3600).`;
  }
  const end = str(ctx.details, 'notOnOrAfter');
  const endMs = end === undefined ? undefined : Date.parse(end);
  const which = f.code === 'SESSION_EXPIRED' ? 'The IdP session (SessionNotOnOrAfter)' : (f.path ?? '').endsWith('SubjectConfirmationData') ? 'The bearer confirmation (SubjectConfirmationData NotOnOrAfter)' : 'The assertion (Conditions NotOnOrAfter)';
  const ago = endMs === undefined ? 'expired' : `expired ${relative(endMs - now)}`;
  if (f.code === 'SESSION_EXPIRED') return `${which} ${ago}, judged by ${nowSource}; clock skew is ${skew} s. The user must sign in at the IdP again.${asOf}`;
  return `${which} ${ago}, judged by ${nowSource}; clock skew is ${skew} s. Responses live minutes: capture a fresh one.${asOf}`;
}

function statusHint(ctx: HintContext): string {
  const sub = str(ctx.details, 'subStatusCode') ?? '';
  const msg = str(ctx.details, 'statusMessage');
  const known: Record<string, string> = {
    AuthnFailed: 'the user could not be authenticated (wrong password, MFA failed or cancelled)',
    RequestDenied: 'the IdP refused to answer (often: the user is not assigned to this application)',
    InvalidNameIDPolicy: "the SP's AuthnRequest asks for a NameID format the IdP is not configured to send",
    NoPassive: 'passive (silent) login was requested but the user has no session',
    NoAuthnContext: 'the requested authentication context (e.g. MFA class) cannot be satisfied',
    UnknownPrincipal: 'the IdP does not know the user',
    RequestUnsupported: 'the IdP does not support something in the AuthnRequest',
  };
  const key = sub.slice(sub.lastIndexOf(':') + 1);
  const meaning = known[key];
  return `The IdP refused the sign-in${meaning ? `: ${meaning}` : ''}${msg ? ` (it says ${q(msg)})` : ''}. This is not a samlguard configuration problem: look at the IdP's sign-in logs for this user.`;
}

function shapeHint(f: FailureInfo, ctx: HintContext): string {
  const root = ctx.facts?.root;
  if (root !== undefined && root.kind === 'other') {
    if (root.localName === 'AuthnRequest' || root.localName === 'LogoutRequest') return `This is a ${root.localName} (a message TO the IdP), not the IdP's Response. Capture the POST to your ACS URL instead.`;
    if (root.localName === 'EntityDescriptor' || root.localName === 'EntitiesDescriptor') return 'This is SAML metadata: pass it with --metadata, and the response as the input file.';
    if (root.localName === 'LogoutResponse') return 'This is a LogoutResponse, not a login Response.';
    if (root.namespace === 'urn:oasis:names:tc:SAML:1.0:protocol' || root.namespace === 'urn:oasis:names:tc:SAML:1.0:assertion') return 'This is SAML 1.x; samlguard verifies SAML 2.0 only. Switch the IdP application to SAML 2.0.';
    return 'The input is XML but not a SAML 2.0 Response or Assertion. Capture the SAMLResponse posted to your ACS URL.';
  }
  return `The response does not have the shape SAML 2.0 requires (${safe(f.message, 160)}). Genuine IdP responses always do: it was edited, or the IdP is misconfigured.`;
}

/** Hints for failures to read the input at all: they need no configuration (inspect uses them too). */
const INPUT_HINTS: Readonly<Record<string, string>> = {
  INPUT_MALFORMED:
    'Give the raw XML, the base64 SAMLResponse value, or the whole form body (SAMLResponse=…&RelayState=…), e.g. copied from the browser\'s network tab (the POST to your ACS URL → Payload). HTTP-Redirect (DEFLATE) messages are requests, not responses.',
  XML_MALFORMED:
    'The decoded bytes are not well-formed UTF-8 XML: usually a truncated copy (the value was cut off when pasting) or a wrong encoding. Capture the SAMLResponse again, whole.',
  XML_FORBIDDEN_CONSTRUCT:
    'Genuine IdP responses carry no DOCTYPE, entities or processing instructions (and are UTF-8). This document was hand-made or is hostile (XXE): do not accept it.',
  XML_LIMIT_EXCEEDED:
    'The response exceeds samlguard\'s parser limits (1 MiB, depth 64, 50 000 elements). Real responses are a few KB; one this large usually carries thousands of group values: filter the groups sent at the IdP.',
  DUPLICATE_ID:
    'Two elements share an ID: a signature-wrapping precondition. Genuine IdP responses never do this; do not accept it.',
};

/** The hint for an input/parse failure, or undefined for any other code. */
export function inputHint(code: string): string | undefined {
  return Object.hasOwn(INPUT_HINTS, code) ? INPUT_HINTS[code] : undefined;
}

/**
 * The hint for a library rejection: one or two sentences naming the element, the value found, the
 * value expected, and the flag or IdP setting to change.
 */
export function hintFor(f: FailureInfo, ctx: HintContext): string {
  const primary = ctx.facts?.primary;
  const forInput = inputHint(f.code);
  if (forInput !== undefined) return forInput;
  switch (f.code) {
    case 'STATUS_NOT_SUCCESS':
      return statusHint(ctx);
    case 'ASSERTION_COUNT': {
      const n = ctx.facts === undefined ? undefined : ctx.facts.assertionCount + ctx.facts.encryptedAssertions;
      if (n === 0) return 'The Response carries no Assertion: nothing to sign in with. The IdP sends such responses only alongside an error status.';
      const paths = ctx.facts?.assertions.slice(0, 5).map((a) => safe(a.path, 120)).join(', ');
      return `The document holds ${n ?? 'several'} assertions${paths ? ` (${paths})` : ''}; exactly one (Assertion or EncryptedAssertion), a direct child of the Response, is accepted. Extra or nested assertions are the shape of a signature-wrapping attack: do not accept it.`;
    }
    case 'DECRYPTION_KEY_MISSING':
      return `The IdP encrypts ${(f.path ?? '').includes('Subject') ? 'the NameID' : (f.path ?? '').includes('AttributeStatement') ? 'attributes' : 'the assertion'} to your SP's certificate. Pass the matching private key with --decryption-key <sp-key.pem> (it is read locally and never printed), or turn off assertion encryption for this SP at the IdP.`;
    case 'DECRYPTION_FAILED':
      return `None of the ${ctx.config.decryptionKeyFiles.length} --decryption-key key(s) decrypts it. Usually the IdP encrypts to a different SP certificate than the one whose key you gave (compare the encryption certificate configured at the IdP); otherwise the ciphertext was altered. The reason is deliberately not more precise: detailed decryption errors are an oracle for attackers.`;
    case 'SIGNATURE_MISSING':
      if ((f.path ?? '').endsWith('Assertion') && /requireSignedAssertion/.test(f.message)) {
        return 'Only the Response is signed, and --require-signed-assertion demands the Assertion\'s own signature. Enable assertion signing at the IdP (Okta: "Assertion Signature: Signed"; Entra ID: "Sign SAML assertion"), or drop --require-signed-assertion.';
      }
      return 'Nothing in the response is signed, so nothing in it can be trusted. Enable response and/or assertion signing at the IdP.';
    case 'SIGNATURE_SHAPE_INVALID':
      return `The ds:Signature of ${elementPhrase(f.path)} is not in the one standard shape (extra elements, comments, bad base64). Capture the raw response again; if it persists, the IdP or something in between rewrites the XML.`;
    case 'REFERENCE_INVALID': {
      const sig = signatureAt(ctx.facts, f.path);
      if (sig?.references.some((r) => r.target === 'document') && sig.signedPath.split('/').length > 1) {
        return `The signature of ${elementPhrase(sig.signedPath)} signs the whole document (Reference URI=""), not just its own element. That is unusual; if your IdP really signs this way, pass --allow-empty-reference-uri (the whole document is then digested).`;
      }
      return `The signature's Reference does not point at the element that carries it (${elementPhrase(sig?.signedPath ?? f.path)}). That is the signature-wrapping attack shape (or an IdP bug): do not accept this response.`;
    }
    case 'TRANSFORM_NOT_ALLOWED':
      return 'Only the enveloped-signature transform plus one canonicalization are accepted; XPath/XSLT/Base64 transforms are attack surface. Real IdPs do not use them: the response was likely crafted.';
    case 'ALGORITHM_NOT_ALLOWED': {
      if (/SHA-1/.test(f.message)) {
        return 'The IdP signs with SHA-1, which is refused by default. Switch the IdP to SHA-256 (Okta: "Signature Algorithm: RSA_SHA256"; ADFS: relying party → Advanced → SHA-256); to accept SHA-1 anyway, pass --allow-sha1.';
      }
      return 'The algorithm is not on the allow-list (RSA-SHA256/384/512, ECDSA-SHA256/384/512; SHA-256+ digests; standard canonicalization). HMAC and DSA are never accepted. Configure the IdP to sign with RSA-SHA256.';
    }
    case 'KEY_NOT_TRUSTED':
      return keyNotTrusted(f, ctx);
    case 'SIGNATURE_INVALID':
      return signatureInvalid(f, ctx);
    case 'DIGEST_MISMATCH':
      return `${elementPhrase(f.path).replace(/^t/, 'T')} was modified after it was signed (its signature itself is valid). If you did not edit it: something re-formatted the XML (pretty-printing, an editor, an online decoder, a proxy). Capture the raw SAMLResponse again and pass it untouched.`;
    case 'SAML_SHAPE_INVALID':
      return shapeHint(f, ctx);
    case 'ISSUER_MISMATCH': {
      const got = str(ctx.details, 'issuer');
      if (got === undefined) return 'The Issuer has a Format other than the entity format; SAML requires the entity format (or none). Check the IdP\'s issuer settings.';
      return `Issuer is ${q(got)} but you expect ${q(ctx.config.entityId)} (${ctx.config.entityIdSource}). If ${q(got)} is your IdP, pass --entity-id ${q(got)} (or its metadata); if not, this response comes from another IdP or tenant.`;
    }
    case 'AUDIENCE_MISMATCH':
      return audienceHint(f, ctx);
    case 'RECIPIENT_MISMATCH': {
      const got = str(ctx.details, 'recipient');
      if (got === undefined) return `The bearer SubjectConfirmationData has no Recipient, but you expect ${q(ctx.config.recipient)}. Set the ACS ("Single sign-on URL" / "Reply URL") at the IdP.`;
      return `Recipient is ${q(got)} but you expect ${q(ctx.config.recipient)} (--recipient). If ${q(got)} is your ACS URL, pass --recipient ${q(got)}; otherwise fix the "Single sign-on URL" / "Reply URL" at the IdP.`;
    }
    case 'DESTINATION_MISMATCH': {
      const got = str(ctx.details, 'destination');
      return `Destination is ${q(got)} but you expect ${q(ctx.config.recipient)} (--recipient). The IdP posts this response to ${q(got)}: if that is your ACS URL, pass --recipient ${q(got)}; otherwise fix the ACS URL at the IdP.`;
    }
    case 'IN_RESPONSE_TO_MISMATCH': {
      const got = (f.path ?? '').endsWith('SubjectConfirmationData') ? primary?.confirmations.find((c) => c.bearer)?.inResponseTo : ctx.facts?.root.inResponseTo;
      if (got === undefined) return `The response is unsolicited (IdP-initiated: no InResponseTo), but --in-response-to expects an answer to ${q(ctx.config.inResponseTo)}. Omit --in-response-to to check an IdP-initiated login.`;
      return `The response answers request ${q(got)}, not ${q(ctx.config.inResponseTo)}: it is stale or replayed, or the SP lost track of its request (e.g. a lost session cookie). Start a new sign-in.`;
    }
    case 'NOT_YET_VALID':
    case 'EXPIRED':
    case 'SESSION_EXPIRED':
      return timeHint(f, ctx);
    case 'SUBJECT_INVALID':
      return `The assertion (${assertionPhrase(primary)}) has no single, non-empty NameID (or uses BaseID). Configure a NameID format at the IdP (e.g. email address or persistent).`;
    case 'SUBJECT_CONFIRMATION_INVALID':
      if (/no SubjectConfirmationData|has no NotOnOrAfter/.test(f.message)) {
        return `The IdP's bearer SubjectConfirmation lacks ${/no SubjectConfirmationData/.test(f.message) ? 'SubjectConfirmationData' : 'NotOnOrAfter'}, which the Web SSO profile requires. Fix it at the IdP, or accept it with --allow-missing-subject-confirmation-data (only without --recipient and --in-response-to; Conditions NotOnOrAfter then bounds validity).`;
      }
      if (/NotBefore/.test(f.message)) return 'The bearer SubjectConfirmationData carries NotBefore, which the Web SSO profile forbids: an IdP bug or a crafted response.';
      if (/no bearer/.test(f.message)) return 'Only bearer confirmation (urn:oasis:names:tc:SAML:2.0:cm:bearer) is supported; holder-of-key and sender-vouches are not. Configure the IdP for the Web SSO profile.';
      return 'No bearer SubjectConfirmation meets the Web SSO profile rules; see the message above for the one that failed first.';
    case 'GROUPS_OVERAGE':
      return 'Entra ID sent a link to the groups instead of the groups (the user is in too many), so the group rules in --roles cannot be decided. In the app registration, emit only "Groups assigned to the application", or base the rules on another attribute.';
    case 'CONDITION_UNSUPPORTED':
      return 'The IdP added a Condition samlguard cannot evaluate; SAML core says such an assertion is not valid. Only AudienceRestriction, OneTimeUse and ProxyRestriction are understood: remove the custom condition at the IdP.';
    default:
      return (ERROR_CODES as Record<string, string>)[f.code] ?? 'See the message above.';
  }
}
