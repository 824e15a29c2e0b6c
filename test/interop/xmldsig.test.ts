/*
 * XML-DSig interop documents from ../shared/interop/xmldsig (W3C "merlin" and xmlsec samples; see
 * ../shared/interop/README.md and xmldsig/cases.json). Three things are checked:
 *
 * 1. Policy: samlguard's verifySignedElement refuses every one of them, with a SamlGuardError whose code
 *    is recorded below. "as-is" = the element a SAML verifier would be handed (the parent of an enveloped
 *    ds:Signature; for an enveloping signature, the document element, which carries no enveloped
 *    signature). "normalised" = the same signature made to look enveloped (a root Signature is wrapped in
 *    an element, and ds:Object / Manifest siblings are moved out of it), so the deeper rules are reached;
 *    run with the default policy, with allowSha1, and with allowSha1 + allowEmptyReferenceUri.
 *
 *    | id                                    | as-is                   | normalised: default   | + allowSha1           | + allowEmptyReferenceUri | why                                          |
 *    |---------------------------------------|-------------------------|-----------------------|-----------------------|--------------------------|----------------------------------------------|
 *    | merlin-23-enveloping-rsa              | SIGNATURE_MISSING       | ALGORITHM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED    | RSA-SHA1; enveloping: no enveloped transform |
 *    | merlin-23-enveloping-hmac-sha1        | SIGNATURE_MISSING       | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED    | HMAC is never accepted                       |
 *    | merlin-23-enveloping-hmac-sha1-40     | SIGNATURE_MISSING       | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED    | HMAC (truncated, CVE-2009-0217)              |
 *    | merlin-23-enveloped-dsa               | ALGORITHM_NOT_ALLOWED   | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED    | DSA is not on the allow-list                 |
 *    | merlin-23-x509-crt                    | SIGNATURE_MISSING       | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED | ALGORITHM_NOT_ALLOWED    | DSA (refused before its external reference)  |
 *    | merlin-23-complex                     | SIGNATURE_SHAPE_INVALID | REFERENCE_INVALID     | REFERENCE_INVALID     | REFERENCE_INVALID        | ds:Object inside; 18 References (1 allowed)  |
 *    | merlin-exc-c14n-one                   | SIGNATURE_SHAPE_INVALID | REFERENCE_INVALID     | REFERENCE_INVALID     | REFERENCE_INVALID        | ds:Object inside; 4 References               |
 *    | xmlsec-enveloped-sha1-rsa-sha1-xpath  | ALGORITHM_NOT_ALLOWED   | ALGORITHM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED    | RSA-SHA1; URI="" on the root; XPath transform |
 *    | xmlsec-enveloping-sha256-rsa-sha256   | SIGNATURE_MISSING       | TRANSFORM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED    | enveloping: no enveloped transform           |
 *    | xmlsec-enveloping-sha512-rsa-sha512   | SIGNATURE_MISSING       | TRANSFORM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED | TRANSFORM_NOT_ALLOWED    | enveloping: no enveloped transform           |
 *
 *    merlin-23-complex carries a DOCTYPE: samlguard's parser refuses it (XML_FORBIDDEN_CONSTRUCT), so its
 *    "as-is" check runs on an @xmldom/xmldom DOM (every check before reference resolution is DOM-agnostic)
 *    and its "normalised" form is re-parsed without the DOCTYPE. Key material: the HMAC secret and the
 *    DSA certificate cannot even be configured (CONFIG_INVALID).
 *
 * 2. Canonicalization: the shipped intermediate octets (`*c14n*.txt`) of SignedInfo and of every reference
 *    whose node-set is an element subtree (plus the whole-document "" / #xpointer(/) references) are
 *    reproduced byte-exactly by src/c14n. Files whose content is the output of XPath, Base64 or an XPath
 *    node-set are not c14n of a subtree and are listed as skipped in INTERMEDIATES.
 *
 * 3. Ground truth: every such same-document reference's DigestValue matches the digest of samlguard's
 *    canonical octets, and every RSA SignatureValue verifies over samlguard's canonical SignedInfo with the
 *    shipped key (which covers the documents that ship no intermediate files).
 */
import { createHash, createPublicKey, createSecretKey, verify as cryptoVerify } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { C14N, canonicalize, canonicalizeDocument, type C14nAlgorithm } from '../../src/c14n/index.js';
import { importTrustedKeys, parseXml, SamlGuardError, verifySignedElement, type DsigPolicy, type ErrorCode } from '../../src/index.js';
import { corpusPresent, interopPath } from './corpus.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
const EC = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const ROOT = interopPath('xmldsig');

interface DsigCase {
  id: string;
  files: string[];
  key: string | null;
  expected: string;
  signatures: { signatureMethod: string; references: { uri: string; transforms: string[]; digestMethod: string }[] }[];
}

type Codes = { asIs: ErrorCode; normalised: [ErrorCode, ErrorCode, ErrorCode] };

const POLICY: Record<string, Codes> = {
  'merlin-23-enveloping-rsa': { asIs: 'SIGNATURE_MISSING', normalised: ['ALGORITHM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED'] },
  'merlin-23-enveloping-hmac-sha1': { asIs: 'SIGNATURE_MISSING', normalised: ['ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED'] },
  'merlin-23-enveloping-hmac-sha1-40': { asIs: 'SIGNATURE_MISSING', normalised: ['ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED'] },
  'merlin-23-enveloped-dsa': { asIs: 'ALGORITHM_NOT_ALLOWED', normalised: ['ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED'] },
  'merlin-23-x509-crt': { asIs: 'SIGNATURE_MISSING', normalised: ['ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED', 'ALGORITHM_NOT_ALLOWED'] },
  'merlin-23-complex': { asIs: 'SIGNATURE_SHAPE_INVALID', normalised: ['REFERENCE_INVALID', 'REFERENCE_INVALID', 'REFERENCE_INVALID'] },
  'merlin-exc-c14n-one': { asIs: 'SIGNATURE_SHAPE_INVALID', normalised: ['REFERENCE_INVALID', 'REFERENCE_INVALID', 'REFERENCE_INVALID'] },
  'xmlsec-enveloped-sha1-rsa-sha1-xpath': { asIs: 'ALGORITHM_NOT_ALLOWED', normalised: ['ALGORITHM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED'] },
  'xmlsec-enveloping-sha256-rsa-sha256': { asIs: 'SIGNATURE_MISSING', normalised: ['TRANSFORM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED'] },
  'xmlsec-enveloping-sha512-rsa-sha512': { asIs: 'SIGNATURE_MISSING', normalised: ['TRANSFORM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED', 'TRANSFORM_NOT_ALLOWED'] },
};

const POLICIES: [string, DsigPolicy][] = [
  ['default policy', {}],
  ['allowSha1', { allowSha1: true }],
  ['allowSha1 + allowEmptyReferenceUri', { allowSha1: true, allowEmptyReferenceUri: true }],
];

/** Which Reference (or SignedInfo) each intermediate file is the canonical form of. */
type Target = 'SignedInfo' | { ref: number } | { manifestRef: number } | { element: string; algorithm: C14nAlgorithm } | { skip: string };

// Files of the simple documents follow reference order, SignedInfo last (checked below). merlin-23-complex
// dumps them in processing order, so it is mapped by hand (ref = index in the top-level SignedInfo;
// manifestRef = index in ds:Manifest Id="manifest-1").
const COMPLEX: Record<number, Target> = {
  0: { skip: 'output of the XPath (#object-1) / Base64 (#object-2) transforms: octets, not a node-set' },
  1: { ref: 6 }, // #signature-properties-1
  2: { ref: 11 }, // #object-3
  3: { ref: 12 }, // #object-3 + WithComments (a bare-name URI drops comments anyway)
  4: { ref: 13 }, // #xpointer(id('object-3')), no transform
  5: { ref: 14 }, // #xpointer(id('object-3')) + WithComments (comments kept)
  6: { ref: 16 }, // #manifest-reference-1
  // Manifest reference #2 (#notaries, Id declared by the DTD) feeds XSLT, which needs octets: the node-set is
  // converted with Canonical XML 1.0 first. This file is that conversion.
  7: { element: 'notaries', algorithm: C14N.C14N10 },
  8: { ref: 17 }, // #reference-1
  9: { manifestRef: 1 }, // #reference-1
  10: { ref: 5 }, // #manifest-1
  11: { ref: 15 }, // #reference-2
  12: { ref: 10 }, // #xpointer(/) + enveloped + WithComments (document, comments kept)
  13: { ref: 7 }, // "" + enveloped
  14: { ref: 8 }, // "" + enveloped + WithComments (comments dropped by "")
  15: { ref: 9 }, // #xpointer(/) + enveloped
  16: { skip: 'XPath-filtered node-set of reference 3 (SignedInfo minus a Reference, plus Notaries)' },
  17: 'SignedInfo',
};

// ---- reading documents ----

function hasDoctype(text: string): boolean {
  return /<!DOCTYPE/.test(text);
}

/** samlguard's parser (the product path) unless the document has a DOCTYPE, which it refuses by design. */
function parseForC14n(text: string): Document {
  if (!hasDoctype(text)) return parseXml(text).document;
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level, msg) => void (level !== 'warning' && errors.push(msg)) }).parseFromString(text, 'text/xml');
  if (errors.length > 0) throw new Error(`xmldom: ${errors.join('; ')}`);
  return doc;
}

function elements(root: Document | Element): Element[] {
  const out: Element[] = [];
  const walk = (n: Document | Element): void => {
    for (let c = n.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 1) {
        out.push(c as Element);
        walk(c as Element);
      }
    }
  };
  walk(root);
  return out;
}

function childrenDs(el: Element, local: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === DS && (c as Element).localName === local) out.push(c as Element);
  }
  return out;
}

function only(list: Element[], what: string): Element {
  expect(list, what).toHaveLength(1);
  return list[0]!;
}

const topSignature = (doc: Document): Element => elements(doc).find((e) => e.namespaceURI === DS && e.localName === 'Signature')!;
const signedInfoOf = (sig: Element): Element => only(childrenDs(sig, 'SignedInfo'), 'SignedInfo');
const referencesOf = (container: Element): Element[] => childrenDs(container, 'Reference');

function byId(doc: Document, id: string): Element | undefined {
  return elements(doc).find((e) => e.getAttribute('Id') === id || e.getAttribute('ID') === id || e.getAttribute('id') === id);
}

function prefixListOf(el: Element): string[] | undefined {
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).namespaceURI === EC && (c as Element).localName === 'InclusiveNamespaces') {
      return ((c as Element).getAttribute('PrefixList') ?? '').split(/\s+/).filter((p) => p !== '');
    }
  }
  return undefined;
}

const isC14n = (uri: string): uri is C14nAlgorithm => (Object.values(C14N) as string[]).includes(uri);
const withoutComments = (a: C14nAlgorithm): C14nAlgorithm =>
  a === C14N.EXC_WITH_COMMENTS ? C14N.EXC : a === C14N.C14N10_WITH_COMMENTS ? C14N.C14N10 : a === C14N.C14N11_WITH_COMMENTS ? C14N.C14N11 : a;

/**
 * The canonical octets a same-document Reference digests, when its node-set is an element subtree
 * ("#id", "#xpointer(id('id'))") or the whole document ("", "#xpointer(/)") and its transforms are only
 * enveloped-signature and one canonicalization. Otherwise undefined (XPath, Base64, XSLT, external URI).
 */
function referenceOctets(doc: Document, reference: Element): { text: string; kind: 'element' | 'document' } | undefined {
  const uri = reference.getAttribute('URI') ?? '';
  const transforms = childrenDs(reference, 'Transforms').flatMap((t) => childrenDs(t, 'Transform'));
  let algorithm: C14nAlgorithm = C14N.C14N10; // XML-DSig: a node-set left at the end is converted with Canonical XML 1.0
  let prefixes: string[] | undefined;
  let exclude: Element | undefined;
  for (const t of transforms) {
    const a = t.getAttribute('Algorithm') ?? '';
    if (a === ENVELOPED) {
      let s: Element | null = reference;
      while (s !== null && !(s.namespaceURI === DS && s.localName === 'Signature')) s = s.parentNode as Element | null;
      exclude = s ?? undefined;
    } else if (isC14n(a)) {
      algorithm = a;
      prefixes = prefixListOf(t);
    } else {
      return undefined;
    }
  }
  // XPointer URIs keep comments; "" and bare names drop them (XML-DSig §4.3.3.3).
  const xpointer = uri.startsWith('#xpointer(');
  if (!xpointer) algorithm = withoutComments(algorithm);
  if (uri === '' || uri === '#xpointer(/)') {
    return { text: canonicalizeDocument(doc, algorithm, { exclude: exclude ?? null, inclusivePrefixes: prefixes }), kind: 'document' };
  }
  const m = /^#xpointer\(id\('([^']+)'\)\)$/.exec(uri) ?? /^#([^()]+)$/.exec(uri);
  if (!m) return undefined;
  const el = byId(doc, m[1]!);
  if (el === undefined) return undefined;
  return { text: canonicalize(el, algorithm, { exclude: exclude ?? null, inclusivePrefixes: prefixes }), kind: 'element' };
}

function signedInfoOctets(signedInfo: Element): string {
  const method = only(childrenDs(signedInfo, 'CanonicalizationMethod'), 'CanonicalizationMethod');
  const algorithm = method.getAttribute('Algorithm') ?? '';
  if (!isC14n(algorithm)) throw new Error(`unexpected SignedInfo c14n ${algorithm}`);
  return canonicalize(signedInfo, algorithm, { inclusivePrefixes: prefixListOf(method) });
}

const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const RSA_HASH: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'sha1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
};

// ---- the "normalised" (enveloped-looking) form, for the policy table ----

function normalised(text: string): Element {
  const doc = new DOMParser().parseFromString(text, 'text/xml');
  const sig = topSignature(doc);
  if (sig.parentNode === doc) {
    const wrapper = doc.createElementNS(null, 'Wrapper');
    doc.replaceChild(wrapper, sig);
    wrapper.appendChild(sig);
  }
  const host = sig.parentNode as Element;
  const kids = elements(sig).filter((e) => e.parentNode === sig);
  for (const k of kids.slice(2)) {
    if (k.localName !== 'KeyInfo') host.appendChild(sig.removeChild(k));
  }
  const xml = new XMLSerializer().serializeToString(doc).replace(/<!DOCTYPE[\s\S]*?\]>/, '');
  return topSignature(parseXml(xml).document).parentNode as Element;
}

function codeOf(fn: () => unknown): ErrorCode | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(SamlGuardError);
    return (err as SamlGuardError).code;
  }
}

if (corpusPresent(ROOT, 'interop xmldsig')) {
  const cases = (JSON.parse(readFileSync(join(ROOT, 'cases.json'), 'utf8')) as { cases: DsigCase[] }).cases;
  // Any trusted key will do for the policy checks: every one of these documents is refused before a key is used.
  const anyKeys = importTrustedKeys([loadKeyPair('rsa2048').certificatePem]);

  describe('interop xmldsig', () => {
    it('every case has a recorded policy outcome', () => {
      expect(cases.map((c) => c.id).sort()).toEqual(Object.keys(POLICY).sort());
    });

    describe.each(cases)('$id', (c) => {
      const text = readFileSync(join(ROOT, c.files[0]!), 'utf8');
      const codes = POLICY[c.id]!;

      describe('policy: refused with the recorded SamlGuardError code', () => {
        it(`as-is → ${codes.asIs}`, () => {
          let doc: Document;
          if (hasDoctype(text)) {
            expect(codeOf(() => parseXml(text))).toBe('XML_FORBIDDEN_CONSTRUCT');
            doc = parseForC14n(text);
          } else {
            doc = parseXml(text).document;
          }
          const sig = topSignature(doc);
          const element = sig.parentNode !== null && sig.parentNode.nodeType === 1 ? (sig.parentNode as Element) : doc.documentElement!;
          expect(codeOf(() => verifySignedElement(element, anyKeys, {}))).toBe(codes.asIs);
        });

        it.each(POLICIES.map(([name, policy], i) => [name, codes.normalised[i]!, policy] as const))('normalised, %s → %s', (_name, code, policy) => {
          const element = normalised(text);
          expect(codeOf(() => verifySignedElement(element, anyKeys, policy))).toBe(code);
        });
      });

      if (c.key !== null) {
        const keyPath = join(ROOT, c.key);
        const keyText = readFileSync(keyPath, 'utf8');
        if (/hmac/.test(c.key)) {
          it('the HMAC secret cannot be configured as a key (CONFIG_INVALID), as text, bytes or a secret KeyObject', () => {
            expect(codeOf(() => importTrustedKeys([keyText]))).toBe('CONFIG_INVALID');
            expect(codeOf(() => importTrustedKeys([Buffer.from(keyText)]))).toBe('CONFIG_INVALID');
            expect(codeOf(() => importTrustedKeys([createSecretKey(Buffer.from(keyText))]))).toBe('CONFIG_INVALID');
          });
        } else if (createPublicKey(keyText).asymmetricKeyType === 'dsa') {
          it('the DSA certificate cannot be configured as a key (CONFIG_INVALID)', () => {
            expect(codeOf(() => importTrustedKeys([keyText]))).toBe('CONFIG_INVALID');
          });
        } else {
          it('the RSA SignatureValue verifies over samlguard\'s canonical SignedInfo with the shipped key', () => {
            const doc = parseForC14n(text);
            const sig = topSignature(doc);
            const signedInfo = signedInfoOf(sig);
            const method = only(childrenDs(signedInfo, 'SignatureMethod'), 'SignatureMethod').getAttribute('Algorithm')!;
            const hash = RSA_HASH[method];
            expect(hash, method).toBeDefined();
            const value = Buffer.from((only(childrenDs(sig, 'SignatureValue'), 'SignatureValue').textContent ?? '').replace(/\s+/g, ''), 'base64');
            expect(cryptoVerify(hash!, Buffer.from(signedInfoOctets(signedInfo), 'utf8'), createPublicKey(keyText), value)).toBe(true);
            // The key itself is acceptable configuration (an RSA public key / certificate).
            expect(importTrustedKeys([keyText])).toHaveLength(1);
          });
        }
      }

      it('DigestValue of every computable same-document reference matches samlguard\'s canonical octets', () => {
        const doc = parseForC14n(text);
        const refs = elements(doc).filter((e) => e.namespaceURI === DS && e.localName === 'Reference');
        let checked = 0;
        for (const ref of refs) {
          const octets = referenceOctets(doc, ref);
          if (octets === undefined) continue;
          const digestMethod = only(childrenDs(ref, 'DigestMethod'), 'DigestMethod').getAttribute('Algorithm')!;
          const digest = createHash(DIGESTS[digestMethod]!).update(octets.text, 'utf8').digest('base64');
          const expected = (only(childrenDs(ref, 'DigestValue'), 'DigestValue').textContent ?? '').replace(/\s+/g, '');
          expect(digest, `Reference URI="${ref.getAttribute('URI')}"`).toBe(expected);
          checked++;
        }
        // Per cases.json: references with a same-document URI and only enveloped/c14n transforms (Manifest
        // references included in `checked`, so at least that many).
        const computable = c.signatures
          .flatMap((s) => s.references)
          .filter((r) => !/^https?:/.test(r.uri) && r.transforms.every((t) => t === ENVELOPED || isC14n(t)));
        expect(checked).toBeGreaterThanOrEqual(computable.length);
      });

      const dir = join(ROOT, c.id);
      const intermediates = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => /c14n.*\.txt$/.test(f))
            .sort((a, b) => Number(/(\d+)\.txt$/.exec(a)![1]) - Number(/(\d+)\.txt$/.exec(b)![1]))
        : [];
      if (intermediates.length > 0) {
        describe('intermediate canonical octets reproduced byte-exactly', () => {
          // The number of top-level References, read at collection time (for the mapping and the labels).
          const refCount = referencesOf(signedInfoOf(topSignature(parseForC14n(text)))).length;
          const targetOf = (i: number): Target => {
            if (c.id === 'merlin-23-complex') return COMPLEX[i] ?? { skip: 'unmapped' };
            return i < refCount ? { ref: i } : 'SignedInfo';
          };

          it('the file → reference mapping is complete', () => {
            if (c.id === 'merlin-23-complex') expect(Object.keys(COMPLEX)).toHaveLength(intermediates.length);
            else expect(intermediates).toHaveLength(refCount + 1);
          });

          for (const [i, file] of intermediates.entries()) {
            const target = targetOf(i);
            const label =
              typeof target === 'string'
                ? target
                : 'skip' in target
                  ? `skipped: ${target.skip}`
                  : 'ref' in target
                    ? `Reference #${target.ref} URI="${c.signatures[0]!.references[target.ref]!.uri}"`
                    : 'manifestRef' in target
                      ? `Manifest Reference #${target.manifestRef}`
                      : `#${target.element} subtree`;
            const run = typeof target === 'object' && 'skip' in target ? it.skip : it;
            run(`${file} (${label})`, () => {
              const doc = parseForC14n(text);
              const sig = topSignature(doc);
              const signedInfo = signedInfoOf(sig);
              const refs = referencesOf(signedInfo);
              let output: string;
              if (target === 'SignedInfo') {
                output = signedInfoOctets(signedInfo);
              } else if (typeof target === 'object' && 'ref' in target) {
                const r = referenceOctets(doc, refs[target.ref]!);
                expect(r, `reference ${target.ref} must be computable`).toBeDefined();
                output = r!.text;
              } else if (typeof target === 'object' && 'manifestRef' in target) {
                const manifest = byId(doc, 'manifest-1')!;
                const r = referenceOctets(doc, referencesOf(manifest)[target.manifestRef]!);
                expect(r).toBeDefined();
                output = r!.text;
              } else if (typeof target === 'object' && 'element' in target) {
                const el = byId(doc, target.element);
                expect(el).toBeDefined();
                output = canonicalize(el!, target.algorithm);
              } else {
                return;
              }
              const expected = readFileSync(join(dir, file));
              expect(output).toBe(expected.toString('utf8'));
              expect(Buffer.compare(Buffer.from(output, 'utf8'), expected)).toBe(0);
            });
          }
        });
      }
    });
  });
}
