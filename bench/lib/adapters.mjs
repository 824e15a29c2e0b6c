// The libraries under comparison, each configured as equivalently as it allows: the same trusted
// certificate, IdP entityID, SP entityID (audience), ACS URL (recipient/destination), 60 s clock skew,
// no InResponseTo expectation, and the real clock (inputs are issued at bench start).
//
// Plain ESM on purpose: the in-process benchmark (tsx) and the cold-start children (plain `node`, no
// TypeScript loader in the measured import) share this one definition of "how each library is called".
// Peers resolve from bench/node_modules; samlguard's cold start imports the built dist/index.js.
//
// Each adapter: load() imports the package; configure(mod, input) does the per-deployment setup once
// (outside the timed function) and returns an async verify(base64) function; nameIdOf(result) reads
// the subject from the library's result, so a run can check the library really accepted the input.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** CommonJS packages imported from ESM: find the object that carries `name`. */
function exportsWith(mod, name) {
  for (const candidate of [mod, mod?.default, mod?.default?.default]) {
    if (candidate && typeof candidate[name] !== 'undefined') return candidate;
  }
  throw new Error(`export ${name} not found`);
}

const utf8 = (b64) => Buffer.from(b64, 'base64').toString('utf8');

/** samlguard's configuration for an input (used by every samlguard path). */
export function samlguardOptions(input) {
  return {
    idp: { entityId: input.config.idpEntityId, certificates: [input.certificatePem] },
    audience: input.config.spEntityId,
    recipient: input.config.acsUrl,
    clockSkewSeconds: input.config.clockSkewSeconds,
  };
}

export const ADAPTERS = {
  samlguard: {
    id: 'samlguard',
    label: 'samlguard',
    packageName: 'samlguard',
    call: 'createVerifier(options) once, verifier.verify(SAMLResponse) per call',
    notes: 'Strict defaults; checks issuer, audience, recipient, destination, time, bearer confirmation.',
    load: () => import('../../dist/index.js'),
    configure(mod, input) {
      const verifier = mod.createVerifier(samlguardOptions(input));
      return (b64) => verifier.verify(b64);
    },
    nameIdOf: (r) => r?.subject?.nameId,
  },

  'node-saml': {
    id: 'node-saml',
    label: '@node-saml/node-saml',
    packageName: '@node-saml/node-saml',
    call: 'new SAML(options) once, saml.validatePostResponseAsync({ SAMLResponse }) per call',
    notes: "idpCert, idpIssuer, audience, callbackUrl; validateInResponseTo 'never'; either signature accepted (wantAssertionsSigned/wantAuthnResponseSigned false, as samlguard's default).",
    load: () => import('@node-saml/node-saml'),
    configure(mod, input) {
      const { SAML } = exportsWith(mod, 'SAML');
      const saml = new SAML({
        callbackUrl: input.config.acsUrl,
        issuer: input.config.spEntityId,
        audience: input.config.spEntityId,
        idpIssuer: input.config.idpEntityId,
        idpCert: input.certificatePem,
        wantAssertionsSigned: false,
        wantAuthnResponseSigned: false,
        validateInResponseTo: 'never',
        acceptedClockSkewMs: input.config.clockSkewSeconds * 1000,
      });
      return (b64) => saml.validatePostResponseAsync({ SAMLResponse: b64 });
    },
    nameIdOf: (r) => r?.profile?.nameID,
  },

  samlify: {
    id: 'samlify',
    label: 'samlify',
    packageName: 'samlify',
    call: "IdentityProvider + ServiceProvider once, sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse } }) per call",
    notes: 'XML schema validation SKIPPED (setSchemaValidator resolves "skipped"; the validator packages need Java). samlify checks issuer and time windows, not audience or recipient.',
    load: () => import('samlify'),
    configure(mod, input) {
      const samlify = exportsWith(mod, 'ServiceProvider');
      samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });
      const idp = samlify.IdentityProvider({
        entityID: input.config.idpEntityId,
        signingCert: input.certificatePem,
        isAssertionEncrypted: false,
        wantAuthnRequestsSigned: false,
        // Required (SSO) or warned about (SLO) by samlify's IdP metadata builder; not used to parse a response.
        singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${input.config.idpEntityId}/sso` }],
        singleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${input.config.idpEntityId}/slo` }],
      });
      const sp = samlify.ServiceProvider({
        entityID: input.config.spEntityId,
        assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: input.config.acsUrl }],
        clockDrifts: [-input.config.clockSkewSeconds * 1000, input.config.clockSkewSeconds * 1000],
      });
      return (b64) => sp.parseLoginResponse(idp, 'post', { body: { SAMLResponse: b64 } });
    },
    nameIdOf: (r) => r?.extract?.nameID,
  },

  boxyhq: {
    id: 'boxyhq',
    label: '@boxyhq/saml20',
    packageName: '@boxyhq/saml20',
    call: 'saml20.validate(xml, { publicKey, audience }) per call (base64 decoded in the call)',
    notes: 'Checks the signature, expiry and audience; not issuer or recipient. Takes XML, so the timed call includes the base64 decode.',
    load: () => import('@boxyhq/saml20'),
    configure(mod, input) {
      const saml20 = exportsWith(mod, 'validate');
      const options = { publicKey: input.certificatePem, audience: input.config.spEntityId };
      return (b64) => saml20.validate(utf8(b64), options);
    },
    nameIdOf: (r) => r?.claims?.['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier'],
  },

  'xml-crypto': {
    id: 'xml-crypto',
    label: 'xml-crypto checkSignature',
    packageName: 'xml-crypto',
    call: 'per call: base64 decode, xmldom parse, then per ds:Signature new SignedXml({ publicCert }), loadSignature, checkSignature(xml)',
    notes: 'Signature check only (no SAML rules): what every xml-crypto-based library does first. Uses the @xmldom/xmldom that xml-crypto itself depends on.',
    load: async () => {
      const xmlCrypto = await import('xml-crypto');
      // The parser xml-crypto itself uses (its own dependency), resolved from xml-crypto's location.
      const xmldomPath = createRequire(require.resolve('xml-crypto')).resolve('@xmldom/xmldom');
      const xmldom = await import(xmldomPath);
      return { xmlCrypto, xmldom };
    },
    configure(mod, input) {
      const { SignedXml } = exportsWith(mod.xmlCrypto, 'SignedXml');
      const { DOMParser } = exportsWith(mod.xmldom, 'DOMParser');
      const cert = input.certificatePem;
      return async (b64) => {
        const xml = utf8(b64);
        const doc = new DOMParser().parseFromString(xml, 'text/xml');
        const signatures = doc.getElementsByTagNameNS(DSIG_NS, 'Signature');
        if (signatures.length === 0) throw new Error('no signature');
        for (let i = 0; i < signatures.length; i++) {
          const sig = new SignedXml({ publicCert: cert, getCertFromKeyInfo: () => null });
          sig.loadSignature(signatures.item(i));
          if (!sig.checkSignature(xml)) throw new Error(`signature ${i} invalid`);
        }
        // Signature check only: report the subject the way a caller would then read it.
        const nameId = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'NameID').item(0);
        return { nameId: nameId?.textContent };
      };
    },
    nameIdOf: (r) => r?.nameId,
  },
};

/** The peers, in table order. */
export const PEER_IDS = ['node-saml', 'samlify', 'boxyhq', 'xml-crypto'];

/** Installed version of a package, read from its package.json (peers from bench/node_modules). */
export function packageVersion(packageName) {
  const file = packageName === 'samlguard' ? new URL('../../package.json', import.meta.url) : new URL(`../node_modules/${packageName}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

/** A short, single-line reason from whatever a library threw. */
export function reasonOf(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  const msg = `${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`.replace(/\s+/g, ' ').trim();
  return msg.length > 140 ? `${msg.slice(0, 137)}...` : msg;
}
