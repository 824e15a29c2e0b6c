// Accepted documents and the exact shape of the verified result.
// Rule-by-rule rejections live beside this file: envelope.test.ts, claims.test.ts, config.test.ts.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { ISSUED_AT, TEST_IDP, TEST_SP, VALID_NOW } from '../../fixtures/saml.js';
import { createVerifier, verifyAssertion, type VerifiedAssertion } from '../../src/index.js';
import { signXml } from '../../fixtures/signer.js';
import { assertionOf, bareAssertion, first, insert, iso, opts, response, RESPONSE_ID, scdOf } from './helpers.js';

const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA512 = 'http://www.w3.org/2001/04/xmlenc#sha512';
const RSA_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512';
const FINGERPRINT = loadKeyPair('rsa2048').certificate.fingerprint256;

describe('accepted documents', () => {
  it('assertion signed', async () => {
    const r = await verifyAssertion(response({}, { sign: 'assertion' }), opts());
    expect(r.subject.nameId).toBe('alice@example.com');
    expect(r.signature.covered).toBe('assertion');
  });

  it('response signed', async () => {
    const r = await verifyAssertion(response({}, { sign: 'response' }), opts());
    expect(r.subject.nameId).toBe('alice@example.com');
    expect(r.signature.covered).toBe('response');
  });

  it('both signed: covered "both", algorithm and digest of the assertion signature', async () => {
    // Sign the assertion with RSA-SHA512/SHA-512 and the response with the defaults, so "which one is reported" is observable.
    const pair = loadKeyPair('rsa2048');
    const inner = response({}, { sign: 'assertion', signatureAlgorithm: 'rsa-sha512', digestAlgorithm: 'sha512' });
    const xml = signXml(inner, { id: RESPONSE_ID, key: pair.privateKey, certificate: pair.certificatePem });
    const r = await verifyAssertion(xml, opts());
    expect(r.signature).toEqual({ covered: 'both', algorithm: RSA_SHA512, digest: SHA512, certificateFingerprint: FINGERPRINT });
  });

  it('base64 input (HTTP-POST SAMLResponse value) without line breaks', async () => {
    const b64 = Buffer.from(response(), 'utf8').toString('base64');
    expect(b64).not.toMatch(/\s/);
    const r = await verifyAssertion(b64, opts());
    expect(r.subject.nameId).toBe('alice@example.com');
  });

  it('base64 input with CRLF line breaks every 76 characters (and surrounding whitespace)', async () => {
    const b64 = Buffer.from(response(), 'utf8').toString('base64');
    const wrapped = '\r\n' + b64.replace(/(.{76})/g, '$1\r\n') + '\n';
    expect(wrapped).toMatch(/\r\n/);
    const r = await verifyAssertion(wrapped, opts());
    expect(r.subject.nameId).toBe('alice@example.com');
  });

  it('Uint8Array of the XML', async () => {
    const bytes = new TextEncoder().encode(response());
    const r = await verifyAssertion(bytes, opts());
    expect(r.subject.nameId).toBe('alice@example.com');
  });

  it('Uint8Array of the base64 (a sub-view of a larger buffer)', async () => {
    const b64 = Buffer.from(response(), 'utf8').toString('base64');
    const big = new Uint8Array(b64.length + 20);
    big.set(new TextEncoder().encode(b64), 10);
    const view = big.subarray(10, 10 + b64.length);
    const r = await verifyAssertion(view, opts());
    expect(r.subject.nameId).toBe('alice@example.com');
  });

  it('a bare, signed saml:Assertion as the document element', async () => {
    const r = await verifyAssertion(bareAssertion(), opts());
    expect(r.subject.nameId).toBe('alice@example.com');
    expect(r.signature.covered).toBe('assertion');
    expect(r.inResponseTo).toBeUndefined();
  });

  it('ECDSA P-256 (ecdsa-sha256) with the EC certificate configured', async () => {
    const xml = response({}, { keyName: 'ec-p256', signatureAlgorithm: 'ecdsa-sha256' });
    const ec = loadKeyPair('ec-p256');
    const r = await verifyAssertion(xml, opts({ idp: { entityId: TEST_IDP, certificates: [ec.certificatePem] } }));
    expect(r.signature).toEqual({ covered: 'assertion', algorithm: ECDSA_SHA256, digest: SHA256, certificateFingerprint: ec.certificate.fingerprint256 });
  });

  it('prefixes are irrelevant: unusual prefixes for both namespaces, elements matched by namespace URI', async () => {
    const xml = response({}, {
      sign: 'both',
      rewrite: (x) => x.replaceAll('samlp:', 'proto:').replace('xmlns:samlp=', 'xmlns:proto=').replaceAll('saml:', 'a:').replaceAll('xmlns:saml=', 'xmlns:a='),
    });
    expect(xml).toContain('<proto:Response');
    expect(xml).toContain('<a:Assertion');
    expect(xml).not.toMatch(/samlp?:/);
    const r = await verifyAssertion(xml, opts());
    expect(r.signature.covered).toBe('both');
    expect(r.subject.nameId).toBe('alice@example.com');
  });
});

describe('result fields', () => {
  async function full(): Promise<VerifiedAssertion> {
    const xml = response(
      { inResponseTo: '_req-42', attributes: { email: ['alice@example.com', 'alice@corp.example'] } },
      {
        sign: 'both',
        edit: (doc) => {
          const assertion = assertionOf(doc);
          // A second AttributeStatement: merged into `attributes`, FriendlyName in attributeDetails,
          // and an xsi:nil value that must be skipped.
          insert(
            assertion,
            `<saml:AttributeStatement>` +
              `<saml:Attribute Name="email" FriendlyName="mail"><saml:AttributeValue>a.l@example.com</saml:AttributeValue><saml:AttributeValue xsi:nil="true"/></saml:Attribute>` +
              `<saml:Attribute Name="urn:oid:2.5.4.42" FriendlyName="givenName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>Alice</saml:AttributeValue></saml:Attribute>` +
              `<saml:Attribute Name="empty"><saml:AttributeValue xsi:nil="1"/></saml:Attribute>` +
              `</saml:AttributeStatement>`,
          );
          first(doc, 'NameID').setAttribute('NameQualifier', TEST_IDP);
          first(doc, 'NameID').setAttribute('SPNameQualifier', TEST_SP);
        },
      },
    );
    return verifyAssertion(xml, opts({ inResponseTo: '_req-42' }));
  }

  it('identity, times, session and authn context', async () => {
    const r = await full();
    expect(r.id).toBe('_a0b1c2d3e4f5061728394a5b6c7d8e9f');
    expect(r.issuer).toBe(TEST_IDP);
    expect(r.issueInstant).toEqual(new Date(ISSUED_AT));
    expect(r.subject).toEqual({
      nameId: 'alice@example.com',
      format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      nameQualifier: TEST_IDP,
      spNameQualifier: TEST_SP,
    });
    expect(r.audience).toBe(TEST_SP);
    expect(r.notBefore).toEqual(new Date(ISSUED_AT - 5000));
    expect(r.notOnOrAfter).toEqual(new Date(ISSUED_AT + 300_000));
    expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 300_000));
    expect(r.sessionIndex).toBe('_session-1');
    expect(r.sessionNotOnOrAfter).toEqual(new Date(ISSUED_AT + 8 * 3600_000));
    expect(r.authnInstant).toEqual(new Date(ISSUED_AT));
    expect(r.authnContextClassRef).toBe('urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport');
    expect(r.inResponseTo).toBe('_req-42');
    expect(r.oneTimeUse).toBe(false);
    expect(r.signature).toEqual({ covered: 'both', algorithm: RSA_SHA256, digest: SHA256, certificateFingerprint: FINGERPRINT });
  });

  it('attributes: multi-valued, merged across statements, xsi:nil skipped; details keep FriendlyName and NameFormat in order', async () => {
    const r = await full();
    expect({ ...r.attributes }).toEqual({
      email: ['alice@example.com', 'alice@corp.example', 'a.l@example.com'],
      'http://schemas.xmlsoap.org/claims/Group': ['engineering', 'admins'],
      'urn:oid:2.5.4.42': ['Alice'],
      empty: [],
    });
    const unspecified = 'urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified';
    expect(r.attributeDetails).toEqual([
      { name: 'email', nameFormat: unspecified, values: ['alice@example.com', 'alice@corp.example'] },
      { name: 'http://schemas.xmlsoap.org/claims/Group', nameFormat: unspecified, values: ['engineering', 'admins'] },
      { name: 'email', friendlyName: 'mail', values: ['a.l@example.com'] },
      { name: 'urn:oid:2.5.4.42', friendlyName: 'givenName', nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri', values: ['Alice'] },
      { name: 'empty', values: [] },
    ]);
  });

  it('an attribute named __proto__ is plain data, not the prototype', async () => {
    const spec: Record<string, string[]> = {};
    Object.defineProperty(spec, '__proto__', { value: ['x'], enumerable: true, configurable: true, writable: true });
    const r = await verifyAssertion(response({ attributes: spec }), opts());
    expect(Object.getOwnPropertyDescriptor(r.attributes, '__proto__')?.value).toEqual(['x']);
    expect(Array.isArray(Object.getPrototypeOf(r.attributes))).toBe(false);
  });

  it('plain data only: no DOM node, no function; JSON round-trip preserves everything (Dates as ISO strings)', async () => {
    const r = await full();
    const seen: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return;
      if (value instanceof Date) return;
      if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
      expect(typeof value, path).toBe('object');
      const proto = Object.getPrototypeOf(value);
      expect(proto === Object.prototype || proto === null, `${path} is a plain object`).toBe(true);
      for (const [k, v] of Object.entries(value as object)) {
        seen.push(`${path}.${k}`);
        walk(v, `${path}.${k}`);
      }
    };
    walk(r, 'result');
    expect(seen.length).toBeGreaterThan(20);
    // A DOM node would make JSON.stringify throw (cycles) or lose data; a Map or function would not survive.
    const dateKeys = new Set(Object.entries(r).filter(([, v]) => v instanceof Date).map(([k]) => k));
    expect([...dateKeys].sort()).toEqual(['authnInstant', 'expiresAt', 'issueInstant', 'notBefore', 'notOnOrAfter', 'sessionNotOnOrAfter']);
    const revived = JSON.parse(JSON.stringify(r), (k, v: unknown) => (dateKeys.has(k) ? new Date(v as string) : v)) as unknown;
    expect(revived).toEqual(r);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ issueInstant: iso(ISSUED_AT), expiresAt: iso(ISSUED_AT + 300_000) });
  });

  it('optional fields are absent, not undefined-valued, when the document has none', async () => {
    const xml = response(
      { sessionNotOnOrAfter: null },
      {
        edit: (doc) => {
          const st = first(doc, 'AuthnStatement');
          st.parentNode!.removeChild(st);
        },
      },
    );
    const r = await verifyAssertion(xml, opts());
    for (const k of ['sessionIndex', 'sessionNotOnOrAfter', 'authnInstant', 'authnContextClassRef', 'inResponseTo'] as const) {
      expect(Object.prototype.hasOwnProperty.call(r, k), k).toBe(false);
    }
  });

  describe('expiresAt is the earliest bound', () => {
    it('Conditions NotOnOrAfter', async () => {
      const xml = response({}, { edit: (doc) => first(doc, 'Conditions').setAttribute('NotOnOrAfter', iso(ISSUED_AT + 200_000)) });
      const r = await verifyAssertion(xml, opts());
      expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 200_000));
      expect(r.notOnOrAfter).toEqual(new Date(ISSUED_AT + 200_000));
    });

    it('SubjectConfirmationData NotOnOrAfter', async () => {
      const xml = response({}, { edit: (doc) => scdOf(doc).setAttribute('NotOnOrAfter', iso(ISSUED_AT + 150_000)) });
      const r = await verifyAssertion(xml, opts());
      expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 150_000));
      expect(r.notOnOrAfter).toEqual(new Date(ISSUED_AT + 300_000));
    });

    it('SessionNotOnOrAfter', async () => {
      const r = await verifyAssertion(response({ sessionNotOnOrAfter: ISSUED_AT + 120_000 }), opts());
      expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 120_000));
      expect(r.sessionNotOnOrAfter).toEqual(new Date(ISSUED_AT + 120_000));
    });

    it('IssueInstant + maxAssertionAgeSeconds', async () => {
      const r = await verifyAssertion(response(), opts({ maxAssertionAgeSeconds: 90 }));
      expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 90_000));
    });

    it('a maxAssertionAgeSeconds later than every NotOnOrAfter does not extend it', async () => {
      const r = await verifyAssertion(response(), opts({ maxAssertionAgeSeconds: 3600 }));
      expect(r.expiresAt).toEqual(new Date(ISSUED_AT + 300_000));
    });
  });

  it('inResponseTo comes from the Response (and a verifier configured with none still reports it)', async () => {
    const r = await verifyAssertion(response({ inResponseTo: '_req-7' }), opts());
    expect(r.inResponseTo).toBe('_req-7');
  });

  it('createVerifier: verify and verifySync agree; per-call now and inResponseTo', async () => {
    const verifier = createVerifier(opts({ now: undefined }));
    const xml = response({ inResponseTo: '_req-9' });
    const a = await verifier.verify(xml, { now: VALID_NOW, inResponseTo: '_req-9' });
    const b = verifier.verifySync(xml, { now: VALID_NOW.getTime(), inResponseTo: '_req-9' });
    expect(a).toEqual(b);
    expect(verifier.entityId).toBe(TEST_IDP);
    expect(verifier.keys).toHaveLength(1);
    // `now` as a function is called (at least) once per verification.
    let calls = 0;
    await verifier.verify(xml, {
      now: () => {
        calls++;
        return VALID_NOW;
      },
    });
    expect(calls).toBe(1);
  });

  it('xsi:nil="false" is a real (empty) value', async () => {
    const xml = response({}, {
      edit: (doc) => {
        const st = first(doc, 'AttributeStatement');
        insert(st, `<saml:Attribute Name="nick"><saml:AttributeValue xsi:nil="false"></saml:AttributeValue></saml:Attribute>`);
      },
    });
    const r = await verifyAssertion(xml, opts());
    expect(r.attributes['nick']).toEqual(['']);
  });
});
