/**
 * Algorithm and transform allow-lists. Each test starts from a document that verifies, changes exactly
 * one algorithm/transform, and — where the result can be signed at all — re-signs SignedInfo with the
 * TRUSTED key, so only the allow-list can be what rejects it.
 */
import { sign as cryptoSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Element } from '@xmldom/xmldom';
import { C14N } from '../../src/c14n/index.js';
import { loadKeyPair } from '../../fixtures/index.js';
import { digestAlgorithmUri, signatureAlgorithmUri } from '../../fixtures/signer.js';
import { setText } from '../../fixtures/mutate.js';
import {
  canonicalSignedInfo,
  dsChildren,
  dsElement,
  edit,
  expectCode,
  hmacSign,
  NS,
  redigest,
  resign,
  signDoc,
  trusted,
  verifyDoc,
  type SigParts,
} from '../dsig/helpers.js';

const ENVELOPED = NS.ds + 'enveloped-signature';
const XPATH = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
const XPATH_FILTER2 = 'http://www.w3.org/2002/06/xmldsig-filter2';
const XSLT = 'http://www.w3.org/TR/1999/REC-xslt-19991116';
const BASE64 = 'http://www.w3.org/2000/09/xmldsig#base64';
const DECRYPT = 'http://www.w3.org/2002/07/decrypt#XML';

const valid = signDoc();

const transformsOf = (p: SigParts): Element[] => dsChildren(p.transforms, 'Transform');

function transform(p: SigParts, algorithm: string, body?: (t: Element) => void): Element {
  const t = dsElement(p.doc, 'Transform', { Algorithm: algorithm });
  body?.(t);
  return t;
}

describe('algorithms: baseline', () => {
  it('the unmodified document verifies, and so does a re-signed identical SignedInfo', () => {
    verifyDoc(valid);
    verifyDoc(edit(valid, (p) => resign(p)));
  });
});

describe('SignatureMethod allow-list → ALGORITHM_NOT_ALLOWED', () => {
  const certDer = loadKeyPair('rsa2048').certificate.raw;

  it.each([
    ['hmac-sha1', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1', 'sha1'],
    ['hmac-sha256', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256', 'sha256'],
  ] as const)('%s keyed with the public certificate (key confusion)', (_name, uri, hash) => {
    for (const secret of [certDer, loadKeyPair('rsa2048').certificatePem]) {
      const xml = edit(valid, (p) => {
        p.signatureMethod.setAttribute('Algorithm', uri);
        hmacSign(p, hash, secret);
      });
      expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
      expectCode(() => verifyDoc(xml, { policy: { allowSha1: true, minRsaKeyBits: 1024, allowEmptyReferenceUri: true } }), 'ALGORITHM_NOT_ALLOWED');
    }
  });

  it('hmac-sha1 with a truncating HMACOutputLength child → ALGORITHM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.signatureMethod.setAttribute('Algorithm', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1');
      const len = dsElement(p.doc, 'HMACOutputLength');
      len.appendChild(p.doc.createTextNode('0'));
      p.signatureMethod.appendChild(len);
      hmacSign(p, 'sha1', certDer);
    });
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
  });

  it.each([
    ['dsa-sha1', 'http://www.w3.org/2000/09/xmldsig#dsa-sha1'],
    ['dsa-sha256', 'http://www.w3.org/2009/xmldsig11#dsa-sha256'],
    ['rsa-md5', 'http://www.w3.org/2001/04/xmldsig-more#rsa-md5'],
    ['rsa-ripemd160', 'http://www.w3.org/2001/04/xmldsig-more#rsa-ripemd160'],
    ['rsa-pss (MGF1)', 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1'],
    ['rsa-sha224', 'http://www.w3.org/2007/05/xmldsig-more#rsa-sha224'],
    ['case-changed rsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#RSA-SHA256'],
    ['rsa-sha256 with trailing space', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256 '],
    ['unknown', 'urn:attacker:none'],
  ])('%s', (_name, uri) => {
    const xml = edit(valid, (p) => p.signatureMethod.setAttribute('Algorithm', uri));
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
  });
});

describe('SHA-1 needs allowSha1', () => {
  it('RSA-SHA1 signature → ALGORITHM_NOT_ALLOWED; verifies with { allowSha1: true }', () => {
    const xml = signDoc({ signatureAlgorithm: 'rsa-sha1' });
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
    expect(verifyDoc(xml, { policy: { allowSha1: true } }).algorithms.signature).toBe(signatureAlgorithmUri('rsa-sha1'));
  });

  it('SHA-1 digest → ALGORITHM_NOT_ALLOWED; verifies with { allowSha1: true }', () => {
    const xml = signDoc({ digestAlgorithm: 'sha1' });
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
    expect(verifyDoc(xml, { policy: { allowSha1: true } }).algorithms.digest).toBe(digestAlgorithmUri('sha1'));
  });

  it('RSA-SHA1 + SHA-1 digest → ALGORITHM_NOT_ALLOWED; verifies with { allowSha1: true }', () => {
    const xml = signDoc({ signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
    expectCode(() => verifyDoc(xml, { policy: { allowSha1: false } }), 'ALGORITHM_NOT_ALLOWED');
    verifyDoc(xml, { policy: { allowSha1: true } });
  });

  it('ECDSA-SHA1 → ALGORITHM_NOT_ALLOWED; verifies with { allowSha1: true }', () => {
    const xml = edit(signDoc({ keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' }), (p) => {
      p.signatureMethod.setAttribute('Algorithm', 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1');
      resign(p, 'ec-p256');
    });
    expectCode(() => verifyDoc(xml, { keys: trusted('ec-p256') }), 'ALGORITHM_NOT_ALLOWED');
    verifyDoc(xml, { keys: trusted('ec-p256'), policy: { allowSha1: true } });
  });
});

describe('ECDSA SignatureValue encoding', () => {
  it('an ECDSA signature in ASN.1 DER form instead of raw r||s (RFC 4051) → SIGNATURE_INVALID', () => {
    const valid = signDoc({ keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' });
    verifyDoc(valid, { keys: trusted('ec-p256') });
    const xml = edit(valid, (p) => {
      const der = cryptoSign('sha256', Buffer.from(canonicalSignedInfo(p.signedInfo), 'utf8'), { key: loadKeyPair('ec-p256').privateKey, dsaEncoding: 'der' });
      setText(p.signatureValue, der.toString('base64'));
    });
    expectCode(() => verifyDoc(xml, { keys: trusted('ec-p256') }), 'SIGNATURE_INVALID');
  });
});

describe('DigestMethod allow-list → ALGORITHM_NOT_ALLOWED', () => {
  it.each([
    ['md5', 'http://www.w3.org/2001/04/xmldsig-more#md5'],
    ['sha224', 'http://www.w3.org/2001/04/xmldsig-more#sha224'],
    ['ripemd160', 'http://www.w3.org/2001/04/xmlenc#ripemd160'],
    ['sha3-256', 'http://www.w3.org/2007/05/xmldsig-more#sha3-256'],
    ['unknown', 'urn:attacker:identity'],
  ])('%s (re-signed with the trusted key)', (_name, uri) => {
    const xml = edit(valid, (p) => {
      p.digestMethod.setAttribute('Algorithm', uri);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
  });
});

describe('CanonicalizationMethod allow-list → ALGORITHM_NOT_ALLOWED', () => {
  it.each([
    ['unknown', 'http://www.w3.org/2001/10/xml-exc-c14n#bogus'],
    ['c14n 2.0', 'http://www.w3.org/2010/xml-c14n2'],
    ['XSLT as c14n', XSLT],
    ['enveloped-signature as c14n', ENVELOPED],
    ['case-changed exclusive', 'http://www.w3.org/2001/10/XML-EXC-C14N#'],
    ['exclusive with trailing space', 'http://www.w3.org/2001/10/xml-exc-c14n# '],
  ])('%s', (_name, uri) => {
    const xml = edit(valid, (p) => p.c14nMethod.setAttribute('Algorithm', uri));
    expectCode(() => verifyDoc(xml), 'ALGORITHM_NOT_ALLOWED');
  });

  it.each([
    ['inclusive 1.0', C14N.C14N10],
    ['inclusive 1.1', C14N.C14N11],
    ['exclusive with comments', C14N.EXC_WITH_COMMENTS],
  ])('switching SignedInfo to another ALLOWED c14n (%s) and re-signing verifies', (_name, uri) => {
    verifyDoc(
      edit(valid, (p) => {
        p.c14nMethod.setAttribute('Algorithm', uri);
        resign(p);
      }),
    );
  });
});

describe('Transforms allow-list → TRANSFORM_NOT_ALLOWED', () => {
  it.each([
    ['XPath', XPATH],
    ['XPath Filter 2.0', XPATH_FILTER2],
    ['XSLT', XSLT],
    ['Base64', BASE64],
    ['Decryption transform', DECRYPT],
    ['unknown c14n', 'http://www.w3.org/2001/10/xml-exc-c14n#bogus'],
    ['unknown', 'urn:attacker:transform'],
  ])('%s in place of the canonicalization transform (re-signed with the trusted key)', (_name, uri) => {
    const xml = edit(valid, (p) => {
      const [, c14n] = transformsOf(p);
      p.transforms.replaceChild(
        transform(p, uri, (t) => {
          if (uri === XPATH) {
            const xpath = dsElement(p.doc, 'XPath');
            xpath.appendChild(p.doc.createTextNode('not(ancestor-or-self::ds:Signature)'));
            t.appendChild(xpath);
          }
        }),
        c14n!,
      );
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it.each([
    ['XPath', XPATH],
    ['XSLT', XSLT],
    ['Base64', BASE64],
  ])('%s in place of enveloped-signature → TRANSFORM_NOT_ALLOWED', (_name, uri) => {
    const xml = edit(valid, (p) => {
      p.transforms.replaceChild(transform(p, uri), transformsOf(p)[0]!);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('three transforms (enveloped, XPath, c14n) → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.transforms.insertBefore(transform(p, XPATH), transformsOf(p)[1]!);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('three allowed-looking transforms (enveloped, c14n, c14n) → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.transforms.appendChild(transform(p, C14N.EXC));
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('enveloped-signature missing (only c14n) → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.transforms.removeChild(transformsOf(p)[0]!);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('no Transforms element at all → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.reference.removeChild(p.transforms);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('an empty Transforms element → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      for (const t of transformsOf(p)) p.transforms.removeChild(t);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('enveloped-signature listed twice → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.transforms.replaceChild(transform(p, ENVELOPED), transformsOf(p)[1]!);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('canonicalization before enveloped-signature → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      const [env, c14n] = transformsOf(p);
      p.transforms.removeChild(env!);
      p.transforms.insertBefore(env!, null);
      expect(transformsOf(p)[0]).toBe(c14n);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('two canonicalization transforms (no enveloped) → TRANSFORM_NOT_ALLOWED', () => {
    const xml = edit(valid, (p) => {
      p.transforms.replaceChild(transform(p, C14N.C14N10), transformsOf(p)[0]!);
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'TRANSFORM_NOT_ALLOWED');
  });

  it('enveloped-signature with a child element → SIGNATURE_SHAPE_INVALID', () => {
    const xml = edit(valid, (p) => {
      transformsOf(p)[0]!.appendChild(dsElement(p.doc, 'XPath'));
      resign(p);
    });
    expectCode(() => verifyDoc(xml), 'SIGNATURE_SHAPE_INVALID');
  });

  describe('InclusiveNamespaces inside the enveloped-signature transform (as xml-crypto writes it)', () => {
    const EXC_NS = 'http://www.w3.org/2001/10/xml-exc-c14n#';
    const ENV_NS = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
    const withChild = (build: (p: SigParts) => Element | Element[]) =>
      edit(valid, (p) => {
        const env = transformsOf(p)[0]!;
        const made = build(p);
        for (const el of Array.isArray(made) ? made : [made]) env.appendChild(el);
        resign(p);
      });
    const inclusive = (p: SigParts, ns: string, attrs: Record<string, string> = { PrefixList: 'xs' }) => {
      const el = p.doc.createElementNS(ns, 'InclusiveNamespaces');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      return el;
    };

    it('in the transform\'s own namespace (xml-crypto) or the exc-c14n namespace, with only PrefixList: ignored, verifies', () => {
      for (const ns of [ENV_NS, EXC_NS]) {
        const r = verifyDoc(withChild((p) => inclusive(p, ns)));
        expect(r.element.localName).toBe('Assertion');
      }
      // Its PrefixList changes nothing: the digest is still that of the c14n transform's own parameters.
      verifyDoc(withChild((p) => inclusive(p, ENV_NS, { PrefixList: 'xs xsi saml #default' })));
    });

    it('a second InclusiveNamespaces → SIGNATURE_SHAPE_INVALID', () => {
      expectCode(() => verifyDoc(withChild((p) => [inclusive(p, ENV_NS), inclusive(p, ENV_NS)])), 'SIGNATURE_SHAPE_INVALID');
    });

    it('InclusiveNamespaces in any other namespace → SIGNATURE_SHAPE_INVALID', () => {
      for (const ns of [NS.ds, 'urn:evil', 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments']) {
        expectCode(() => verifyDoc(withChild((p) => inclusive(p, ns))), 'SIGNATURE_SHAPE_INVALID');
      }
    });

    it('an attribute besides PrefixList, or a child inside it → SIGNATURE_SHAPE_INVALID', () => {
      expectCode(() => verifyDoc(withChild((p) => inclusive(p, ENV_NS, { PrefixList: 'xs', Extra: '1' }))), 'SIGNATURE_SHAPE_INVALID');
      expectCode(
        () =>
          verifyDoc(
            withChild((p) => {
              const el = inclusive(p, ENV_NS);
              el.appendChild(dsElement(p.doc, 'XPath'));
              return el;
            }),
          ),
        'SIGNATURE_SHAPE_INVALID',
      );
    });

    it('any other element, alone or after an InclusiveNamespaces → SIGNATURE_SHAPE_INVALID', () => {
      expectCode(() => verifyDoc(withChild((p) => p.doc.createElementNS(ENV_NS, 'Other'))), 'SIGNATURE_SHAPE_INVALID');
      expectCode(() => verifyDoc(withChild((p) => [inclusive(p, ENV_NS), dsElement(p.doc, 'XPath')])), 'SIGNATURE_SHAPE_INVALID');
    });

    it('text inside the enveloped transform is still refused', () => {
      expectCode(() => verifyDoc(edit(valid, (p) => { transformsOf(p)[0]!.appendChild(p.doc.createTextNode('x')); resign(p); })), 'SIGNATURE_SHAPE_INVALID');
    });
  });

  it('enveloped-signature alone is allowed: the digest is then Canonical XML 1.0 (re-digested, re-signed → verifies)', () => {
    const xml = edit(valid, (p) => {
      p.transforms.removeChild(transformsOf(p)[1]!);
      redigest(p);
      resign(p);
    });
    const result = verifyDoc(xml);
    expect(result.algorithms.transforms).toEqual([ENVELOPED]);
    // …and the default really is Canonical XML 1.0: an exclusive-c14n digest does not match.
    const wrongDigest = edit(valid, (p) => {
      p.transforms.removeChild(transformsOf(p)[1]!);
      resign(p);
    });
    expectCode(() => verifyDoc(wrongDigest), 'DIGEST_MISMATCH');
  });

  it('each allowed c14n transform verifies when re-digested and re-signed', () => {
    for (const alg of [C14N.EXC, C14N.EXC_WITH_COMMENTS, C14N.C14N10, C14N.C14N10_WITH_COMMENTS, C14N.C14N11, C14N.C14N11_WITH_COMMENTS]) {
      const xml = edit(valid, (p) => {
        transformsOf(p)[1]!.setAttribute('Algorithm', alg);
        redigest(p);
        resign(p);
      });
      expect(verifyDoc(xml).algorithms.transforms).toEqual([ENVELOPED, alg]);
    }
  });
});
