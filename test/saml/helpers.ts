// Shared by the SAML-level tests: build a document from the fixture spec, optionally edit its DOM, and
// only then sign it, so a claim-rule test carries a VALID signature and the rule itself must catch it.
import type { Document, Element } from '@xmldom/xmldom';
import { expect } from 'vitest';
import { loadKeyPair, type FixtureName } from '../../fixtures/index.js';
import { childElements, findAll, findFirst, NS, parseXml, withDocument } from '../../fixtures/mutate.js';
import { buildAssertion, buildResponse, testVerifyOptions, type ResponseSpec } from '../../fixtures/saml.js';
import { signXml, type SignOptions } from '../../fixtures/signer.js';
import { SamlGuardError, type ErrorCode, type VerifyOptions } from '../../src/index.js';

export const ASSERTION_ID = '_a0b1c2d3e4f5061728394a5b6c7d8e9f';
export const RESPONSE_ID = '_r0b1c2d3e4f5061728394a5b6c7d8e9f';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export interface BuildOptions extends Partial<Omit<SignOptions, 'id' | 'key'>> {
  /** Which element(s) to sign. Default 'assertion'. */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  keyName?: FixtureName;
  /** Applied to the unsigned document; the signature is computed afterwards. */
  edit?: (doc: Document) => void;
  /** Applied to the unsigned XML text (after `edit`); the signature is computed afterwards. */
  rewrite?: (xml: string) => string;
}

/**
 * A Response built from `spec`, edited by `options.edit`, THEN signed (default: the Assertion, rsa2048,
 * RSA-SHA256, exclusive c14n). Same signing as fixtures' signedResponse, plus the edit hook.
 */
export function response(spec: ResponseSpec = {}, options: BuildOptions = {}): string {
  const { sign = 'assertion', keyName = 'rsa2048', edit, rewrite, ...signOptions } = options;
  let xml = buildResponse(spec);
  if (edit) xml = withDocument(xml, edit);
  if (rewrite) xml = rewrite(xml);
  const pair = loadKeyPair(keyName);
  const base = { key: pair.privateKey, certificate: pair.certificatePem, ...signOptions };
  if (sign === 'assertion' || sign === 'both') xml = signXml(xml, { ...base, id: spec.assertionId ?? ASSERTION_ID });
  if (sign === 'response' || sign === 'both') xml = signXml(xml, { ...base, id: spec.responseId ?? RESPONSE_ID });
  return xml;
}

/** A bare, signed saml:Assertion document (no Response envelope). */
export function bareAssertion(spec: ResponseSpec = {}, options: Omit<BuildOptions, 'sign'> & { sign?: boolean } = {}): string {
  const { sign = true, keyName = 'rsa2048', edit, rewrite, ...signOptions } = options;
  let xml = buildAssertion(spec);
  if (edit) xml = withDocument(xml, edit);
  if (rewrite) xml = rewrite(xml);
  if (!sign) return xml;
  const pair = loadKeyPair(keyName);
  return signXml(xml, { key: pair.privateKey, certificate: pair.certificatePem, ...signOptions, id: spec.assertionId ?? ASSERTION_ID });
}

/** The fixture verifier options (rsa2048, TEST_IDP, TEST_SP, TEST_ACS, VALID_NOW), typed. */
export function opts(extra: Partial<VerifyOptions> = {}): VerifyOptions {
  return testVerifyOptions(extra as Record<string, unknown>) as VerifyOptions;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

// ---- DOM edit helpers (applied before signing) ----

export const first = (root: Document | Element, local: string, ns: string = NS.saml): Element => findFirst(root, ns, local);
export const all = (root: Document | Element, local: string, ns: string = NS.saml): Element[] => findAll(root, ns, local);
export const assertionOf = (doc: Document): Element => first(doc, 'Assertion');
export const conditionsOf = (doc: Document): Element => first(doc, 'Conditions');
export const scdOf = (doc: Document): Element => first(doc, 'SubjectConfirmationData');

/** Parse an XML fragment (with the usual SAML prefixes declared) and import its element children into `doc`. */
export function fragment(doc: Document, xml: string): Element[] {
  const tmp = parseXml(
    `<w xmlns:saml="${NS.saml}" xmlns:samlp="${NS.samlp}" xmlns:ds="${NS.ds}" xmlns:xsi="${XSI}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">${xml}</w>`,
  );
  return childElements(tmp.documentElement!).map((e) => doc.importNode(e, true) as Element);
}

/** Insert the parsed fragment before `ref` (or append to `parent` when `ref` is null). */
export function insert(parent: Element, xml: string, ref: Element | null = null): Element[] {
  const nodes = fragment(parent.ownerDocument!, xml);
  for (const n of nodes) parent.insertBefore(n, ref);
  return nodes;
}

// ---- assertions ----

/** Await a rejection and check it is a SamlGuardError with `code`; returns it for further checks. */
export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<SamlGuardError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a rejection with ${code}`).toBeInstanceOf(SamlGuardError);
  expect(caught).toMatchObject({ code });
  return caught as SamlGuardError;
}

/** A synchronous throw with `code`. */
export function throwsWith(fn: () => unknown, code: ErrorCode): SamlGuardError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a throw with ${code}`).toBeInstanceOf(SamlGuardError);
  expect(caught).toMatchObject({ code });
  return caught as SamlGuardError;
}
