// pysaml2 (Debian's python3-pysaml2) as an IdP library: a Python script builds fresh Responses with
// Server.create_authn_response, signed through xmlsec1 as pysaml2 always does.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { certPath, keyPath, type FixtureName } from '../../fixtures/index.js';
import { SYSTEM_PYTHON } from './programs.js';

const SCRIPT = fileURLToPath(new URL('./pysaml2_idp.py', import.meta.url));

export interface Pysaml2Case {
  name: string;
  spEntityId: string;
  acs: string;
  inResponseTo?: string;
  nameId: string;
  nameIdFormat: string;
  identity: Record<string, string[]>;
  signResponse?: boolean;
  signAssertion?: boolean;
  encrypt?: boolean;
  contentEncryption?: 'aes128-cbc' | 'aes256-cbc' | 'aes128-gcm' | 'aes256-gcm';
}

/** Run the pysaml2 IdP once for several cases; resolves to case name → Response XML. */
export function pysaml2Responses(job: { idp: string; keyName: FixtureName; spMetadata: string; cases: Pysaml2Case[] }): Promise<Record<string, string>> {
  const input = JSON.stringify({ idp: job.idp, key: keyPath(job.keyName), cert: certPath(job.keyName), spMetadata: job.spMetadata, cases: job.cases });
  return new Promise((resolve, reject) => {
    const child = execFile(SYSTEM_PYTHON, [SCRIPT], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`pysaml2 failed: ${err.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as Record<string, string>);
      } catch {
        reject(new Error(`pysaml2 printed no JSON:\n${stdout.slice(0, 2000)}\n${stderr}`));
      }
    });
    child.stdin!.end(input);
  });
}

/** SP metadata as pysaml2 needs it: the ACS and, for encryption, the SP's certificate. */
export function spMetadataXml(entityId: string, acs: string, encryptionCertPem?: string): string {
  const b64 = encryptionCertPem?.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const key = b64
    ? `<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${b64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`
    : '';
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${entityId}">` +
    `<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAssertionsSigned="true">${key}` +
    `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${acs}" index="0"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}
