// Every real IdP metadata file in the interop corpus parses, names the IdP its case expects, and lists
// the certificate that signed the sample among its signing certificates.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseIdpMetadata } from '../../src/index.js';
import { corpusPresent, interopPath } from './corpus.js';

const root = interopPath('idp-samples');

if (corpusPresent(root, 'interop metadata')) {
  const cases = readdirSync(root)
    .filter((id) => existsSync(`${root}/${id}/metadata.xml`))
    .sort();

  describe('real IdP metadata (shared/interop/idp-samples/*/metadata.xml)', () => {
    it('the corpus has metadata files', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases)('%s', (id) => {
      const c = JSON.parse(readFileSync(`${root}/${id}/case.json`, 'utf8')) as { verifierOptions: { idp: { entityId?: string } } };
      const md = parseIdpMetadata(readFileSync(`${root}/${id}/metadata.xml`));
      if (c.verifierOptions.idp.entityId) expect(md.entityId).toBe(c.verifierOptions.idp.entityId);
      expect(md.signingCertificates.length).toBeGreaterThan(0);
      for (const pem of md.signingCertificates) expect(() => new X509Certificate(pem)).not.toThrow();
      expect(JSON.parse(JSON.stringify(md))).toEqual(md);
      if (existsSync(`${root}/${id}/cert.pem`)) {
        const fingerprints = md.signingCertificates.map((p) => new X509Certificate(p).fingerprint256);
        const trusted = new X509Certificate(readFileSync(`${root}/${id}/cert.pem`)).fingerprint256;
        // okta-7 deliberately pairs a sample with metadata carrying a different key.
        if (id !== 'okta-7') expect(fingerprints).toContain(trusted);
      }
    });
  });
}
