// decryptElement (src/xmlenc/decrypt.ts) unit by unit: each structural rule refuses with its own code,
// message and path (the element at fault, not the container), the key length must match the content
// algorithm, every transport is tried in order, and the plaintext must be exactly one expected element
// under the configured limits, with the container's namespace declarations (nearest first) in scope.
import { constants, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { encryptedKeyXml, encryptXmlText, type EncryptOptions } from '../../fixtures/encrypt.js';
import { SamlGuardError } from '../../src/errors.js';
import type { Element } from '@xmldom/xmldom';
import { parseWithLimits, resolveLimits, type ParseLimits } from '../../src/xml/parse.js';
import { decryptElement, importDecryptionKeys } from '../../src/xmlenc/decrypt.js';

const SP = loadKeyPair('rsa3072');
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const XENC = 'http://www.w3.org/2001/04/xmlenc#';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const ASSERTION = `<saml:Assertion xmlns:saml="${SAML}" ID="_x" Version="2.0"><saml:Issuer>https://idp.example</saml:Issuer></saml:Assertion>`;
const GENERIC = 'could not be decrypted with the configured SP key(s)';
const KEYS = importDecryptionKeys([SP.privateKeyPem], 2048);

const enc = (plaintext: string | Uint8Array = ASSERTION, o: Partial<EncryptOptions> = {}) => encryptXmlText(plaintext, { recipient: SP.certificatePem, ...o });

interface Run {
  inner: string;
  /** Attributes (and declarations) of the container element. */
  attrs?: string;
  /** Markup around the container: `before` opens, `after` closes. */
  around?: [string, string];
  prefix?: string;
  ns?: string;
  expected?: string[];
  limits?: ParseLimits;
  allowCbc?: boolean;
}

type Outcome = { element: Element } | { code: string; message: string; path: string | undefined };

function run({ inner, attrs = ` xmlns:saml="${SAML}"`, around = ['', ''], prefix = 'saml', ns = SAML, expected = ['Assertion'], limits = {}, allowCbc = true }: Run): Outcome {
  const xml = `${around[0]}<${prefix}:EncryptedAssertion${attrs}>${inner}</${prefix}:EncryptedAssertion>${around[1]}`;
  const parsed = parseWithLimits(xml, resolveLimits(undefined));
  let container = parsed.root;
  while (container.localName !== 'EncryptedAssertion') container = container.firstChild as Element;
  try {
    return { element: decryptElement(container, ns, expected, { keys: KEYS, allowCbc, limits: resolveLimits(limits) }) };
  } catch (err) {
    if (!(err instanceof SamlGuardError)) throw err;
    return { code: err.code, message: err.message, path: err.path };
  }
}

const accepted = (r: Run): Element => {
  const o = run(r);
  if (!('element' in o)) throw new Error(`expected a decrypted element, got ${o.code}: ${o.message} at ${o.path}`);
  return o.element;
};
/** A refusal with `code`, whose message contains `message` and whose path ends with `at`. */
const refused = (r: Run, code: string, message: string, at: string) => {
  const o = run(r);
  expect('code' in o ? o : 'accepted').toMatchObject({ code, message: expect.stringContaining(message), path: expect.stringMatching(new RegExp(`(^|/)${at}$`)) });
};
const failedGeneric = (r: Run) => refused(r, 'DECRYPTION_FAILED', GENERIC, 'EncryptedAssertion');

const keyXml = (xml: string) => /<xenc:EncryptedKey[\s\S]*?<\/xenc:EncryptedKey>/.exec(xml)![0];
const cipherValues = (xml: string) => [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)].map((m) => m[1]!);
/** An rsa-oaep-mgf1p EncryptedKey carrying `cek` for the SP key. */
const encryptedKey = (cek: Buffer) => encryptedKeyXml(SP.certificatePem, cek, { recipient: SP.certificatePem });

describe('the well-formed case', () => {
  it('decrypts to the one expected element', () => {
    expect(accepted({ inner: enc() }).getAttribute('ID')).toBe('_x');
  });

  it('EncryptedData Type may be absent or #Element; anything else is refused at EncryptedData', () => {
    accepted({ inner: enc().replace(` Type="${XENC}Element"`, '') });
    refused({ inner: enc().replace(`${XENC}Element`, `${XENC}Content`) }, 'DECRYPTION_FAILED', 'is not an XML element', 'EncryptedData');
  });

  it('foreign-namespace look-alikes of EncryptedData, EncryptionMethod, CipherData and EncryptedKey are not read', () => {
    const foreign = (local: string) => `<x:${local} xmlns:x="urn:evil"/>`;
    accepted({ inner: foreign('EncryptedData') + enc() });
    accepted({ inner: enc().replace('<xenc:CipherData>', `${foreign('EncryptionMethod')}${foreign('CipherData')}<xenc:CipherData>`) });
    accepted({ inner: enc().replace('<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">', `$&${foreign('EncryptedKey')}${foreign('RetrievalMethod')}`) });
    accepted({ inner: enc(ASSERTION, { keyPlacement: 'sibling' }) + foreign('EncryptedKey') });
    // Other XML Encryption elements in KeyInfo (an AgreementMethod, say) are not EncryptedKeys either.
    accepted({ inner: enc().replace('<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">', `$&<xenc:AgreementMethod xmlns:xenc="${XENC}"/>`) });
  });

  it('a KeyInfo without an EncryptedKey falls back to the EncryptedKeys beside the EncryptedData', () => {
    const sibling = enc(ASSERTION, { keyPlacement: 'sibling' });
    accepted({ inner: sibling.replace('<xenc:CipherData>', `<ds:KeyInfo xmlns:ds="${DS}"><ds:KeyName>sp</ds:KeyName></ds:KeyInfo><xenc:CipherData>`) });
  });

  it('a RetrievalMethod without Type is allowed', () => {
    accepted({ inner: enc(ASSERTION, { keyPlacement: 'retrieval' }).replace(` Type="${XENC}EncryptedKey"`, '') });
  });
});

describe('structure: each rule with its message and the element at fault', () => {
  it('EncryptedData: exactly one, with one EncryptionMethod', () => {
    refused({ inner: enc() + enc() }, 'DECRYPTION_FAILED', 'exactly one EncryptedData', 'EncryptedAssertion');
    refused({ inner: '' }, 'DECRYPTION_FAILED', 'exactly one EncryptedData', 'EncryptedAssertion');
    refused({ inner: enc().replace(/<xenc:EncryptionMethod Algorithm="http:\/\/www.w3.org\/2009[^>]*\/>/, '') }, 'DECRYPTION_FAILED', 'has no EncryptionMethod', 'EncryptedData');
    const method = /<xenc:EncryptionMethod Algorithm="http:\/\/www.w3.org\/2009[^>]*\/>/.exec(enc())![0];
    refused({ inner: enc().replace(method, method + method) }, 'DECRYPTION_FAILED', 'more than one <EncryptionMethod>', 'EncryptedData');
  });

  it('KeyInfo: at most one', () => {
    const xml = enc();
    const keyInfo = /<ds:KeyInfo[\s\S]*<\/ds:KeyInfo>/.exec(xml)![0];
    refused({ inner: xml.replace(keyInfo, keyInfo + keyInfo) }, 'DECRYPTION_FAILED', 'more than one <KeyInfo>', 'EncryptedData');
  });

  it('no EncryptedKey at all', () => {
    const xml = enc();
    refused({ inner: xml.replace(keyXml(xml), '') }, 'DECRYPTION_FAILED', 'No EncryptedKey', 'EncryptedData');
  });

  it('CipherData: exactly one, holding exactly one CipherValue of base64 text', () => {
    const xml = enc();
    const data = cipherValues(xml).at(-1)!;
    const cipherData = `<xenc:CipherData><xenc:CipherValue>${data}</xenc:CipherValue></xenc:CipherData>`;
    refused({ inner: xml.replace(cipherData, cipherData + cipherData) }, 'DECRYPTION_FAILED', 'exactly one CipherData', 'EncryptedData');
    refused({ inner: xml.replace(cipherData, '') }, 'DECRYPTION_FAILED', 'exactly one CipherData', 'EncryptedData');
    const into = (content: string) => xml.replace(cipherData, `<xenc:CipherData>${content}</xenc:CipherData>`);
    refused({ inner: into(`<xenc:CipherValue>${data}</xenc:CipherValue><xenc:CipherValue>${data}</xenc:CipherValue>`) }, 'DECRYPTION_FAILED', 'must contain a CipherValue', 'CipherData');
    refused({ inner: into(`<x:CipherValue xmlns:x="urn:evil">${data}</x:CipherValue>`) }, 'DECRYPTION_FAILED', 'must contain a CipherValue', 'CipherData');
    refused({ inner: into(`<xenc:CipherReference URI="https://attacker.example/c"/>`) }, 'DECRYPTION_FAILED', 'CipherReference is refused', 'CipherData');
    refused({ inner: into('') }, 'DECRYPTION_FAILED', 'must contain a CipherValue', 'CipherData');
    refused({ inner: into(`<xenc:CipherValue>${data.slice(0, 8)}<!--x-->${data.slice(8)}</xenc:CipherValue>`) }, 'DECRYPTION_FAILED', 'base64 text only', 'CipherValue');
    refused({ inner: into(`<xenc:CipherValue>${data.slice(0, 8)}<b/>${data.slice(8)}</xenc:CipherValue>`) }, 'DECRYPTION_FAILED', 'base64 text only', 'CipherValue');
    refused({ inner: into(`<xenc:CipherValue>${data}!</xenc:CipherValue>`) }, 'DECRYPTION_FAILED', 'not valid base64', 'CipherValue');
    // Text only: no IdP wraps ciphertext in CDATA, so a CDATA section is refused like any other node.
    refused({ inner: into(`<xenc:CipherValue>${data.slice(0, 8)}<![CDATA[${data.slice(8)}]]></xenc:CipherValue>`) }, 'DECRYPTION_FAILED', 'base64 text only', 'CipherValue');
    accepted({ inner: into(`<xenc:CipherValue>\n${data.slice(0, 8)}\n${data.slice(8)}\n</xenc:CipherValue>`) });
  });

  it('EncryptedKey: a method is required; only RSA-OAEP, with allowed digests and MGFs', () => {
    const xml = enc();
    const key = keyXml(xml);
    const withMethod = (method: string) => xml.replace(key, key.replace(/<xenc:EncryptionMethod[\s\S]*?(<\/xenc:EncryptionMethod>|\/>)/, method));
    refused({ inner: withMethod('') }, 'DECRYPTION_FAILED', 'EncryptedKey has no EncryptionMethod', 'EncryptedKey');
    refused({ inner: withMethod('<xenc:EncryptionMethod/>') }, 'ALGORITHM_NOT_ALLOWED', 'Key transport "" is not allowed', 'EncryptionMethod');
    refused({ inner: withMethod(`<xenc:EncryptionMethod Algorithm="${XENC}kw-aes256"/>`) }, 'ALGORITHM_NOT_ALLOWED', 'is not allowed; use RSA-OAEP', 'EncryptionMethod');
    const oaep = (children: string) => withMethod(`<xenc:EncryptionMethod Algorithm="${XENC}rsa-oaep-mgf1p">${children}</xenc:EncryptionMethod>`);
    refused({ inner: oaep(`<ds:DigestMethod xmlns:ds="${DS}" Algorithm="http://www.w3.org/2001/04/xmldsig-more#md5"/>`) }, 'ALGORITHM_NOT_ALLOWED', 'DigestMethod', 'DigestMethod');
    refused({ inner: oaep(`<ds:DigestMethod xmlns:ds="${DS}"/>`) }, 'ALGORITHM_NOT_ALLOWED', 'DigestMethod ""', 'DigestMethod');
    refused({ inner: oaep(`<xenc:DigestMethod Algorithm="${DS}sha1"/>`) }, 'DECRYPTION_FAILED', 'Unexpected <DigestMethod>', 'DigestMethod');
    refused({ inner: oaep(`<x:Other xmlns:x="urn:x"/>`) }, 'DECRYPTION_FAILED', 'Unexpected <Other>', 'Other');
    // Only ds:DigestMethod, xenc11:MGF and xenc:OAEPparams by both name and namespace.
    refused({ inner: oaep(`<ds:Other xmlns:ds="${DS}" Algorithm="${DS}sha1"/>`) }, 'DECRYPTION_FAILED', 'Unexpected <Other>', 'Other');
    refused({ inner: oaep(`<x:OAEPparams xmlns:x="urn:x">AAAA</x:OAEPparams>`) }, 'DECRYPTION_FAILED', 'Unexpected <OAEPparams>', 'OAEPparams');
    // MGF belongs to xmlenc11 rsa-oaep only, in the xmlenc11 namespace.
    refused({ inner: oaep(`<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="http://www.w3.org/2009/xmlenc11#mgf1sha1"/>`) }, 'DECRYPTION_FAILED', 'Unexpected <MGF>', 'MGF');
    const rsaOaep = enc(ASSERTION, { transport: 'rsa-oaep', digest: 'sha256', mgf: 'sha256' });
    accepted({ inner: rsaOaep });
    refused({ inner: rsaOaep.replace('xmlenc11#mgf1sha256', 'xmlenc11#mgf1md5') }, 'ALGORITHM_NOT_ALLOWED', 'MGF', 'MGF');
    refused({ inner: rsaOaep.replace('<xenc11:MGF ', '<xenc11:Other ') }, 'DECRYPTION_FAILED', 'Unexpected <Other>', 'Other');
    refused({ inner: rsaOaep.replace('<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#"', '<xenc11:MGF xmlns:xenc11="urn:evil"') }, 'DECRYPTION_FAILED', 'Unexpected <MGF>', 'MGF');
  });

  it('OAEPparams is the OAEP label: honoured, and refused when not base64', () => {
    const xml = enc();
    const key = keyXml(xml);
    const [wrapped] = cipherValues(key);
    const cek = privateDecrypt({ key: SP.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(wrapped!, 'base64'));
    const label = Buffer.from('samlguard label');
    const relabelled = publicEncrypt({ key: SP.certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1', oaepLabel: label }, cek).toString('base64');
    const withParams = (params: string, cipher = relabelled) =>
      xml.replace(key, key.replace(wrapped!, cipher).replace(/<xenc:EncryptionMethod Algorithm="([^"]+)"(\/>|>[\s\S]*?<\/xenc:EncryptionMethod>)/, `<xenc:EncryptionMethod Algorithm="$1">${params}</xenc:EncryptionMethod>`));
    accepted({ inner: withParams(`<xenc:OAEPparams>${label.toString('base64')}</xenc:OAEPparams>`) });
    failedGeneric({ inner: withParams('') });
    failedGeneric({ inner: withParams(`<xenc:OAEPparams>${Buffer.from('another label').toString('base64')}</xenc:OAEPparams>`) });
    refused({ inner: withParams('<xenc:OAEPparams>not base64!</xenc:OAEPparams>') }, 'DECRYPTION_FAILED', 'OAEPparams is not valid base64', 'OAEPparams');
    // An empty OAEPparams says nothing a missing one would not; it is refused rather than guessed at.
    refused({ inner: withParams('<xenc:OAEPparams/>', wrapped) }, 'DECRYPTION_FAILED', 'OAEPparams is not valid base64', 'OAEPparams');
  });

  it('RetrievalMethod: only a same-document "#id" to an EncryptedKey in this container, no transforms', () => {
    const xml = enc(ASSERTION, { keyPlacement: 'retrieval' });
    refused({ inner: xml.replace(`${XENC}EncryptedKey"`, `${XENC}EncryptedData"`) }, 'DECRYPTION_FAILED', 'may only reference an EncryptedKey', 'RetrievalMethod');
    for (const uri of ['https://attacker.example/key', 'x#_ek1', '#_ek1#x', '#_ek1 ', '#', '']) {
      refused({ inner: xml.replace('URI="#_ek1"', `URI="${uri}"`) }, 'DECRYPTION_FAILED', 'same-document "#id" reference', 'RetrievalMethod');
    }
    refused({ inner: xml.replace(/(<ds:RetrievalMethod[^>]*)\/>/, `$1><ds:Transforms/></ds:RetrievalMethod>`) }, 'DECRYPTION_FAILED', 'same-document "#id" reference', 'RetrievalMethod');
    refused({ inner: xml.replace('URI="#_ek1"', 'URI="#_ek2"') }, 'DECRYPTION_FAILED', 'names no EncryptedKey', 'RetrievalMethod');
  });
});

describe('keys and transports', () => {
  it('decryption keys must be RSA', () => {
    const ec = loadKeyPair('ec-p256').privateKeyPem;
    let message = '';
    try {
      importDecryptionKeys([ec], 1024);
    } catch (err) {
      message = (err as SamlGuardError).message;
    }
    expect(message).toContain('sp.decryptionKeys[0] must be an RSA private key');
  });

  it('a content key of the wrong length for the algorithm is not used (no silent switch to AES-128)', () => {
    failedGeneric({ inner: enc(ASSERTION, { content: 'aes128-gcm' }).replace('xmlenc11#aes128-gcm', 'xmlenc11#aes256-gcm') });
  });

  it('every transport is tried in order until one decrypts', () => {
    const xml = enc();
    const good = keyXml(xml);
    const decoy = encryptedKey(randomBytes(32));
    accepted({ inner: xml.replace(good, decoy + good) });
    accepted({ inner: xml.replace(good, good + decoy) });
    failedGeneric({ inner: xml.replace(good, decoy + decoy) });
  });

  it('AES-CBC is refused at its EncryptionMethod when switched off', () => {
    refused({ inner: enc(ASSERTION, { content: 'aes128-cbc' }), allowCbc: false }, 'ALGORITHM_NOT_ALLOWED', 'sp.allowCbc: false', 'EncryptionMethod');
    accepted({ inner: enc(ASSERTION, { content: 'aes128-cbc' }) });
  });
});

describe('the plaintext', () => {
  it('whitespace around the one element is fine; anything else beside it is refused', () => {
    accepted({ inner: enc(`\n  ${ASSERTION}\r\n\t `) });
    accepted({ inner: enc(`  ${ASSERTION}`) });
    for (const plaintext of [`${ASSERTION}<!-- -->`, `${ASSERTION}<![CDATA[ ]]>`, `x ${ASSERTION}`, `${ASSERTION} x`, `${ASSERTION}<!--c-->`, `<?pi x?>${ASSERTION}`, `${ASSERTION}${ASSERTION}`, `<saml:NameID xmlns:saml="${SAML}">n</saml:NameID>${ASSERTION}`, ' \n', '']) {
      failedGeneric({ inner: enc(plaintext) });
    }
  });

  it('must be the expected element in the expected namespace', () => {
    failedGeneric({ inner: enc(`<saml:NameID xmlns:saml="${SAML}">n</saml:NameID>`) });
    failedGeneric({ inner: enc('<Assertion xmlns="urn:other" ID="_x"/>') });
    expect(accepted({ inner: enc(`<saml:NameID xmlns:saml="${SAML}">n</saml:NameID>`), expected: ['NameID', 'Attribute'] }).localName).toBe('NameID');
  });

  it('an XML declaration (after a BOM or not) is dropped only at the very start', () => {
    accepted({ inner: enc(`<?xml version="1.0" encoding="UTF-8"?>${ASSERTION}`) });
    accepted({ inner: enc(`\uFEFF<?xml version="1.0"?>${ASSERTION}`) });
    failedGeneric({ inner: enc(`${ASSERTION}<?xml version="1.0"?>`) });
    failedGeneric({ inner: enc(` <?xml version="1.0"?>${ASSERTION}`) });
  });

  it('invalid UTF-8 is refused, not replaced', () => {
    const bad = ASSERTION.replace('https://idp.example', 'https://idp.\u0000example');
    // Encrypt raw bytes: 0xC3 0x28 is not UTF-8.
    const bytes = Buffer.from(bad, 'utf8');
    const at = bytes.indexOf(0);
    const invalid = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28]), bytes.subarray(at + 1)]);
    failedGeneric({ inner: enc(invalid) });
    accepted({ inner: enc(Buffer.from(ASSERTION, 'utf8')) });
  });

  it('is bounded by the configured limits: maxBytes (plaintext), maxDepth and element count (fragment)', () => {
    const padded = (total: number) => ASSERTION + ' '.repeat(total - Buffer.byteLength(ASSERTION));
    accepted({ inner: enc(padded(2000)), limits: { maxBytes: 2000 } });
    failedGeneric({ inner: enc(padded(2001)), limits: { maxBytes: 2000 } });
    // The fragment is parsed under the same limits: its depth (2) is allowed, its own element count too.
    accepted({ inner: enc(), limits: { maxDepth: 2 } });
    failedGeneric({ inner: enc(), limits: { maxDepth: 1 } });
    failedGeneric({ inner: enc(`<saml:Assertion xmlns:saml="${SAML}" ID="_x">${'<saml:Issuer>i</saml:Issuer>'.repeat(50)}</saml:Assertion>`), limits: { maxElements: 20 } });
  });
});

describe('namespace declarations in scope at the container', () => {
  it('the default namespace is carried in, and an ordinary attribute is not mistaken for one', () => {
    const plain = '<Assertion ID="_x"/>';
    const el = accepted({ inner: enc(plain), prefix: 's', attrs: ` Other="urn:evil" xmlns:s="${SAML}" xmlns="${SAML}"` });
    expect(el.namespaceURI).toBe(SAML);
  });

  it('the nearest declaration of a prefix wins', () => {
    const el = accepted({ inner: enc('<s:Assertion ID="_x"/>'), prefix: 's', attrs: ` xmlns:s="${SAML}"`, around: ['<r xmlns:s="urn:evil">', '</r>'] });
    expect(el.namespaceURI).toBe(SAML);
  });

  it('declared values are escaped back (&, ", <)', () => {
    const odd = 'urn:x?a=1&b="2"<3';
    const attrValue = odd.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    const el = accepted({ inner: enc('<o:Thing/>'), attrs: ` xmlns:saml="${SAML}" xmlns:o="${attrValue}"`, ns: odd, expected: ['Thing'] });
    expect(el.namespaceURI).toBe(odd);
  });
});
