// xmlsec1 (Debian's, libxml2 + OpenSSL) as a third, independent signer: it fills in a ds:Signature
// template we write, so every algorithm and transform choice is explicit.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certPath, keyPath, type FixtureName } from '../../fixtures/index.js';

const DS = 'http://www.w3.org/2000/09/xmldsig#';
export const XMLSEC_ALGORITHMS = {
  'rsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'ecdsa-sha256': 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
} as const;

/** A ds:Signature template for `id`: exc-c14n (with an optional PrefixList), SHA-256, X509Data filled in by xmlsec1. */
export function signatureTemplate(id: string, options: { algorithm: keyof typeof XMLSEC_ALGORITHMS; prefixList?: string }): string {
  const prefixList = options.prefixList === undefined ? '' : `<ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="${options.prefixList}"/>`;
  return (
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
    `<ds:SignatureMethod Algorithm="${XMLSEC_ALGORITHMS[options.algorithm]}"/>` +
    `<ds:Reference URI="#${id}"><ds:Transforms><ds:Transform Algorithm="${DS}enveloped-signature"/>` +
    `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#">${prefixList}</ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>`
  );
}

/** Sign every template in `xml` with xmlsec1, IDs declared on samlp:Response and saml:Assertion. */
export function xmlsec1Sign(xml: string, keyName: FixtureName): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'samlguard-xmlsec1-'));
  const input = join(dir, 'template.xml');
  writeFileSync(input, xml);
  const args = [
    '--sign',
    '--privkey-pem', `${keyPath(keyName)},${certPath(keyName)}`,
    '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion',
    '--id-attr:ID', 'urn:oasis:names:tc:SAML:2.0:protocol:Response',
    input,
  ];
  return new Promise((resolve, reject) => {
    execFile('xmlsec1', args, { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (err) reject(new Error(`xmlsec1 --sign failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Verify the enveloped signature on the root of `xml` with xmlsec1 against `certificatePem` only (no
 * KeyInfo trust), IDs declared on the SAML protocol messages samlguard signs. Resolves to xmlsec1's verdict.
 */
export function xmlsec1Verify(xml: string, certificatePem: string): Promise<{ ok: boolean; detail: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'samlguard-xmlsec1-'));
  const input = join(dir, 'signed.xml');
  const cert = join(dir, 'cert.pem');
  writeFileSync(input, xml);
  writeFileSync(cert, certificatePem);
  const args = ['--verify', '--enabled-key-data', 'x509', '--pubkey-cert-pem', cert];
  for (const el of ['AuthnRequest', 'LogoutRequest', 'LogoutResponse']) args.push('--id-attr:ID', `urn:oasis:names:tc:SAML:2.0:protocol:${el}`);
  args.push(input);
  return new Promise((resolve) => {
    execFile('xmlsec1', args, { timeout: 30_000 }, (err, _stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: err === null, detail: stderr });
    });
  });
}
