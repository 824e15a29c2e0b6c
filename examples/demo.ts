/**
 * The built-in demo: the project's test IdP signs a SAML Response, samlguard verifies it, then
 * rejects classic attacks on the same bytes. Run with `npm run demo`.
 */
import { signedResponse, TEST_IDP, TEST_SP, TEST_ACS, VALID_NOW } from '../fixtures/saml.js';
import { loadKeyPair } from '../fixtures/index.js';
import { createVerifier, isSamlGuardError } from '../src/index.js';

const verifier = createVerifier({
  idp: { entityId: TEST_IDP, certificates: [loadKeyPair('rsa2048').certificatePem] },
  audience: TEST_SP,
  recipient: TEST_ACS,
});

const xml = signedResponse({ nameId: 'alice@example.com' }, { sign: 'both' });
const samlResponse = Buffer.from(xml).toString('base64'); // as the HTTP-POST binding delivers it

const identity = await verifier.verify(samlResponse, { now: VALID_NOW });
console.log('✔ accepted');
console.log(`  NameID      ${identity.subject.nameId}`);
console.log(`  issuer      ${identity.issuer}`);
console.log(`  audience    ${identity.audience}`);
console.log(`  attributes  ${JSON.stringify(identity.attributes)}`);
console.log(`  expiresAt   ${identity.expiresAt.toISOString()}`);
console.log(`  signature   ${identity.signature.covered} · ${identity.signature.algorithm.split('#')[1]} · ${identity.signature.certificateFingerprint.slice(0, 23)}…`);

const attacks: Array<[string, string, Date?]> = [
  ['NameID changed after signing', xml.replace('>alice@example.com</saml:NameID>', '>mallory@example.com</saml:NameID>')],
  ['signed by an attacker key', signedResponse({}, { sign: 'assertion', keyName: 'attacker-rsa2048' })],
  ['replayed after expiry', xml, new Date(VALID_NOW.getTime() + 3600_000)],
];
for (const [name, doc, now] of attacks) {
  try {
    await verifier.verify(doc, { now: now ?? VALID_NOW });
    console.log(`✘ ${name}: ACCEPTED (this is a bug)`);
    process.exitCode = 1;
  } catch (err) {
    if (!isSamlGuardError(err)) throw err;
    console.log(`✔ rejected ${name}: ${err.code} — ${err.message}`);
  }
}

// Comment injection (the 2018 "Duo" bug class): the attacker registers alice@example.com.evil.com, gets a
// genuine signed response, and splits its NameID with a comment. Comments are not digested, so the
// signature still verifies — a reader that stops at the first text node would see alice@example.com.
const genuine = signedResponse({ nameId: 'alice@example.com.evil.com' }, { sign: 'both' });
const injected = genuine.replace('>alice@example.com.evil.com<', '>alice@example.com<!---->.evil.com<');
const read = await verifier.verify(injected, { now: VALID_NOW });
if (read.subject.nameId === 'alice@example.com.evil.com') {
  console.log(`✔ comment injection did not truncate NameID: read ${JSON.stringify(read.subject.nameId)}`);
} else {
  console.log(`✘ comment injection truncated NameID to ${JSON.stringify(read.subject.nameId)} (this is a bug)`);
  process.exitCode = 1;
}
