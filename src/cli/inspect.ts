import { SamlGuardError } from '../errors.js';
import { onePositional, parseCommand, reportUsageError } from './args.js';
import { readFacts, type AssertionFacts, type DocumentFacts, type Instant, type SignatureFacts } from './facts.js';
import { INSPECT_HELP } from './help.js';
import { parseNowFlag } from './config.js';
import { inputHint } from './hints.js';
import { readSource, toSamlInput, type InputFormat } from './input.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { algorithmName, bounded, colorEnabled, jsonStringify, makeStyle, rows, safe, size, when, type Style } from './text.js';

const INSPECT_OPTIONS = {
  now: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const UNVERIFIED = 'UNVERIFIED — decoded only: no signature, issuer, audience or time below has been checked. Do not trust any of it.';

const FORMAT: Record<InputFormat, string> = { xml: 'XML', base64: 'base64 → XML', form: 'form body → SAMLResponse → XML', 'url-encoded': 'URL-encoded base64 → XML' };

const short = (uri: string | undefined): string => (uri === undefined ? '(none)' : safe(uri.slice(uri.lastIndexOf(':') + 1), 80));

function at(i: Instant | undefined, now: number): string {
  if (i === undefined) return '(none)';
  return i.ms === undefined ? `${safe(i.value, 60)} (not a valid xs:dateTime)` : when(i.ms, now);
}

function referencePhrase(sig: SignatureFacts): string {
  return sig.references
    .map((r) => {
      const uri = r.uri === undefined ? '(no URI)' : `"${safe(r.uri, 80)}"`;
      switch (r.target) {
        case 'self':
          return `${uri} → the ${safe(sig.signedElement, 40)} itself`;
        case 'document':
          return `${uri} → the whole document`;
        case 'other':
          return `${uri} → ${safe(r.targetPath ?? '?', 120)}, NOT the element carrying the signature`;
        case 'missing':
          return `${uri} → no element with that ID`;
        default:
          return `${uri} (not a same-document reference)`;
      }
    })
    .join('; ');
}

function signatureLines(sig: SignatureFacts, now: number): Array<[string, string | string[]]> {
  const entries: Array<[string, string | string[]]> = [
    ['on', `${safe(sig.signedElement, 60)} (${safe(sig.signedPath, 200)})`],
    ['reference', sig.references.length === 0 ? '(none)' : referencePhrase(sig)],
    [
      'algorithms',
      `${algorithmName(sig.signatureMethod)} · digest ${sig.references.map((r) => algorithmName(r.digestMethod)).join(', ') || '(none)'} · c14n ${algorithmName(sig.canonicalization)}`,
    ],
    ['transforms', sig.references.flatMap((r) => r.transforms.map(algorithmName)).join(', ') || '(none)'],
  ];
  if (sig.certificates.length === 0) entries.push(['KeyInfo', 'no X509Certificate']);
  for (const c of sig.certificates.slice(0, 3)) {
    if (c.unparseable === true) {
      entries.push(['certificate', 'not a parseable X.509 certificate']);
      continue;
    }
    const expired = c.validTo !== undefined && Date.parse(c.validTo) < now ? ' (expired)' : c.validFrom !== undefined && Date.parse(c.validFrom) > now ? ' (not yet valid)' : '';
    entries.push([
      'certificate',
      [safe(c.subject ?? '(no subject)'), `SHA-256 ${c.fingerprint ?? '?'}`, `valid ${c.validFrom ?? '?'} → ${c.validTo ?? '?'}${expired}`, `${c.key ?? '?'} · issuer ${safe(c.issuer ?? '?')}${c.issuer === c.subject ? ' (self-signed)' : ''}`],
    ]);
  }
  return entries;
}

function assertionEntries(a: AssertionFacts, now: number): Array<[string, string | string[]]> {
  const entries: Array<[string, string | string[]]> = [
    ['ID', safe(a.id ?? '(none)', 120)],
    ['IssueInstant', at(a.issueInstant, now)],
    ['Issuer', safe(a.issuer ?? '(none)')],
    ['signed', a.signed ? 'yes (its own ds:Signature)' : 'no own signature'],
    ['NameID', a.nameId !== undefined ? `${safe(a.nameId)}${a.nameIdFormat ? ` (${short(a.nameIdFormat)})` : ''}` : a.encryptedId ? '(EncryptedID)' : '(none)'],
  ];
  for (const c of a.confirmations.slice(0, 5)) {
    entries.push([
      'confirmation',
      c.hasData
        ? `${short(c.method)} · Recipient ${safe(c.recipient ?? '(none)')} · NotOnOrAfter ${at(c.notOnOrAfter, now)}${c.inResponseTo !== undefined ? ` · InResponseTo ${safe(c.inResponseTo, 80)}` : ''}${c.notBefore !== undefined ? ` · NotBefore ${at(c.notBefore, now)}` : ''}`
        : `${short(c.method)} · no SubjectConfirmationData`,
    ]);
  }
  const cond = a.conditions;
  if (cond === undefined) entries.push(['Conditions', '(none)']);
  else {
    entries.push(['NotBefore', at(cond.notBefore, now)], ['NotOnOrAfter', at(cond.notOnOrAfter, now)]);
    entries.push(['Audience', cond.audiences.length === 0 ? '(no AudienceRestriction)' : cond.audiences.map((l) => (l.length === 0 ? '(empty restriction)' : l.slice(0, 5).map((x) => safe(x)).join(', ')))]);
    if (cond.others.length > 0) entries.push(['conditions', cond.others.map((o) => safe(o, 60)).join(', ')]);
  }
  for (const st of a.authn.slice(0, 3)) {
    entries.push([
      'AuthnStatement',
      [`AuthnInstant ${at(st.instant, now)}${st.sessionIndex !== undefined ? ` · SessionIndex ${safe(st.sessionIndex, 80)}` : ''}`, `SessionNotOnOrAfter ${at(st.sessionNotOnOrAfter, now)}${st.classRef !== undefined ? ` · ${short(st.classRef)}` : ''}`],
    ]);
  }
  const attrs = a.attributes.slice(0, 50).map((x) => {
    const values = x.values.slice(0, 20).map((v) => safe(v, 120));
    const more = x.valueCount > values.length ? ` (+${x.valueCount - values.length} more)` : '';
    return `${safe(x.name, 120)}${x.friendlyName !== undefined ? ` (${safe(x.friendlyName, 60)})` : ''} = ${values.length === 0 ? '(no value)' : values.join(', ')}${more}`;
  });
  if (a.attributeCount > attrs.length) attrs.push(`(+${a.attributeCount - attrs.length} more attributes; --json shows up to 500)`);
  if (a.encryptedAttributes > 0) attrs.push(`${a.encryptedAttributes} EncryptedAttribute(s)`);
  entries.push(['attributes', attrs.length === 0 ? '(none)' : attrs]);
  return entries;
}

/** Things a reader of an unverified response should not miss. */
function warnings(f: DocumentFacts): string[] {
  const out: string[] = [];
  if (f.root.kind === 'other') out.push(`The root element is <${safe(f.root.name, 80)}>, not a SAML 2.0 Response or Assertion.`);
  if (f.assertionCount > 1) out.push(`${f.assertionCount} Assertion elements: the shape of a signature-wrapping attack (samlguard verify accepts exactly one).`);
  if (f.encryptedAssertions > 0) out.push(`${f.encryptedAssertions} EncryptedAssertion(s): inspect never decrypts (samlguard verify --decryption-key does).`);
  if (f.signatureCount === 0) out.push(f.encryptedAssertions > 0 ? 'No ds:Signature outside the encrypted part (the assertion inside may carry one).' : 'No ds:Signature anywhere: nothing in this document can be trusted.');
  for (const s of f.signatures) {
    if (s.references.some((r) => r.target === 'other' || r.target === 'missing')) out.push(`The signature at ${safe(s.path, 200)} does not reference the element that carries it.`);
  }
  if (f.status?.code !== undefined && !f.status.code.endsWith(':Success')) out.push(`Status is ${short(f.status.code)}${f.status.subCode ? ` / ${short(f.status.subCode)}` : ''}: the IdP reports an error.`);
  return out;
}

function renderInspect(source: string, format: InputFormat, relayState: string | undefined, f: DocumentFacts, now: number, nowGiven: boolean, style: Style): string {
  const out: string[] = [style.warn(style.bold(UNVERIFIED)), ''];
  const top: Array<[string, string | string[]]> = [
    ['input', `${safe(source, 120)} · ${FORMAT[format]}, ${size(f.xmlBytes)} of XML${relayState !== undefined ? ` · RelayState ${safe(relayState, 80)}` : ''}`],
    ['now', `${new Date(now).toISOString()} (${nowGiven ? '--now' : 'system clock'})`],
    ['root', `${safe(f.root.name, 80)}${f.root.namespace ? ` (${safe(f.root.namespace, 100)})` : ''}`],
  ];
  if (f.root.kind === 'response') {
    top.push(
      ['ID', safe(f.root.id ?? '(none)', 120)],
      ['IssueInstant', at(f.root.issueInstant, now)],
      ['Destination', safe(f.root.destination ?? '(none)')],
      ['InResponseTo', f.root.inResponseTo !== undefined ? safe(f.root.inResponseTo, 120) : '(none: IdP-initiated)'],
      ['Issuer', safe(f.root.issuer ?? '(none)')],
      ['Status', f.status ? `${short(f.status.code)}${f.status.subCode ? ` / ${short(f.status.subCode)}` : ''}${f.status.message ? `: ${safe(f.status.message, 200)}` : ''}` : '(none)'],
      ['signed', f.root.signed ? 'yes (its own ds:Signature)' : 'no own signature'],
    );
  }
  out.push(...rows(top, '', 16));
  for (const a of f.assertions.slice(0, 5)) {
    out.push('', style.bold(`Assertion ${safe(a.path, 200)}`));
    out.push(...rows(assertionEntries(a, now), '  ', 16));
  }
  if (f.assertionCount > 5) out.push('', `(+${f.assertionCount - 5} more Assertion elements)`);
  out.push('', style.bold(`Signatures (${f.signatureCount})`));
  if (f.signatureCount === 0) out.push('  (none)');
  for (const s of f.signatures.slice(0, 5)) out.push(...rows(signatureLines(s, now), '  ', 16), '');
  const warn = warnings(f);
  if (warn.length > 0) {
    if (out[out.length - 1] !== '') out.push('');
    out.push(style.bold('Notes'));
    for (const w of warn) out.push(`  ${style.warn('!')} ${w}`);
  }
  const issuer = f.primary?.issuer ?? f.root.issuer;
  if (out[out.length - 1] !== '') out.push('');
  out.push(
    style.dim(`To verify it: samlguard verify ${source === 'stdin' ? '-' : safe(source, 120)} --cert <the IdP's certificate> --entity-id ${issuer !== undefined ? safe(issuer, 120) : '<IdP entityID>'} --audience <YOUR SP entity ID>`),
  );
  return `${out.join('\n')}\n`;
}

/** Facts for --json: every string bounded; certificate DER and SPKI are internal (matching), not output. */
function factsJson(f: DocumentFacts): unknown {
  return JSON.parse(JSON.stringify(f, (key, value: unknown) => (key === 'der' || key === 'spki' ? undefined : typeof value === 'string' ? bounded(value) : value)));
}

/** `samlguard inspect`: decode and show a response without trusting it (the safe offline decoder). */
export async function inspectCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { values, positionals } = parseCommand(argv, INSPECT_OPTIONS, 'inspect');
    if (values['help'] === true) {
      io.stdout.write(INSPECT_HELP);
      return EXIT.OK;
    }
    const nowFlag = parseNowFlag(values['now'] as string | undefined);
    const now = nowFlag ?? Date.now();
    const source = onePositional(positionals, 'inspect');
    const raw = await readSource(source, io);
    let facts: DocumentFacts;
    let format: InputFormat;
    let relayState: string | undefined;
    try {
      const input = toSamlInput(raw.bytes);
      format = input.format;
      relayState = input.relayState;
      facts = readFacts(input.value);
    } catch (err) {
      if (!(err instanceof SamlGuardError)) throw err;
      const hint = inputHint(err.code);
      if (json) io.stdout.write(`${jsonStringify({ verified: false, decoded: false, code: err.code, path: err.path ?? null, message: err.message, hint: hint ?? null })}\n`);
      else io.stdout.write(`${UNVERIFIED}\n\n✘ ${err.code}${err.path ? ` at ${safe(err.path)}` : ''}: ${safe(err.message, 800)}\n${hint !== undefined ? `  → ${hint}\n` : ''}`);
      return EXIT.REJECTED;
    }
    if (json) {
      io.stdout.write(`${jsonStringify({ verified: false, decoded: true, warning: UNVERIFIED, input: { source: bounded(raw.label, 1000), format, ...(relayState === undefined ? {} : { relayState: bounded(relayState, 1000) }) }, now: new Date(now).toISOString(), notes: warnings(facts), ...(factsJson(facts) as object) })}\n`);
    } else {
      io.stdout.write(renderInspect(raw.label, format, relayState, facts, now, nowFlag !== undefined, makeStyle(colorEnabled(io.stdout, io.env))));
    }
    return EXIT.OK;
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(err, 'inspect', json, io);
    throw err;
  }
}
