/*
 * `samlguard serve`: an external authorization service (Node's http, no framework) for nginx
 * `auth_request`, Envoy `ext_authz` (HTTP service mode), Traefik `forwardAuth` and Kong forward-auth
 * plugins. Each check is the Fetch request guard's decision (shared decision code): 200 with identity
 * headers, 401 with WWW-Authenticate, 403; never a redirect or a 5xx for a decision. It can also host the
 * sign-in routes (login, ACS, metadata, JWKS, SLO) through the same handler API Gateway uses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAcsHandler, type AcsHandlerOptions } from '../adapters/apigateway/sign-in.js';
import { createRequestGuard } from '../adapters/fetch/guard.js';
import type { DoorOptions } from '../adapters/shared/decide.js';
import { SamlGuardError } from '../errors.js';

/** Names of the identity headers sent with a 200. Every one is always sent (empty when unknown). */
export interface IdentityHeaderNames {
  subject?: string;
  roles?: string;
  issuer?: string;
  expires?: string;
  credential?: string;
}

/** Options of {@link createAuthService}; validated at creation (CONFIG_INVALID). */
export interface AuthServiceOptions extends DoorOptions {
  /** Default 127.0.0.1: a proxy on the same host or network namespace calls it. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** The check endpoint (Envoy appends the original path to it). Default `/auth`. */
  checkPath?: string;
  identityHeaders?: IdentityHeaderNames;
  /** Hosts the sign-in routes when given (see createAcsHandler). */
  signIn?: AcsHandlerOptions;
  /** Peers whose X-Original-URI / X-Forwarded-* headers are believed. Default loopback only. */
  trustedProxies?: readonly string[];
  /** Largest request body (sign-in POSTs), bytes. Default 256 KiB. */
  maxBodyBytes?: number;
  /** Whole-request timeout, ms. Default 10 000. */
  requestTimeoutMs?: number;
}

export interface AuthService {
  readonly server: Server;
  listen(): Promise<{ host: string; port: number }>;
  /** Stop accepting connections and wait for in-flight requests to finish. */
  close(): Promise<void>;
}

const DEFAULT_HEADERS: Required<IdentityHeaderNames> = {
  subject: 'x-samlguard-subject',
  roles: 'x-samlguard-roles',
  issuer: 'x-samlguard-issuer',
  expires: 'x-samlguard-expires',
  credential: 'x-samlguard-credential',
};
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SERVICE_KEYS = ['host', 'port', 'checkPath', 'identityHeaders', 'signIn', 'trustedProxies', 'maxBodyBytes', 'requestTimeoutMs'] as const;

function invalid(message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `createAuthService: ${message}`);
}

/** One header value, refusing line breaks (identity values come from the IdP). */
const headerValue = (v: string): string => v.replace(/[\r\n\u0000]/g, ' ');

export function createAuthService(options: AuthServiceOptions): AuthService {
  if (options === null || typeof options !== 'object') throw invalid('options are required.');
  const door: Record<string, unknown> = { ...options };
  for (const k of SERVICE_KEYS) delete door[k];
  const guard = createRequestGuard(door as DoorOptions);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid('port must be 0-65535.');
  const checkPath = options.checkPath ?? '/auth';
  if (!checkPath.startsWith('/')) throw invalid('checkPath must start with /.');
  const names = { ...DEFAULT_HEADERS, ...options.identityHeaders };
  for (const [k, v] of Object.entries(names)) if (typeof v !== 'string' || !HEADER_NAME.test(v)) throw invalid(`identityHeaders.${k} must be a header name.`);
  const trusted = new Set((options.trustedProxies ?? ['127.0.0.1', '::1', '::ffff:127.0.0.1']).map(String));
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const signIn = options.signIn ? createAcsHandler(options.signIn) : undefined;

  /** The request being authorized: the proxy's forwarded method and URI (trusted peers only), else the check request itself. */
  function original(req: IncomingMessage): { method: string; uri: string } {
    const url = req.url ?? '/';
    const fromTrusted = trusted.has(req.socket.remoteAddress ?? '');
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    if (fromTrusted) {
      const uri = header('x-original-uri') ?? header('x-forwarded-uri');
      const method = header('x-original-method') ?? header('x-forwarded-method');
      if (uri !== undefined) return { method: (method ?? req.method ?? 'GET').toUpperCase(), uri };
    }
    // Envoy ext_authz: the check keeps the method and appends the original path to the path prefix.
    const rest = url.startsWith(checkPath) ? url.slice(checkPath.length) : url;
    return { method: (req.method ?? 'GET').toUpperCase(), uri: rest.startsWith('/') ? rest : `/${rest}` };
  }

  async function check(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, uri } = original(req);
    const headers = new Headers();
    for (const name of ['authorization', 'cookie', 'x-request-id']) {
      const v = req.headers[name];
      if (typeof v === 'string') headers.set(name, v);
    }
    let path: string;
    try {
      path = new URL(uri, 'http://check.invalid').pathname;
    } catch {
      path = '/';
    }
    const result = await guard(new Request(`http://check.invalid${path}`, { method: method === 'GET' || method === 'HEAD' ? method : method, headers }));
    if (result.allowed) {
      const id = result.identity;
      res.writeHead(200, {
        [names.subject]: headerValue(id.subject.nameId),
        [names.roles]: result.roles.join(','),
        [names.issuer]: headerValue(id.issuer),
        [names.expires]: id.expiresAt.toISOString(),
        [names.credential]: result.credential,
        'cache-control': 'no-store',
        'content-length': '0',
      });
      res.end();
      return;
    }
    const body = await result.response.text();
    const out: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) };
    const challenge = result.response.headers.get('www-authenticate');
    if (challenge !== null) out['www-authenticate'] = challenge;
    res.writeHead(result.response.status, out).end(body);
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) return undefined;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function signInRoute(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error: 'BODY_TOO_LARGE' }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local.invalid');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k !== 'cookie' && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).filter((c) => c !== '');
    const result = await signIn!({
      version: '2.0',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      cookies,
      requestContext: { http: { method: req.method, path: url.pathname, sourceIp: req.socket.remoteAddress } },
      body: body.toString('base64'),
      isBase64Encoded: true,
    });
    const out: Record<string, string | string[]> = { ...result.headers };
    if (result.cookies && result.cookies.length > 0) out['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode, out).end(result.body);
  }

  const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 60_000), maxHeaderSize: 32 * 1024 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const work =
      path === '/healthz'
        ? Promise.resolve(void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'))
        : path === checkPath || path.startsWith(`${checkPath}/`)
          ? check(req, res)
          : signIn !== undefined
            ? signInRoute(req, res)
            : Promise.resolve(void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'));
    work.catch((err: unknown) => {
      // A bug or a failing hook, never a decision: answer 500 without details (a proxy configured to fail
      // closed refuses the request).
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
      void err;
    });
  });

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve({ host: a.address, port: a.port });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
