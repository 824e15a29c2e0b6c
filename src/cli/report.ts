/*
 * The report of `samlguard verify`: the library's verdict, explained check by check. Facts shown next
 * to passed checks come from the document the library accepted up to that point; facts shown on the
 * failing check come from the untrusted document and are labelled as claims where that matters.
 */
import { bytesEqual } from '../bytes/index.js';
import type { TrustedKey } from '../keys/index.js';
import type { VerifiedAssertion } from '../types.js';
import { STEPS, stepOf, statuses, type CheckStatus, type FailureInfo, type StepId } from './checks.js';
import type { LoadedConfig } from './config.js';
import type { AssertionFacts, CertFacts, DocumentFacts, Instant } from './facts.js';
import type { InputFormat } from './input.js';
import { algorithmName, bounded, HUMAN_MAX, rows, safe, size, when, type Style } from './text.js';

/** One row of the report, as --json prints it. */
export interface CheckRow {
  readonly id: StepId;
  readonly label: string;
  readonly status: CheckStatus;
  readonly detail: readonly string[];
}

/** Everything the report is built from. */
export interface ReportInput {
  readonly source: string;
  readonly format: InputFormat | undefined;
  readonly relayState: string | undefined;
  readonly config: LoadedConfig;
  readonly facts: DocumentFacts | undefined;
  /** The identity the library verified (present even when --roles mapping then failed). */
  readonly result: VerifiedAssertion | undefined;
  /** Roles from --roles (undefined without --roles, or when mapping failed). */
  readonly roles: readonly string[] | undefined;
  readonly failure: (FailureInfo & { readonly hint: string }) | undefined;
}

const FORMAT_PHRASE: Record<InputFormat, string> = {
  xml: 'XML',
  base64: 'base64 → XML',
  form: 'form body → SAMLResponse (base64) → XML',
  'url-encoded': 'URL-encoded base64 → XML',
};

const shortUri = (uri: string | undefined): string => (uri === undefined ? '(none)' : safe(uri.slice(uri.lastIndexOf(':') + 1), 80));

function at(i: Instant | undefined, now: number): string {
  if (i === undefined) return '(none)';
  return i.ms === undefined ? `${safe(i.value, 60)} (not a valid xs:dateTime)` : when(i.ms, now);
}

/** The configured key that verified (matched by fingerprint, as the library reports it). */
function keyByFingerprint(keys: readonly TrustedKey[], fingerprint: string): TrustedKey | undefined {
  return keys.find((k) => (k.fingerprint ?? k.spkiFingerprint) === fingerprint);
}

/** The configured key a KeyInfo certificate selects (same DER, or same public key), as the library selects it. */
export function configuredMatch(keys: readonly TrustedKey[], cert: CertFacts): TrustedKey | undefined {
  return keys.find((k) => (k.der !== undefined && bytesEqual(k.der, cert.der)) || (cert.spki !== undefined && k.spki === cert.spki));
}

function validityLine(from: string | undefined, to: string | undefined, now: number): string | undefined {
  if (from === undefined || to === undefined) return undefined;
  const toMs = Date.parse(to);
  const fromMs = Date.parse(from);
  const note = toMs < now ? ' — expired (samlguard does not enforce certificate dates: IdPs often keep signing with expired certificates)' : fromMs > now ? ' — not yet valid (dates are not enforced)' : '';
  return `valid ${from} → ${to}${note}`;
}

function keyLines(k: TrustedKey, now: number): string[] {
  const lines = [k.subject !== undefined ? `certificate ${safe(k.subject.replace(/\n/g, ', '))}` : `public key (${k.family.toUpperCase()} ${k.bits})`];
  lines.push(k.fingerprint !== undefined ? `SHA-256 ${k.fingerprint}` : `SPKI SHA-256 ${k.spkiFingerprint}`);
  const cert = k.certificate;
  const v = cert ? validityLine(new Date(Date.parse(cert.validFrom)).toISOString(), new Date(Date.parse(cert.validTo)).toISOString(), now) : undefined;
  if (v !== undefined) lines.push(v);
  return lines;
}

function signatureDetail(r: ReportInput, status: CheckStatus): string[] {
  const now = r.config.nowMs;
  const keys = r.config.verifier.keys;
  if (r.result !== undefined) {
    const s = r.result.signature;
    const what = s.covered === 'both' ? 'Response and Assertion signed' : s.covered === 'response' ? 'Response signed (covers the Assertion)' : 'Assertion signed';
    const key = keyByFingerprint(keys, s.certificateFingerprint);
    const decrypted = (r.facts?.encryptedAssertions ?? 0) > 0 ? [`EncryptedAssertion decrypted with --decryption-key`] : [];
    return [`${what} · ${algorithmName(s.algorithm)} · digest ${algorithmName(s.digest)}`, ...decrypted, ...(key ? keyLines(key, now) : [`key SHA-256 ${s.certificateFingerprint}`])];
  }
  const facts = r.facts;
  if (facts === undefined) return [];
  const lines: string[] = [];
  const onRoot = facts.signatures.filter((x) => x.signedPath === facts.root.localName);
  const onPrimary = facts.primary ? facts.signatures.filter((x) => x.signedPath === facts.primary!.path && facts.primary!.path !== facts.root.localName) : [];
  for (const sig of [...onRoot, ...onPrimary]) {
    lines.push(`${safe(sig.signedElement, 60)} signed · ${algorithmName(sig.signatureMethod)} · digest ${algorithmName(sig.references[0]?.digestMethod)}`);
    for (const c of sig.certificates.slice(0, 2)) {
      if (c.unparseable === true) {
        lines.push('KeyInfo certificate: not a parseable X.509 certificate');
        continue;
      }
      const match = configuredMatch(keys, c);
      // Until the signature verified, KeyInfo is only a claim: say whether it names a configured key.
      lines.push(`KeyInfo certificate ${safe(c.subject ?? '')}${status === 'pass' ? '' : match ? ' (a configured key)' : ' (NOT a configured key)'}`);
      lines.push(`SHA-256 ${c.fingerprint ?? '?'}`);
      const v = validityLine(c.validFrom, c.validTo, now);
      if (v !== undefined) lines.push(v);
    }
    if (sig.certificates.length === 0) lines.push(`no certificate in KeyInfo: every configured key is tried (${keys.length})`);
  }
  if (lines.length === 0) lines.push('neither the Response nor the Assertion carries a ds:Signature');
  return lines;
}

/**
 * Facts for an assertion the CLI cannot read itself (it was encrypted): taken from the verified result,
 * which exists only when verification passed.
 */
function resultLines(id: StepId, r: ReportInput): string[] {
  const res = r.result;
  const now = r.config.nowMs;
  if (res === undefined) return [];
  switch (id) {
    case 'issue-instant':
      return [`IssueInstant ${when(res.issueInstant.getTime(), now)}`];
    case 'assertion-issuer':
      return [safe(res.issuer)];
    case 'subject':
      return [`NameID ${safe(res.subject.nameId)}${res.subject.format ? ` (${shortUri(res.subject.format)})` : ''}`];
    case 'time':
      return [`NotBefore ${res.notBefore ? when(res.notBefore.getTime(), now) : '(none)'}`, `NotOnOrAfter ${res.notOnOrAfter ? when(res.notOnOrAfter.getTime(), now) : '(none)'}`];
    case 'audience':
      return [res.audience === undefined ? 'no AudienceRestriction' : safe(res.audience)];
    case 'conditions':
      return [res.oneTimeUse ? 'OneTimeUse' : 'nothing beyond AudienceRestriction'];
    case 'subject-confirmation':
      return ['bearer (inside the encrypted assertion)'];
    case 'session':
      return [res.sessionNotOnOrAfter ? `SessionNotOnOrAfter ${when(res.sessionNotOnOrAfter.getTime(), now)}` : 'no SessionNotOnOrAfter (no IdP session limit)'];
    case 'attributes':
      return [`${res.attributeDetails.length} attribute(s)`];
    default:
      return [];
  }
}

function assertionLines(a: AssertionFacts | undefined, id: StepId, r: ReportInput): string[] {
  const now = r.config.nowMs;
  if (a === undefined) return resultLines(id, r);
  switch (id) {
    case 'issue-instant':
      return [`IssueInstant ${at(a.issueInstant, now)}`];
    case 'assertion-issuer':
      return [safe(a.issuer ?? '(none)')];
    case 'subject':
      return a.nameId === undefined ? [a.encryptedId ? 'EncryptedID (not supported)' : 'no NameID'] : [`NameID ${safe(a.nameId)}${a.nameIdFormat ? ` (${shortUri(a.nameIdFormat)})` : ''}`];
    case 'time': {
      const c = a.conditions;
      const nowLine = `now ${new Date(now).toISOString()} (${r.config.nowGiven ? '--now' : 'system clock'}) · clock skew ${r.config.skewSeconds} s`;
      if (c === undefined) return ['no Conditions', nowLine];
      return [`NotBefore ${at(c.notBefore, now)}`, `NotOnOrAfter ${at(c.notOnOrAfter, now)}`, nowLine];
    }
    case 'conditions': {
      const others = a.conditions?.others ?? [];
      return [others.length === 0 ? 'AudienceRestriction only' : others.map((o) => safe(o, 60)).join(', ')];
    }
    case 'audience': {
      const lists = a.conditions?.audiences ?? [];
      if (lists.length === 0) return ['no AudienceRestriction'];
      return lists.map((l) => `AudienceRestriction: ${l.length === 0 ? '(empty)' : l.slice(0, 5).map((x) => safe(x)).join(', ')}`);
    }
    case 'subject-confirmation': {
      const bearer = a.confirmations.filter((c) => c.bearer);
      if (bearer.length === 0) return [a.confirmations.length === 0 ? 'no SubjectConfirmation' : `no bearer SubjectConfirmation (${a.confirmations.map((c) => shortUri(c.method)).join(', ')})`];
      const lines = bearer.slice(0, 3).map((c) =>
        c.hasData
          ? `bearer · Recipient ${safe(c.recipient ?? '(none)')} · NotOnOrAfter ${at(c.notOnOrAfter, now)}${c.inResponseTo !== undefined ? ` · InResponseTo ${safe(c.inResponseTo, 80)}` : ''}${c.notBefore !== undefined ? ` · NotBefore ${at(c.notBefore, now)}` : ''}`
          : 'bearer · no SubjectConfirmationData',
      );
      return [...lines, ...profileDeviations(a)];
    }
    case 'session': {
      const st = a.authn[0];
      if (st === undefined) return ['no AuthnStatement'];
      return [st.sessionNotOnOrAfter ? `SessionNotOnOrAfter ${at(st.sessionNotOnOrAfter, now)}` : 'no SessionNotOnOrAfter (no IdP session limit)'];
    }
    case 'attributes':
      return [`${a.attributeCount} attribute(s)${a.encryptedAttributes > 0 ? `, ${a.encryptedAttributes} encrypted` : ''}`];
    default:
      return [];
  }
}

/**
 * What the document does that the SAML profiles forbid but samlguard tolerates because refusing it
 * would add no security. Shown as notes, never as failures.
 */
export function profileDeviations(a: AssertionFacts | undefined): string[] {
  if (a === undefined) return [];
  const out: string[] = [];
  if (a.confirmations.some((c) => c.bearer && c.notBefore !== undefined)) {
    out.push('profile deviation: bearer SubjectConfirmationData carries NotBefore (Web SSO profile §4.1.4.2 says MUST NOT); honoured as a lower time bound');
  }
  return out;
}

/** Why a step that ran had nothing to check, or undefined when it did check something. */
function skipReason(id: StepId, r: ReportInput): string | undefined {
  const root = r.facts?.root;
  if (root === undefined) return undefined;
  const bare = root.kind === 'assertion';
  switch (id) {
    case 'status':
      return bare ? 'bare Assertion: no Status' : undefined;
    case 'destination':
      if (bare) return 'bare Assertion: no Destination';
      if (r.config.recipient === undefined) return `not checked: no --recipient${root.destination !== undefined ? ` (Destination is ${safe(root.destination)})` : ''}`;
      return root.destination === undefined ? 'no Destination attribute (optional)' : undefined;
    case 'in-response-to':
      if (r.config.inResponseTo === undefined) return `not checked: no --in-response-to (the response answers ${root.inResponseTo !== undefined ? safe(root.inResponseTo, 80) : 'no request: IdP-initiated'})`;
      return bare ? 'bare Assertion: no Response InResponseTo' : undefined;
    case 'response-issuer':
      if (bare) return 'bare Assertion: no Response';
      return root.issuer === undefined ? 'no Issuer on the Response (optional)' : undefined;
    default:
      return undefined;
  }
}

function detailFor(id: StepId, status: CheckStatus, r: ReportInput): string[] {
  const facts = r.facts;
  const now = r.config.nowMs;
  if (status === 'not-run') return ['not reached'];
  if (status === 'skip') return [skipReason(id, r) ?? ''];
  switch (id) {
    case 'parse':
      return [`${r.format ? FORMAT_PHRASE[r.format] : 'input'}${facts ? `, ${size(facts.xmlBytes)} of XML` : ''}`];
    case 'response':
      if (facts === undefined) return [];
      if (facts.root.kind === 'assertion') return ['bare saml:Assertion (no Response envelope)'];
      if (facts.root.kind === 'other') return [`<${safe(facts.root.name, 80)}> in namespace ${safe(facts.root.namespace ?? '(none)', 100)}`];
      return [`samlp:Response · Version ${safe(facts.root.version ?? '(none)', 20)} · ID ${safe(facts.root.id ?? '(none)', 80)} · IssueInstant ${at(facts.root.issueInstant, now)}`];
    case 'status': {
      const st = facts?.status;
      if (st === undefined) return [];
      return [`${shortUri(st.code)}${st.subCode ? ` / ${shortUri(st.subCode)}` : ''}${st.message ? `: ${safe(st.message, 120)}` : ''}`];
    }
    case 'assertion':
      if (facts === undefined) return [];
      return [`${facts.assertionCount} Assertion(s)${facts.encryptedAssertions > 0 ? `, ${facts.encryptedAssertions} EncryptedAssertion(s)` : ''}${facts.assertions.length > 0 ? `: ${facts.assertions.slice(0, 3).map((a) => safe(a.path, 120)).join(', ')}` : ''}`];
    case 'signature':
      return signatureDetail(r, status);
    case 'destination':
      return [`Destination ${safe(facts?.root.destination ?? '(none)')}`];
    case 'in-response-to':
      return [`InResponseTo ${safe(facts?.root.inResponseTo ?? '(none)', 80)}`];
    case 'response-issuer':
      return [safe(facts?.root.issuer ?? '(none)')];
    case 'expiry':
      return r.result ? [`expiresAt ${when(r.result.expiresAt.getTime(), now)}`] : [];
    case 'replay':
    case 'other':
      return [];
    case 'roles':
      if (r.roles === undefined) return [];
      return [r.roles.length === 0 ? 'no rule matched: no role (deny by default)' : r.roles.map((x) => safe(x, 128)).join(', ')];
    default:
      return assertionLines(facts?.primary, id, r);
  }
}

/** The rows of the report, in the library's order. */
export function buildChecks(r: ReportInput): CheckRow[] {
  const failed = r.failure ? stepOf(r.failure) : undefined;
  const map = statuses(failed, (id) => skipReason(id, r) !== undefined);
  const shown = (id: StepId): boolean => (id === 'replay' || id === 'other' ? failed === id : id === 'roles' ? r.config.roles !== undefined : true);
  return STEPS.filter((s) => shown(s.id)).map((s) => {
    const status = map.get(s.id)!;
    return { id: s.id, label: s.label, status, detail: detailFor(s.id, status, r).filter((l) => l !== '') };
  });
}

const JSON_MAX_ATTRIBUTES = 1000;
const JSON_MAX_VALUES = 1000;

/** The verified identity for --json: the library's result with instants as ISO strings, every string bounded. */
export function identityJson(result: VerifiedAssertion, roles: readonly string[] | undefined): Record<string, unknown> {
  let truncated = false;
  const b = (v: string): string => {
    const out = bounded(v);
    if (out !== v) truncated = true;
    return out;
  };
  const iso = (d: Date | undefined) => (d === undefined ? undefined : d.toISOString());
  const names = Object.keys(result.attributes);
  if (names.length > JSON_MAX_ATTRIBUTES) truncated = true;
  const attributes: Record<string, string[]> = {};
  for (const name of names.slice(0, JSON_MAX_ATTRIBUTES)) {
    const values = result.attributes[name] ?? [];
    if (values.length > JSON_MAX_VALUES) truncated = true;
    attributes[b(name)] = values.slice(0, JSON_MAX_VALUES).map(b);
  }
  const subject: Record<string, string> = { nameId: b(result.subject.nameId) };
  if (result.subject.format !== undefined) subject['format'] = b(result.subject.format);
  if (result.subject.nameQualifier !== undefined) subject['nameQualifier'] = b(result.subject.nameQualifier);
  if (result.subject.spNameQualifier !== undefined) subject['spNameQualifier'] = b(result.subject.spNameQualifier);
  const out: Record<string, unknown> = {
    id: b(result.id),
    issuer: b(result.issuer),
    subject,
    audience: result.audience === undefined ? null : b(result.audience),
    attributes,
    roles: roles === undefined ? null : [...roles],
    issueInstant: iso(result.issueInstant),
    notBefore: iso(result.notBefore),
    notOnOrAfter: iso(result.notOnOrAfter),
    expiresAt: iso(result.expiresAt),
    sessionIndex: result.sessionIndex === undefined ? undefined : b(result.sessionIndex),
    sessionNotOnOrAfter: iso(result.sessionNotOnOrAfter),
    authnInstant: iso(result.authnInstant),
    authnContextClassRef: result.authnContextClassRef === undefined ? undefined : b(result.authnContextClassRef),
    inResponseTo: result.inResponseTo ?? undefined,
    oneTimeUse: result.oneTimeUse,
    signature: { ...result.signature },
  };
  if (truncated) out['truncated'] = true;
  return out;
}

/** The one object `verify --json` prints. */
export function reportJson(r: ReportInput, checks: readonly CheckRow[]): Record<string, unknown> {
  return {
    accepted: r.result !== undefined && r.failure === undefined,
    code: r.failure?.code ?? null,
    path: r.failure?.path ?? null,
    message: r.failure?.message ?? null,
    hint: r.failure?.hint ?? null,
    profileDeviations: profileDeviations(r.facts?.primary),
    checks,
    identity: r.result ? identityJson(r.result, r.roles) : null,
    input: {
      source: bounded(r.source, 1000),
      format: r.format ?? null,
      ...(r.relayState === undefined ? {} : { relayState: bounded(r.relayState, 1000) }),
      ...(r.facts === undefined ? {} : { xmlBytes: r.facts.xmlBytes }),
    },
    verifier: {
      entityId: r.config.entityId,
      keys: r.config.verifier.keys.map((k) => ({
        subject: k.subject?.replace(/\n/g, ', ') ?? null,
        fingerprint: k.fingerprint ?? null,
        spkiFingerprint: k.spkiFingerprint,
        validFrom: k.certificate ? new Date(Date.parse(k.certificate.validFrom)).toISOString() : null,
        validTo: k.certificate ? new Date(Date.parse(k.certificate.validTo)).toISOString() : null,
      })),
      audience: r.config.audiences,
      recipient: r.config.recipient ?? null,
      inResponseTo: r.config.inResponseTo ?? null,
      now: new Date(r.config.nowMs).toISOString(),
      clockSkewSeconds: r.config.skewSeconds,
    },
  };
}

const MARK: Record<CheckStatus, string> = { pass: '✔', fail: '✘', skip: '–', 'not-run': '·' };

/** Enabled opt-ins, named as flags: the report says out loud which defaults were weakened. */
function optIns(config: LoadedConfig): string[] {
  const o = config.options;
  const out: string[] = [];
  if (o.allowSha1) out.push('--allow-sha1');
  if (o.minRsaKeyBits !== undefined) out.push(`--min-rsa-key-bits ${o.minRsaKeyBits}`);
  if (o.allowMissingAudienceRestriction) out.push('--allow-missing-audience-restriction');
  if (o.allowMissingSubjectConfirmationData) out.push('--allow-missing-subject-confirmation-data');
  if (o.allowEmptyReferenceUri) out.push('--allow-empty-reference-uri');
  if (o.requireSignedAssertion) out.push('--require-signed-assertion (stricter)');
  return out;
}

function identityRows(result: VerifiedAssertion, r: ReportInput): string[] {
  const now = r.config.nowMs;
  const attrLines: string[] = [];
  const names = Object.keys(result.attributes);
  for (const name of names.slice(0, 50)) {
    const values = result.attributes[name] ?? [];
    const shown = values.slice(0, 20).map((v) => safe(v, 120));
    attrLines.push(`${safe(name, 120)} = ${shown.length === 0 ? '(no value)' : shown.join(', ')}${values.length > 20 ? ` (+${values.length - 20} more)` : ''}`);
  }
  if (names.length > 50) attrLines.push(`(+${names.length - 50} more attributes; --json shows them all)`);
  const entries: Array<[string, string | string[]]> = [
    ['NameID', `${safe(result.subject.nameId)}${result.subject.format ? ` (${shortUri(result.subject.format)})` : ''}`],
    ['issuer', safe(result.issuer)],
    ['audience', result.audience === undefined ? '(no AudienceRestriction)' : safe(result.audience)],
    ['attributes', attrLines.length === 0 ? '(none)' : attrLines],
    ['roles', r.config.roles === undefined ? '(not mapped: no --roles)' : r.roles === undefined ? '(not decided: see below)' : r.roles.length === 0 ? '(none: no rule matched; deny by default)' : r.roles.map((x) => safe(x, 128)).join(', ')],
    ['expiresAt', when(result.expiresAt.getTime(), now)],
  ];
  if (result.sessionIndex !== undefined || result.authnContextClassRef !== undefined) {
    entries.push(['session', [result.sessionIndex !== undefined ? `SessionIndex ${safe(result.sessionIndex, 80)}` : '', result.authnContextClassRef !== undefined ? shortUri(result.authnContextClassRef) : ''].filter((x) => x !== '').join(' · ')]);
  }
  if (result.inResponseTo !== undefined) entries.push(['inResponseTo', safe(result.inResponseTo, 80)]);
  if (result.oneTimeUse) entries.push(['OneTimeUse', 'yes: accept it once only']);
  return rows(entries);
}

/** The human report of `samlguard verify`. */
export function renderHuman(r: ReportInput, checks: readonly CheckRow[], style: Style): string {
  const out: string[] = [];
  const now = r.config.nowMs;
  if (r.result && !r.failure) out.push(style.ok(style.bold(`✔ ACCEPTED  ${safe(r.result.subject.nameId, 120)}`)));
  else out.push(style.bad(style.bold(`✘ REJECTED  ${r.failure?.code ?? ''}${r.failure?.path ? ` at ${safe(r.failure.path, 200)}` : ''}`)));
  out.push('');
  const keys = r.config.verifier.keys;
  const configRows: Array<[string, string | string[]]> = [
    ['input', `${safe(r.source, 120)}${r.format ? ` · ${FORMAT_PHRASE[r.format]}` : ''}${r.relayState !== undefined ? ` · RelayState ${safe(r.relayState, 80)}` : ''}`],
    ['IdP', `${safe(r.config.entityId)} (${r.config.entityIdSource}${r.config.metadataSource ? `; metadata ${safe(r.config.metadataSource, 120)}` : ''})`],
    ['keys', keys.slice(0, 5).map((k) => (k.subject !== undefined ? `${safe(k.subject.replace(/\n/g, ', '))} · SHA-256 ${k.fingerprint}` : `public key · SPKI SHA-256 ${k.spkiFingerprint}`)).concat(keys.length > 5 ? [`(+${keys.length - 5} more)`] : [])],
    ['audience', r.config.audiences.map((a) => safe(a)).join(' or ')],
    ['recipient', r.config.recipient === undefined ? style.dim('(not checked: no --recipient)') : safe(r.config.recipient)],
  ];
  if (r.config.inResponseTo !== undefined) configRows.push(['in-response-to', safe(r.config.inResponseTo, 80)]);
  if (r.config.decryptionKeyFiles.length > 0) configRows.push(['decryption', `${r.config.decryptionKeyFiles.length} SP key file(s): ${r.config.decryptionKeyFiles.map((f) => safe(f, 120)).join(', ')}`]);
  if (r.config.rolesSource !== undefined) configRows.push(['roles', `${safe(r.config.rolesSource, 120)} (${r.config.roles?.rules.length ?? 0} rule(s))`]);
  configRows.push(['now', `${new Date(now).toISOString()} (${r.config.nowGiven ? '--now' : 'system clock'}) · clock skew ${r.config.skewSeconds} s`]);
  const opts = optIns(r.config);
  if (opts.length > 0) configRows.push(['opt-ins', style.warn(opts.join(' '))]);
  out.push(...rows(configRows));
  out.push('', style.bold('Checks, in the order samlguard runs them'));
  const width = Math.max(...checks.map((c) => c.label.length)) + 2;
  for (const c of checks) {
    const mark = c.status === 'pass' ? style.ok(MARK.pass) : c.status === 'fail' ? style.bad(MARK.fail) : style.dim(MARK[c.status]);
    const label = c.status === 'fail' ? style.bad(c.label.padEnd(width)) : c.label.padEnd(width);
    const lines = c.detail.length === 0 ? [''] : c.detail;
    lines.forEach((line, i) => {
      const text = c.status === 'skip' || c.status === 'not-run' ? style.dim(line) : line;
      out.push(i === 0 ? `  ${mark} ${label}${text}`.trimEnd() : `    ${' '.repeat(width)}${text}`);
    });
  }
  out.push('');
  if (r.result) {
    out.push(style.bold(r.failure ? 'Identity (verified; the roles could not be decided)' : 'Identity'));
    out.push(...identityRows(r.result, r));
    if (r.failure) out.push('');
  }
  if (r.failure) {
    out.push(style.bad(style.bold(`✘ ${r.failure.code}${r.failure.path ? ` at ${safe(r.failure.path, 200)}` : ''}`)));
    out.push(`  ${safe(r.failure.message, HUMAN_MAX * 4)}`);
    out.push(`  ${style.warn('→')} ${r.failure.hint}`);
  }
  return `${out.join('\n')}\n`;
}
