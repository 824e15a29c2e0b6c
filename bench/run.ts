/**
 * The hot path, measured: verifySignedElement and verifyAssertion on ~3 KB, ~10 KB and ~100 KB signed
 * responses, next to the cost of their parts (parse, c14n, digest, RSA verify) in the same run.
 * Run with `npm run bench`. Numbers are medians of batches; the machine and versions head the output.
 * Timing lives here, never in tests.
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import os from 'node:os';
import { signedResponse, testVerifyOptions, VALID_NOW } from '../fixtures/saml.js';
import { loadKeyPair } from '../fixtures/index.js';
import { C14N, canonicalize, createVerifier, importTrustedKeys, parseXml, verifyAssertion, verifySignedElement, type VerifyOptions } from '../src/index.js';
import { childrenNS } from '../src/xml/dom.js';

const quick = process.argv.includes('--quick');
const BUDGET_MS = quick ? 150 : 1000;

interface Result { name: string; medianUs: number; minUs: number; maxUs: number; ops: number }

function measure(name: string, fn: () => unknown): Result {
  for (let i = 0; i < 20; i++) fn(); // warm-up (JIT)
  const samples: number[] = [];
  let ops = 0;
  const end = performance.now() + BUDGET_MS;
  while (performance.now() < end || samples.length < 5) {
    const batch = 10;
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push(((performance.now() - t0) * 1000) / batch);
    ops += batch;
  }
  samples.sort((a, b) => a - b);
  return { name, medianUs: samples[Math.floor(samples.length / 2)]!, minUs: samples[0]!, maxUs: samples[samples.length - 1]!, ops };
}

async function measureAsync(name: string, fn: () => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < 20; i++) await fn();
  const samples: number[] = [];
  let ops = 0;
  const end = performance.now() + BUDGET_MS;
  while (performance.now() < end || samples.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) await fn();
    samples.push(((performance.now() - t0) * 1000) / 10);
    ops += 10;
  }
  samples.sort((a, b) => a - b);
  return { name, medianUs: samples[Math.floor(samples.length / 2)]!, minUs: samples[0]!, maxUs: samples[samples.length - 1]!, ops };
}

const fmt = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const sizes: Array<[string, number]> = [['3 KB', 0], ['10 KB', 110], ['100 KB', 1500]];
const pair = loadKeyPair('rsa2048');
const keys = importTrustedKeys([pair.certificatePem]);

console.log(`samlguard bench · node ${process.version} · ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} · ${os.platform()} ${os.arch()}${quick ? ' · quick' : ''}`);
console.log('');
console.log('| input | case | median µs/op | min | max | ratio to floor |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');

for (const [label, groups] of sizes) {
  const xml = signedResponse({ groups }, { sign: 'assertion' });
  const b64 = Buffer.from(xml).toString('base64');
  const sizeLabel = `${label} (${(xml.length / 1024).toFixed(1)} KB)`;

  // The parts, on the same document.
  const parsed = parseXml(xml);
  const assertion = childrenNS(parsed.root, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0]!;
  const signature = childrenNS(assertion, 'http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]!;
  const signedInfo = childrenNS(signature, 'http://www.w3.org/2000/09/xmldsig#', 'SignedInfo')[0]!;
  const sigValue = Buffer.from(childrenNS(signature, 'http://www.w3.org/2000/09/xmldsig#', 'SignatureValue')[0]!.textContent!.replace(/\s+/g, ''), 'base64');
  const canonicalAssertion = canonicalize(assertion, C14N.EXC, { exclude: signature });
  const canonicalSignedInfo = canonicalize(signedInfo, C14N.EXC);
  const publicKey = keys[0]!.key;

  const parts = [
    measure('base64 decode', () => Buffer.from(b64, 'base64')),
    measure('parse (hardened)', () => parseXml(xml)),
    measure('c14n assertion', () => canonicalize(assertion, C14N.EXC, { exclude: signature })),
    measure('c14n SignedInfo', () => canonicalize(signedInfo, C14N.EXC)),
    measure('sha256 of canonical', () => createHash('sha256').update(canonicalAssertion, 'utf8').digest()),
    measure('rsa-2048 verify', () => cryptoVerify('sha256', Buffer.from(canonicalSignedInfo, 'utf8'), publicKey, sigValue)),
  ];
  const floor = parts.reduce((sum, r) => sum + r.medianUs, 0);

  const options = testVerifyOptions() as VerifyOptions;
  const verifier = createVerifier(options);
  const whole = [
    measure('verifySignedElement (parse + verify)', () => {
      const p = parseXml(xml);
      const a = childrenNS(p.root, 'urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0]!;
      return verifySignedElement(a, keys);
    }),
    measure('verifier.verifySync (warm, base64)', () => verifier.verifySync(b64, { now: VALID_NOW })),
    await measureAsync('verifyAssertion (cached verifier)', () => verifyAssertion(b64, options)),
    measure('createVerifier + verify (cold)', () => createVerifier(options).verifySync(b64, { now: VALID_NOW })),
  ];
  for (const r of [...parts, ...whole]) {
    const ratio = whole.includes(r) ? `${(r.medianUs / floor).toFixed(2)}×` : '';
    console.log(`| ${sizeLabel} | ${r.name} | ${fmt(r.medianUs)} | ${fmt(r.minUs)} | ${fmt(r.maxUs)} | ${ratio} |`);
  }
  console.log(`| ${sizeLabel} | floor (sum of parts) | ${fmt(floor)} | | | 1.00× |`);
}
