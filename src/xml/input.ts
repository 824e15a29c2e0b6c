import { SamlGuardError } from '../errors.js';
import { base64Decode, latin1Decode, utf8Decode } from '../bytes/index.js';

/**
 * Turn what a person receives into XML text: XML as text or bytes, or the base64 of it (the HTTP-POST
 * binding's SAMLResponse value, line breaks allowed). The size limit is enforced before decoding.
 */
export function decodeSamlInput(input: string | Uint8Array, maxBytes: number): string | Uint8Array {
  if (input instanceof Uint8Array) {
    // Bytes: XML if the first non-space byte is '<' (after an optional BOM), else ASCII base64.
    let i = 0;
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) i = 3;
    while (i < input.length && (input[i] === 0x20 || input[i] === 0x0a || input[i] === 0x0d || input[i] === 0x09)) i++;
    if (input[i] === 0x3c || input[i] === 0xfe || input[i] === 0xff) return input;
    if (input.byteLength > Math.ceil((maxBytes * 4) / 3) + 4096) throw base64TooLarge(maxBytes);
    return fromBase64(latin1Decode(input), maxBytes);
  }
  if (typeof input !== 'string') throw new SamlGuardError('INPUT_MALFORMED', 'The SAML input must be a string or a Uint8Array.');
  const start = firstNonSpace(input);
  if (input.charCodeAt(start) === 0x3c || input.charCodeAt(start) === 0xfeff) return input;
  if (input.length > Math.ceil((maxBytes * 4) / 3) + 4096) throw base64TooLarge(maxBytes);
  return fromBase64(input, maxBytes);
}

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function base64TooLarge(maxBytes: number): SamlGuardError {
  return new SamlGuardError('XML_LIMIT_EXCEEDED', `The base64 input decodes to more than ${maxBytes} bytes (parse limit maxBytes).`, { details: { limit: 'maxBytes', max: maxBytes } });
}

function fromBase64(text: string, maxBytes: number): Uint8Array {
  // Strict and cheap: Node's decoder is lenient (it skips junk), so the input must re-encode to itself.
  // Only when that fails (line breaks, most often) is a whitespace-free copy made and compared.
  let bytes = base64Decode(text);
  if (bytes === undefined) {
    const compact = text.replace(/[\r\n\t ]+/g, '');
    if (compact.length === 0) throw new SamlGuardError('INPUT_MALFORMED', 'The input is empty.');
    bytes = base64Decode(compact);
    if (bytes === undefined) {
      const hint = /%[0-9A-Fa-f]{2}/.test(compact) ? ' It looks URL-encoded: decode the form body first (see parseSamlPostBody).' : '';
      throw new SamlGuardError('INPUT_MALFORMED', `The input is neither XML nor valid base64.${hint}`);
    }
  }
  if (bytes.byteLength === 0) throw new SamlGuardError('INPUT_MALFORMED', 'The input is empty.');
  if (bytes.byteLength > maxBytes) throw base64TooLarge(maxBytes);
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] !== 0x3c) throw new SamlGuardError('INPUT_MALFORMED', 'The base64 input does not decode to XML. (HTTP-Redirect binding messages are DEFLATE-compressed; responses arrive by HTTP-POST.)');
  return bytes;
}

/**
 * Read `SAMLResponse` and `RelayState` from an `application/x-www-form-urlencoded` body (what the
 * HTTP-POST binding delivers to an ACS URL). Throws INPUT_MALFORMED when SAMLResponse is absent or repeated.
 */
export function parseSamlPostBody(body: string | Uint8Array): { SAMLResponse: string; RelayState?: string } {
  const text = typeof body === 'string' ? body : (utf8Decode(body) ?? '');
  const params = new URLSearchParams(text.trim());
  const responses = params.getAll('SAMLResponse');
  if (responses.length !== 1) {
    throw new SamlGuardError('INPUT_MALFORMED', responses.length === 0 ? 'The form body has no SAMLResponse field.' : 'The form body has more than one SAMLResponse field.');
  }
  const relay = params.getAll('RelayState');
  if (relay.length > 1) throw new SamlGuardError('INPUT_MALFORMED', 'The form body has more than one RelayState field.');
  return relay[0] === undefined ? { SAMLResponse: responses[0]! } : { SAMLResponse: responses[0]!, RelayState: relay[0] };
}
