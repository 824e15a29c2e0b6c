// What signEnveloped refuses to sign, and what it publishes in KeyInfo: each rule fails its test if removed.
import { describe, expect, it } from 'vitest';
import { loadKeyPair } from '../../fixtures/index.js';
import { signEnveloped } from '../../src/dsig/sign.js';
import { importSigningKey } from '../../src/keys/signing.js';
import { parseXml, verifySignedElement } from '../../src/index.js';

const KEY = loadKeyPair('rsa2048-next');
const WITH_CERT = importSigningKey({ privateKey: KEY.privateKeyPem, certificate: KEY.certificatePem }, 'test');
const NO_CERT = importSigningKey({ privateKey: KEY.privateKeyPem }, 'test');
const P = 'urn:oasis:names:tc:SAML:2.0:protocol';
const A = 'urn:oasis:names:tc:SAML:2.0:assertion';
const message = (attrs: string, issuer = '<saml:Issuer>https://sp.example</saml:Issuer>') =>
  `<samlp:LogoutRequest xmlns:samlp="${P}" xmlns:saml="${A}"${attrs} Version="2.0">${issuer}<saml:NameID>alice</saml:NameID></samlp:LogoutRequest>`;

describe('signEnveloped', () => {
  it('signs after the Issuer; KeyInfo carries the certificate only when one was configured', () => {
    const signed = signEnveloped(message(' ID="_m1"'), WITH_CERT);
    expect(signed).toMatch(/<\/saml:Issuer><ds:Signature /);
    expect(signed).toContain(`<ds:X509Certificate>${WITH_CERT.certificateB64}</ds:X509Certificate>`);
    expect(verifySignedElement(parseXml(signed).root, [KEY.certificatePem]).element.getAttribute('ID')).toBe('_m1');
    const bare = signEnveloped(message(' ID="_m2"'), NO_CERT);
    expect(bare).not.toContain('KeyInfo');
    expect(verifySignedElement(parseXml(bare).root, [KEY.certificatePem]).element.getAttribute('ID')).toBe('_m2');
  });

  it('refuses a message without ID, without saml:Issuer, or whose Issuer is not written as saml:Issuer', () => {
    const code = { code: 'CONFIG_INVALID' };
    expect(() => signEnveloped(message(''), WITH_CERT)).toThrow(expect.objectContaining(code));
    expect(() => signEnveloped(message(' ID=""'), WITH_CERT)).toThrow(expect.objectContaining(code));
    expect(() => signEnveloped(message(' ID="_m3"', ''), WITH_CERT)).toThrow(expect.objectContaining(code));
    const otherPrefix = `<samlp:LogoutRequest xmlns:samlp="${P}" xmlns:a="${A}" ID="_m4" Version="2.0"><a:Issuer>x</a:Issuer></samlp:LogoutRequest>`;
    expect(() => signEnveloped(otherPrefix, WITH_CERT)).toThrow(expect.objectContaining(code));
    // An Issuer that is not the root's own child is no place for the signature.
    const nested = `<samlp:LogoutRequest xmlns:samlp="${P}" xmlns:saml="${A}" ID="_m5" Version="2.0"><samlp:Extensions><saml:Issuer>x</saml:Issuer></samlp:Extensions></samlp:LogoutRequest>`;
    expect(() => signEnveloped(nested, WITH_CERT)).toThrow(expect.objectContaining(code));
  });
});
