// Lambda proxy integration events (REST payload 1.0, HTTP API payload 2.0) as one small request shape,
// and responses in the shape each expects. Bodies are bounded before they are decoded.
import { SamlGuardError } from './core.js';

export interface ProxyRequest {
  readonly version: '1.0' | '2.0';
  readonly method: string;
  readonly path: string;
  /** Lower-cased names; repeated headers joined with ', ' (cookies are separate). */
  readonly headers: ReadonlyMap<string, string>;
  /** The query as sent (v2 rawQueryString; v1 rebuilt from the parsed parameters). */
  readonly query: URLSearchParams;
  readonly rawQuery: string;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
  /** Payload 2.0 */
  cookies?: string[];
  /** Payload 1.0 */
  multiValueHeaders?: Record<string, string[]>;
}

/** A response before it is shaped for the payload version. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
}

type Obj = Record<string, unknown>;

function lowerHeaders(headers: unknown, multi: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const add = (k: string, v: string) => out.set(k, out.has(k) ? `${out.get(k)!}, ${v}` : v);
  if (multi !== null && typeof multi === 'object') {
    for (const [k, vs] of Object.entries(multi as Obj)) if (Array.isArray(vs)) for (const v of vs) if (typeof v === 'string') add(k.toLowerCase(), v);
  }
  if (headers !== null && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as Obj)) if (typeof v === 'string' && !out.has(k.toLowerCase())) out.set(k.toLowerCase(), v);
  }
  return out;
}

/** Read a proxy event; INPUT_MALFORMED when it is none, BODY_TOO_LARGE past `maxBodyBytes` (checked on the encoded size first). */
export function readProxyEvent(event: unknown, maxBodyBytes: number): ProxyRequest {
  if (event === null || typeof event !== 'object') throw new SamlGuardError('INPUT_MALFORMED', 'The event is not an API Gateway proxy event.');
  const e = event as Obj;
  const v2 = e.version === '2.0';
  const ctx = (e.requestContext ?? {}) as Obj;
  const method = v2 ? ((ctx.http as Obj | undefined)?.method as string | undefined) : (e.httpMethod as string | undefined);
  const path = v2 ? (e.rawPath as string | undefined) : (e.path as string | undefined);
  if (typeof method !== 'string' || typeof path !== 'string') throw new SamlGuardError('INPUT_MALFORMED', 'The event is not an API Gateway proxy event (REST payload 1.0 or HTTP API payload 2.0).');
  const headers = lowerHeaders(e.headers, v2 ? undefined : e.multiValueHeaders);
  let rawQuery: string;
  if (v2) rawQuery = typeof e.rawQueryString === 'string' ? e.rawQueryString : '';
  else {
    // REST hands over decoded parameters only: re-encode them (a documented best effort).
    const q = new URLSearchParams();
    const multi = e.multiValueQueryStringParameters as Record<string, string[] | undefined> | null | undefined;
    const single = e.queryStringParameters as Record<string, string | undefined> | null | undefined;
    if (multi) for (const [k, vs] of Object.entries(multi)) for (const v of vs ?? []) q.append(k, v);
    else if (single) for (const [k, v] of Object.entries(single)) if (v !== undefined) q.append(k, v);
    rawQuery = q.toString();
  }
  const cookies = v2 && Array.isArray(e.cookies) ? (e.cookies as unknown[]).filter((c): c is string => typeof c === 'string') : (headers.get('cookie') ?? '').split(';').map((c) => c.trim()).filter((c) => c !== '');
  const rawBody = typeof e.body === 'string' ? e.body : '';
  const encoded = e.isBase64Encoded === true;
  // Base64 is 4/3 of the bytes: refuse on the encoded length before decoding anything.
  if ((encoded ? Math.floor((rawBody.length * 3) / 4) : Buffer.byteLength(rawBody, 'utf8')) > maxBodyBytes) {
    throw new SamlGuardError('BODY_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes (maxBodyBytes).`, { details: { max: maxBodyBytes } });
  }
  const body = encoded ? Buffer.from(rawBody, 'base64') : Buffer.from(rawBody, 'utf8');
  return { version: v2 ? '2.0' : '1.0', method: method.toUpperCase(), path, headers, query: new URLSearchParams(rawQuery), rawQuery, cookies, body };
}

/** Shape a reply for the payload version of the request (cookies: v2 `cookies`, v1 `multiValueHeaders`). */
export function toProxyResult(req: Pick<ProxyRequest, 'version'> | undefined, reply: Reply): ProxyResult {
  const headers = { ...reply.headers };
  const out: ProxyResult = { statusCode: reply.status, headers, body: reply.body ?? '' };
  const cookies = reply.cookies ?? [];
  if (cookies.length > 0) {
    if (req?.version === '2.0') out.cookies = cookies;
    else out.multiValueHeaders = { 'Set-Cookie': cookies };
  }
  return out;
}

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Whether the client asked for JSON (an API client) rather than a page (a browser). */
export function wantsJson(req: ProxyRequest): boolean {
  const accept = req.headers.get('accept') ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

/** An error reply: the code and its fixed description, never the input or a stack. */
export function errorReply(req: ProxyRequest | undefined, status: number, code: string, description: string): Reply {
  if (req !== undefined && !wantsJson(req)) {
    return {
      status,
      headers: { 'Content-Type': 'text/html; charset=utf-8', ...NO_STORE, 'Content-Security-Policy': "default-src 'none'" },
      body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>${escapeHtml(code)}: ${escapeHtml(description)}</p></body></html>`,
    };
  }
  return { status, headers: { 'Content-Type': 'application/json', ...NO_STORE }, body: JSON.stringify({ error: code, message: description }) };
}
