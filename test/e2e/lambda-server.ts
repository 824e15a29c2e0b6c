// A local HTTP server on 127.0.0.1 that turns requests into API Gateway HTTP API (payload 2.0) events for a
// Lambda proxy handler, and the handler's result back into an HTTP response: the ACS handler runs exactly
// as it would behind API Gateway.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyHandler = (event: unknown) => Promise<{ statusCode: number; headers?: Record<string, string>; body?: string; cookies?: string[]; isBase64Encoded?: boolean }>;

export function toV2Event(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k !== 'cookie' && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).filter((c) => c !== '');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    requestContext: { http: { method: req.method, path: url.pathname, sourceIp: '127.0.0.1' }, requestId: `local-${Date.now()}` },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

export async function startLambdaServer(route: (path: string) => ProxyHandler | undefined): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const handler = route(path);
      if (handler === undefined) {
        res.writeHead(404).end();
        return;
      }
      handler(toV2Event(req, Buffer.concat(chunks))).then(
        (r) => {
          const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
          if (r.cookies && r.cookies.length > 0) headers['set-cookie'] = r.cookies;
          res.writeHead(r.statusCode, headers).end(r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : (r.body ?? ''));
        },
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
