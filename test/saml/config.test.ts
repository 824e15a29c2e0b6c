// Configuration (CONFIG_INVALID at createVerifier, a rejected promise from verifyAssertion), input decoding
// (parseSamlPostBody, garbage), and IdP metadata as the trust source.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { TEST_IDP, TEST_SP } from '../../fixtures/saml.js';
import { createVerifier, parseIdpMetadata, parseSamlPostBody, verifyAssertion, type VerifyOptions } from '../../src/index.js';
import { opts, rejectsWith, response, throwsWith } from './helpers.js';

const RSA = loadKeyPair('rsa2048');
const NEXT = loadKeyPair('rsa2048-next');
const b64Body = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
const cast = (o: unknown): VerifyOptions => o as VerifyOptions;

describe('createVerifier: configuration errors are thrown synchronously as CONFIG_INVALID', () => {
  const base = opts();
  const bad: Record<string, unknown> = {
    'options missing': undefined,
    'options null': null,
    'idp missing': { ...base, idp: undefined },
    'no audience': { ...base, audience: undefined },
    'empty audience array': { ...base, audience: [] },
    'empty audience string': { ...base, audience: '' },
    'a non-string audience entry': { ...base, audience: [TEST_SP, 42] },
    'no entityId and no metadata': { ...base, idp: { certificates: [RSA.certificatePem] } },
    'empty entityId': { ...base, idp: { entityId: ' ', certificates: [RSA.certificatePem] } },
    'no certificates': { ...base, idp: { entityId: TEST_IDP } },
    'an empty certificates array': { ...base, idp: { entityId: TEST_IDP, certificates: [] } },
    'certificates not an array': { ...base, idp: { entityId: TEST_IDP, certificates: RSA.certificatePem } },
    'a private key PEM given as certificate': { ...base, idp: { entityId: TEST_IDP, certificates: [RSA.privateKeyPem] } },
    'a private KeyObject given as certificate': { ...base, idp: { entityId: TEST_IDP, certificates: [RSA.privateKey] } },
    'a garbage certificate string': { ...base, idp: { entityId: TEST_IDP, certificates: ['not a certificate'] } },
    'garbage base64 as certificate': { ...base, idp: { entityId: TEST_IDP, certificates: ['AAAAAAAA'] } },
    'a PEM certificate with a corrupted body': { ...base, idp: { entityId: TEST_IDP, certificates: [RSA.certificatePem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!')] } },
    'garbage metadata': { ...base, idp: { metadata: '<not-metadata/>' } },
    'negative clockSkewSeconds': { ...base, clockSkewSeconds: -1 },
    'NaN clockSkewSeconds': { ...base, clockSkewSeconds: Number.NaN },
    'string clockSkewSeconds': { ...base, clockSkewSeconds: '60' },
    'clockSkewSeconds above an hour': { ...base, clockSkewSeconds: 3601 },
    'negative maxAssertionAgeSeconds': { ...base, maxAssertionAgeSeconds: -5 },
    'non-boolean allowSha1 (string)': { ...base, allowSha1: 'true' },
    'non-boolean allowSha1 (number)': { ...base, allowSha1: 1 },
    'non-boolean requireSignedAssertion': { ...base, requireSignedAssertion: 'yes' },
    'non-boolean allowEmptyReferenceUri': { ...base, allowEmptyReferenceUri: 1 },
    'minRsaKeyBits below 1024': { ...base, minRsaKeyBits: 512 },
    'an empty recipient': { ...base, recipient: '' },
    'an invalid Date as now': { ...base, now: new Date('nope') },
    'a bad parse limit': { ...base, limits: { maxDepth: 0 } },
  };

  it.each(Object.entries(bad))('%s', (_name, options) => {
    throwsWith(() => createVerifier(cast(options)), 'CONFIG_INVALID');
  });

  it('metadata describing two IdPs and no entityId → CONFIG_INVALID; naming one picks it', async () => {
    const md = entities(entity('https://idp-a.example', [signing(RSA.certificatePem)]), entity(TEST_IDP, [signing(RSA.certificatePem)]));
    throwsWith(() => createVerifier(opts({ idp: { metadata: md } })), 'CONFIG_INVALID');
    const verifier = createVerifier(opts({ idp: { metadata: md, entityId: TEST_IDP } }));
    expect(verifier.entityId).toBe(TEST_IDP);
    await expect(verifier.verify(response())).resolves.toBeDefined();
  });

  it('the baseline options are valid', () => {
    expect(() => createVerifier(base)).not.toThrow();
  });

  it('an unparseable or zone-less ISO string as now → CONFIG_INVALID', () => {
    throwsWith(() => createVerifier(cast({ ...base, now: 'yesterday' })), 'CONFIG_INVALID');
    throwsWith(() => createVerifier(cast({ ...base, now: '2026-01-15T10:01:00' })), 'CONFIG_INVALID');
  });
});

describe('configuration as JSON gives it: null means "not set", now may be an ISO string', () => {
  it('null optional settings are ignored, and an ISO 8601 now is honoured', async () => {
    const json = cast({
      ...opts(),
      recipient: null,
      inResponseTo: null,
      clockSkewSeconds: null,
      maxAssertionAgeSeconds: null,
      now: new Date(opts().now as Date).toISOString(),
      idp: { entityId: TEST_IDP, certificates: [RSA.certificatePem], metadata: null },
    });
    await expect(verifyAssertion(response(), json)).resolves.toMatchObject({ issuer: TEST_IDP });
    await expect(createVerifier(json).verify(response(), { now: null, inResponseTo: null })).resolves.toMatchObject({ issuer: TEST_IDP });
  });

  it('an ISO now far after the assertion still expires it', async () => {
    await rejectsWith(verifyAssertion(response(), cast({ ...opts(), now: '2099-01-01T00:00:00Z' })), 'EXPIRED');
  });

  it('audience: null is still a configuration error (audience is required)', () => {
    throwsWith(() => createVerifier(cast({ ...opts(), audience: null })), 'CONFIG_INVALID');
  });
});

describe('verifyAssertion: bad options reject the promise (never throw synchronously)', () => {
  const xml = response();

  it.each([
    ['no audience', { ...opts(), audience: undefined }],
    ['no certificates', { ...opts(), idp: { entityId: TEST_IDP } }],
    ['a private key as certificate', { ...opts(), idp: { entityId: TEST_IDP, certificates: [RSA.privateKeyPem] } }],
    ['bad clockSkewSeconds', { ...opts(), clockSkewSeconds: -1 }],
    ['non-boolean allowSha1', { ...opts(), allowSha1: 'no' }],
    ['a bad per-request now', { ...opts(), now: Number.NaN }],
    ['an empty inResponseTo', { ...opts(), inResponseTo: '' }],
  ])('%s → rejects with CONFIG_INVALID', async (_name, options) => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = verifyAssertion(xml, cast(options));
    }).not.toThrow();
    await rejectsWith(promise!, 'CONFIG_INVALID');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
  ])('options %s → rejects with CONFIG_INVALID (a SamlGuardError, not a TypeError)', async (_name, options) => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = verifyAssertion(xml, cast(options));
    }).not.toThrow();
    await rejectsWith(promise!, 'CONFIG_INVALID');
  });

  it('a failed configuration is not cached: the corrected options then verify', async () => {
    const o = { ...opts(), clockSkewSeconds: -1 };
    await rejectsWith(verifyAssertion(xml, o), 'CONFIG_INVALID');
    await expect(verifyAssertion(xml, { ...o, clockSkewSeconds: 60 })).resolves.toBeDefined();
  });
});

describe('parseSamlPostBody', () => {
  // Find a fixture whose base64 contains '+' and '/', so URL-encoding matters.
  const xml = response({ nameId: 'plus@example.com' });
  const b64 = Buffer.from(xml, 'utf8').toString('base64');

  it('SAMLResponse (URL-encoded "+", "/" and "=") and RelayState; the value verifies', async () => {
    expect(b64).toMatch(/\+/);
    const body = `SAMLResponse=${encodeURIComponent(b64)}&RelayState=${encodeURIComponent('/app?x=1 y')}`;
    expect(body).toContain('%2B');
    const parsed = parseSamlPostBody(body);
    expect(parsed).toEqual({ SAMLResponse: b64, RelayState: '/app?x=1 y' });
    const r = await verifyAssertion(parsed.SAMLResponse, opts());
    expect(r.subject.nameId).toBe('plus@example.com');
  });

  it('a "+" in the form body is a space (form encoding), "%2B" is a plus', () => {
    expect(parseSamlPostBody('SAMLResponse=ab%2Bcd+ef')).toEqual({ SAMLResponse: 'ab+cd ef' });
  });

  it('bytes are accepted; RelayState is optional', () => {
    const parsed = parseSamlPostBody(new TextEncoder().encode(`SAMLResponse=${encodeURIComponent(b64)}\r\n`));
    expect(parsed).toEqual({ SAMLResponse: b64 });
    expect(Object.prototype.hasOwnProperty.call(parsed, 'RelayState')).toBe(false);
  });

  it('missing SAMLResponse → INPUT_MALFORMED', () => {
    throwsWith(() => parseSamlPostBody('RelayState=abc'), 'INPUT_MALFORMED');
    throwsWith(() => parseSamlPostBody(''), 'INPUT_MALFORMED');
  });

  it('duplicate SAMLResponse → INPUT_MALFORMED', () => {
    throwsWith(() => parseSamlPostBody('SAMLResponse=a&SAMLResponse=b'), 'INPUT_MALFORMED');
  });

  it('duplicate RelayState → INPUT_MALFORMED', () => {
    throwsWith(() => parseSamlPostBody('SAMLResponse=a&RelayState=1&RelayState=2'), 'INPUT_MALFORMED');
  });
});

describe('garbage input → INPUT_MALFORMED', () => {
  it.each([
    ['plain text', 'definitely not SAML!'],
    ['empty string', ''],
    ['whitespace only', ' \r\n\t '],
    ['base64 of non-XML', Buffer.from('hello world, not xml').toString('base64')],
    ['bad base64 padding', 'PHNhbWw+x'],
    ['URL-encoded base64 (forgot parseSamlPostBody)', encodeURIComponent(Buffer.from(response()).toString('base64'))],
    ['empty bytes', new Uint8Array(0)],
    ['bytes of non-XML, non-base64', new Uint8Array([0x01, 0x02, 0x03, 0x04])],
  ])('%s', async (_name, input) => {
    await rejectsWith(verifyAssertion(input, opts()), 'INPUT_MALFORMED');
  });

  it('a non-string, non-bytes input (JS callers) → INPUT_MALFORMED', async () => {
    await rejectsWith(verifyAssertion(42 as unknown as string, opts()), 'INPUT_MALFORMED');
    await rejectsWith(verifyAssertion({} as unknown as string, opts()), 'INPUT_MALFORMED');
  });

  it('XML that is not well-formed is XML_MALFORMED, not INPUT_MALFORMED', async () => {
    await rejectsWith(verifyAssertion('<samlp:Response', opts()), 'XML_MALFORMED');
  });
});

// ---- metadata ----

function signing(pem: string, use: 'signing' | 'encryption' | null = 'signing'): string {
  return `<md:KeyDescriptor${use ? ` use="${use}"` : ''}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>\n${b64Body(pem).replace(/(.{64})/g, '$1\n')}\n</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
}

function entity(entityId: string, keys: string[], { ns = true }: { ns?: boolean } = {}): string {
  const decl = ns ? ' xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"' : '';
  return (
    `<md:EntityDescriptor${decl} entityID="${entityId}">` +
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    keys.join('') +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.samlguard.test/sso"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`
  );
}

function entities(...descriptors: string[]): string {
  return `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${descriptors.map((d) => d.replace(/ xmlns:md="[^"]*" xmlns:ds="[^"]*"/, '')).join('')}</md:EntitiesDescriptor>`;
}

describe('IdP metadata as the trust source (idp: { metadata })', () => {
  const metadata = `<?xml version="1.0" encoding="UTF-8"?>\n` + entity(TEST_IDP, [signing(RSA.certificatePem)]);

  it('EntityDescriptor with the rsa2048 signing certificate: entityID and key come from it', async () => {
    const r = await verifyAssertion(response({}, { sign: 'both' }), opts({ idp: { metadata } }));
    expect(r.issuer).toBe(TEST_IDP);
    expect(r.signature.certificateFingerprint).toBe(RSA.certificate.fingerprint256);
  });

  it('metadata as bytes works too; a KeyDescriptor without use is a signing key', async () => {
    const md = new TextEncoder().encode(entity(TEST_IDP, [signing(RSA.certificatePem, null)]));
    await expect(verifyAssertion(response(), opts({ idp: { metadata: md } }))).resolves.toBeDefined();
  });

  it('the metadata entityID is enforced on the Issuer → ISSUER_MISMATCH', async () => {
    const md = entity('https://other-idp.example', [signing(RSA.certificatePem)]);
    await rejectsWith(verifyAssertion(response(), opts({ idp: { metadata: md } })), 'ISSUER_MISMATCH');
  });

  it('an entityId the metadata does not describe → CONFIG_INVALID', () => {
    throwsWith(() => createVerifier(opts({ idp: { metadata, entityId: 'https://other-idp.example' } })), 'CONFIG_INVALID');
  });

  it('key rotation: two signing certificates, both verify', async () => {
    const md = entity(TEST_IDP, [signing(RSA.certificatePem), signing(NEXT.certificatePem)]);
    const verifier = createVerifier(opts({ idp: { metadata: md } }));
    expect(verifier.keys).toHaveLength(2);
    const a = await verifier.verify(response({}, { keyName: 'rsa2048' }));
    const b = await verifier.verify(response({}, { keyName: 'rsa2048-next' }));
    expect(a.signature.certificateFingerprint).toBe(RSA.certificate.fingerprint256);
    expect(b.signature.certificateFingerprint).toBe(NEXT.certificate.fingerprint256);
  });

  it('a use="encryption" key never verifies a signature → KEY_NOT_TRUSTED', async () => {
    const md = entity(TEST_IDP, [signing(RSA.certificatePem), signing(NEXT.certificatePem, 'encryption')]);
    const verifier = createVerifier(opts({ idp: { metadata: md } }));
    expect(verifier.keys).toHaveLength(1);
    await expect(verifier.verify(response({}, { keyName: 'rsa2048' }))).resolves.toBeDefined();
    await rejectsWith(verifier.verify(response({}, { keyName: 'rsa2048-next' })), 'KEY_NOT_TRUSTED');
  });

  it('metadata whose only key is use="encryption" → CONFIG_INVALID', () => {
    throwsWith(() => createVerifier(opts({ idp: { metadata: entity(TEST_IDP, [signing(RSA.certificatePem, 'encryption')]) } })), 'CONFIG_INVALID');
  });

  it('metadata plus explicit certificates: both are trusted', async () => {
    const verifier = createVerifier(opts({ idp: { metadata, certificates: [NEXT.certificate] } }));
    await expect(verifier.verify(response({}, { keyName: 'rsa2048-next' }))).resolves.toBeDefined();
    await expect(verifier.verify(response({}, { keyName: 'rsa2048' }))).resolves.toBeDefined();
  });

  it('parseIdpMetadata returns the entityID and PEM signing certificates', () => {
    const md = parseIdpMetadata(entity(TEST_IDP, [signing(RSA.certificatePem), signing(NEXT.certificatePem, 'encryption')]));
    expect(md.entityId).toBe(TEST_IDP);
    expect(md.signingCertificates).toHaveLength(1);
    expect(new X509Certificate(md.signingCertificates[0]!).fingerprint256).toBe(RSA.certificate.fingerprint256);
  });

  it('metadata with a DOCTYPE is refused → CONFIG_INVALID', () => {
    const md = `<!DOCTYPE md:EntityDescriptor [<!ENTITY x "y">]>` + entity(TEST_IDP, [signing(RSA.certificatePem)]);
    throwsWith(() => createVerifier(opts({ idp: { metadata: md } })), 'CONFIG_INVALID');
  });
});
