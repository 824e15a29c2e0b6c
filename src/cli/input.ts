import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SamlGuardError } from '../errors.js';
import { parseSamlPostBody } from '../xml/input.js';
import { UsageError, type CliIo } from './io.js';

/**
 * The most the CLI reads from a file or stdin. A SAML response is at most 1 MiB of XML (the parser's
 * limit); base64 and URL encoding of that stay far below this. Anything larger is not a response, and
 * reading it whole would only waste memory before the parser refuses it.
 */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** Where the input came from, for the report ("response.xml", "stdin"). */
export interface RawInput {
  readonly label: string;
  readonly bytes: Buffer;
}

/** Read `source` ("-" = stdin) whole, refusing more than {@link MAX_READ_BYTES}. */
export async function readSource(source: string, io: CliIo, what = 'input'): Promise<RawInput> {
  if (source === '-') {
    if (io.stdin.isTTY === true) io.stderr.write('Reading the response from stdin (paste it, then press Ctrl-D)…\n');
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of io.stdin) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
      total += buf.byteLength;
      if (total > MAX_READ_BYTES) throw new UsageError('IO', `The ${what} on stdin is larger than ${MAX_READ_BYTES / 1024 / 1024} MiB; that is not a SAML response.`);
      chunks.push(buf);
    }
    return { label: 'stdin', bytes: Buffer.concat(chunks) };
  }
  return { label: source, bytes: await readBoundedFile(source, io, what) };
}

/** Read a file named on the command line, with errors that name the file and the flag, never its content. */
export async function readBoundedFile(file: string, io: CliIo, what: string): Promise<Buffer> {
  const path = resolve(io.cwd, file);
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UsageError('IO', `The ${what} ${JSON.stringify(file)} is a directory, not a file.`);
    if (info.size > MAX_READ_BYTES) throw new UsageError('IO', `The ${what} ${JSON.stringify(file)} is larger than ${MAX_READ_BYTES / 1024 / 1024} MiB; that is not what samlguard expects.`);
    return await readFile(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be read (${code ?? 'unknown error'})`;
    throw new UsageError('IO', `The ${what} ${JSON.stringify(file)} ${why}.`);
  }
}

/** How the response arrived, after the CLI unwrapped it. */
export type InputFormat = 'xml' | 'base64' | 'form' | 'url-encoded';

/** What the verifier is given: XML bytes or base64 text, exactly as the library accepts them. */
export interface SamlInput {
  readonly value: string | Uint8Array;
  readonly format: InputFormat;
  /** RelayState of a form body (attacker-controlled like everything else: bound it before printing). */
  readonly relayState?: string;
}

/**
 * Unwrap what people paste: XML, the base64 `SAMLResponse` value, a whole
 * `SAMLResponse=…&RelayState=…` form body, or a URL-encoded base64 value. Only the transport encoding
 * is removed here; what remains is decoded and judged by the library (the single source of truth).
 * A form body without a single SAMLResponse throws the library's INPUT_MALFORMED.
 */
export function toSamlInput(bytes: Buffer): SamlInput {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  // '<' or a UTF-16 byte-order mark: XML bytes, left to the library (which refuses UTF-16 with a clear code).
  if (bytes[i] === 0x3c || bytes[i] === 0xfe || bytes[i] === 0xff) return { value: bytes, format: 'xml' };

  const text = bytes.toString('utf8').trim();
  if (/(?:^|&)SAMLResponse=/.test(text)) {
    const body = parseSamlPostBody(text);
    return body.RelayState === undefined ? { value: body.SAMLResponse, format: 'form' } : { value: body.SAMLResponse, format: 'form', relayState: body.RelayState };
  }
  if (/(?:^|&)SAMLRequest=/.test(text)) {
    throw new SamlGuardError('INPUT_MALFORMED', 'The form body carries a SAMLRequest (what the SP sends to the IdP), not a SAMLResponse.');
  }
  if (/%[0-9A-Fa-f]{2}/.test(text)) {
    // A value copied out of a form body. In form encoding '+' means space, but a base64 '+' is sent as
    // %2B; a literal '+' next to %2B escapes therefore means form encoding, otherwise it is base64's own.
    const formEncoded = /%2B/i.test(text) && text.includes('+');
    try {
      return { value: decodeURIComponent(formEncoded ? text.replace(/\+/g, ' ') : text), format: 'url-encoded' };
    } catch {
      // Not valid percent-encoding: hand the text over unchanged and let the library say why it is refused.
    }
  }
  return { value: text, format: 'base64' };
}
