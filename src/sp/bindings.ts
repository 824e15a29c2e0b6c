// The two bindings an SP sends messages with (SAML bindings §3.4 HTTP-Redirect, §3.5 HTTP-POST).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { SamlGuardError } from '../errors.js';
import { signText, type KeyFamily } from '../crypto/index.js';
import { base64Encode, utf8Encode } from '../bytes/index.js';
import { decodeStrictBase64 } from '../keys/index.js';
import type { KeyObject } from 'node:crypto';
import { signatureMethodOf, signEnveloped, type XmlSigningKey } from '../dsig/sign.js';

export const BINDING_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
export const BINDING_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

/** An HTML form to POST (the HTTP-POST binding): where, and the fields, unescaped. */
export interface PostForm {
  readonly action: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * HTTP-Redirect (§3.4.4): raw DEFLATE, base64, URL-encoded. When signing, the signature covers exactly
 * the octets sent, `SAMLRequest=…&RelayState=…&SigAlg=…` in that order (§3.4.4.1), and the query is
 * never re-serialized after signing.
 */
export function redirectUrl(destination: string, parameter: 'SAMLRequest' | 'SAMLResponse', xml: string, relayState: string | undefined, signing: { key: KeyObject; family: KeyFamily } | undefined): string {
  // On an edge runtime the web build's node:zlib stand-in refuses this with RUNTIME_UNSUPPORTED.
  const encoded = base64Encode(deflateRawSync(utf8Encode(xml)));
  let query = `${parameter}=${encodeURIComponent(encoded)}`;
  if (relayState !== undefined) query += `&RelayState=${encodeURIComponent(relayState)}`;
  if (signing !== undefined) {
    query += `&SigAlg=${encodeURIComponent(signatureMethodOf(signing.family))}`;
    query += `&Signature=${encodeURIComponent(base64Encode(signText('sha256', signing.family, signing.key, query)))}`;
  }
  return destination + (destination.includes('?') ? '&' : '?') + query;
}

/** HTTP-POST (§3.5.4): the (enveloped-signed, when a key is given) message base64-encoded in a form field. */
export function postForm(destination: string, parameter: 'SAMLRequest' | 'SAMLResponse', xml: string, relayState: string | undefined, signing: XmlSigningKey | undefined): PostForm {
  const message = signing === undefined ? xml : signEnveloped(xml, signing);
  const fields: Record<string, string> = { [parameter]: base64Encode(utf8Encode(message)) };
  if (relayState !== undefined) fields['RelayState'] = relayState;
  return Object.freeze({ action: destination, fields: Object.freeze(fields) });
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * A page that submits `form` on load (the usual HTTP-POST binding page). Every value is HTML-escaped; the
 * only script is the one-line submit, so a strict CSP can allow exactly its hash (see POST_FORM_CSP).
 */
export function postFormHtml(form: PostForm): string {
  const inputs = Object.entries(form.fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}"/>`)
    .join('');
  return (
    `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signing in…</title></head>` +
    `<body><form method="post" action="${escapeHtml(form.action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>` +
    `<script>${POST_FORM_SCRIPT}</script></body></html>`
  );
}

export const POST_FORM_SCRIPT = 'document.forms[0].submit();';
/** Content-Security-Policy for {@link postFormHtml}: only its own script (by hash), nothing else loads. */
export const POST_FORM_CSP = "default-src 'none'; script-src 'sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ='; form-action https: http:; base-uri 'none'; frame-ancestors 'none'";

/** Inflate an HTTP-Redirect message (bounded: a deflate bomb is refused). */
export function inflateRedirect(encoded: string, maxBytes: number): string {
  const raw = decodeStrictBase64(encoded);
  if (raw === undefined) throw notRedirectMessage();
  try {
    return inflateRawSync(raw, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (cause) {
    if (cause instanceof SamlGuardError) throw cause; // RUNTIME_UNSUPPORTED on an edge runtime
    throw notRedirectMessage(cause);
  }
}

function notRedirectMessage(cause?: unknown): SamlGuardError {
  return new SamlGuardError('INPUT_MALFORMED', 'The HTTP-Redirect message is not base64 of raw DEFLATE data (or inflates past the size limit).', { cause });
}
