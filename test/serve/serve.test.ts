/*
 * `samlguard serve` as a process, behind real nginx (Debian's, auth_request) proxying to a local upstream:
 * allowed requests reach the upstream with the identity headers; tampered and missing credentials stop at
 * nginx with 401; a role-less user gets 403. Envoy's ext_authz HTTP contract (path prefix, no forwarded
 * headers) is covered by direct requests. Everything on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certPath } from '../../fixtures/index.js';
import { signedResponse, TEST_IDP, TEST_SP } from '../../fixtures/saml.js';
import { CLI, ensureCli } from '../cli/helpers.js';
import { freePort, NGINX, programPresent } from '../live-idp/programs.js';
import { createVerifier } from '../../src/index.js';
import { createAuthService } from '../../src/server/service.js';
import { loadKeyPair } from '../../fixtures/index.js';

const now = Date.now();
const credential = (groups: string[], tamper = false) => {
  const xml = signedResponse({ issuedAt: now - 1000, lifetimeSeconds: 600, recipient: null, destination: null, attributes: { groups } });
  return `SAML ${Buffer.from(tamper ? xml.replace('alice@', 'mallory@') : xml).toString('base64')}`;
};

async function startServe(dir: string, port: number): Promise<{ child: ChildProcess; stderr: () => string; stdout: () => string }> {
  writeFileSync(
    join(dir, 'samlguard.json'),
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      idp: { entityId: TEST_IDP, certificateFiles: [certPath('rsa2048')] },
      audience: TEST_SP,
      roles: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }],
      routes: { developer: ['GET /orders/*', 'GET /health'] },
      audit: { nameId: 'plain' },
    }),
  );
  const child = spawn(process.execPath, [CLI, 'serve', '--config', join(dir, 'samlguard.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  for (let i = 0; i < 100 && !err.includes('listening'); i++) {
    if (child.exitCode !== null) throw new Error(`samlguard serve exited ${child.exitCode}: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, stderr: () => err, stdout: () => out };
}

describe('samlguard serve: configuration is validated at start', () => {
  beforeAll(async () => void (await ensureCli()), 120_000);
  it('a bad configuration exits 2 with a message naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samlguard-serve-bad-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ idp: { entityId: TEST_IDP }, audience: TEST_SP, roles: [] }));
    const child = spawn(process.execPath, [CLI, 'serve', '--config', join(dir, 'bad.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toMatch(/idp needs metadataFile, or entityId and certificateFiles/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('samlguard serve: the ext_authz / forward-auth contract (direct requests)', () => {
  let dir: string;
  let serve: Awaited<ReturnType<typeof startServe>>;
  let base: string;
  beforeAll(async () => {
    await ensureCli();
    dir = mkdtempSync(join(tmpdir(), 'samlguard-serve-'));
    const port = await freePort();
    serve = await startServe(dir, port);
    base = `http://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(() => {
    serve?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('/healthz answers 200', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('Envoy style: the original path after the check prefix; 200 with every identity header, no body', async () => {
    const r = await fetch(`${base}/auth/orders/42`, { headers: { authorization: credential(['engineering']) } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-samlguard-subject')).toBe('alice@example.com');
    expect(r.headers.get('x-samlguard-roles')).toBe('developer');
    expect(r.headers.get('x-samlguard-issuer')).toBe(TEST_IDP);
    expect(r.headers.get('x-samlguard-credential')).toBe('SAML');
    expect(r.headers.get('x-samlguard-expires')).toMatch(/^\d{4}-/);
    expect(await r.text()).toBe('');
  });

  it('nginx style: X-Original-URI and X-Original-Method from a trusted (loopback) proxy decide the route', async () => {
    const h = { authorization: credential(['engineering']), 'x-original-uri': '/admin/users?x=1', 'x-original-method': 'DELETE' };
    const r = await fetch(`${base}/auth`, { headers: h });
    expect(r.status).toBe(403);
    expect(await r.json()).toMatchObject({ error: 'ROUTE_NOT_PERMITTED' });
  });

  it('401 with WWW-Authenticate for a missing or tampered credential; never a redirect or 5xx', async () => {
    const missing = await fetch(`${base}/auth/orders/1`, { redirect: 'manual' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/realm="samlguard"/);
    const tampered = await fetch(`${base}/auth/orders/1`, { headers: { authorization: credential(['engineering'], true) } });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ error: 'DIGEST_MISMATCH' });
  });

  it('one audit line per decision on stdout', async () => {
    await fetch(`${base}/auth/orders/7`, { headers: { authorization: credential(['engineering']) } });
    const lines = serve.stdout().trim().split('\n').map((l) => JSON.parse(l) as { event: string; outcome: string });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.every((l) => l.event === 'samlguard.decision')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ outcome: 'allow', principal: 'alice@example.com', eventType: 'FETCH' });
  });

  it('SIGTERM: stops gracefully (exit 0)', async () => {
    const extra = await startServe(dir, await freePort());
    extra.child.kill('SIGTERM');
    const code = await new Promise((r) => extra.child.on('exit', r));
    expect(code).toBe(0);
    expect(extra.stderr()).toContain('SIGTERM: finishing in-flight requests');
  });
});

describe('samlguard serve: forwarded request headers are believed from trusted proxies only', () => {
  it('X-Original-URI / -Method from a peer outside trustedProxies are ignored: the check path decides', async () => {
    const start = async (trustedProxies?: string[]) => {
      const service = createAuthService({
        verifier: createVerifier({ idp: { entityId: TEST_IDP, certificates: [loadKeyPair('rsa2048').certificatePem] }, audience: TEST_SP }),
        roles: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }],
        routes: { developer: ['GET /orders/*'] },
        port: 0,
        ...(trustedProxies === undefined ? {} : { trustedProxies }),
      });
      const { port } = await service.listen();
      return { service, base: `http://127.0.0.1:${port}` };
    };
    // A forged X-Original-URI naming a permitted route must not open a forbidden one, and vice versa.
    const forged = { authorization: credential(['engineering']), 'x-original-uri': '/orders/1', 'x-original-method': 'GET' };
    const untrusted = await start(['10.9.9.9']);
    const trusted = await start();
    try {
      expect((await fetch(`${untrusted.base}/auth/admin/users`, { method: 'DELETE', headers: forged })).status).toBe(403);
      expect((await fetch(`${untrusted.base}/auth/orders/42`, { headers: forged })).status).toBe(200);
      // The same request from a trusted (loopback) peer: the forwarded URI decides.
      expect((await fetch(`${trusted.base}/auth/admin/users`, { method: 'DELETE', headers: forged })).status).toBe(200);
    } finally {
      await untrusted.service.close();
      await trusted.service.close();
    }
  });
});

if (programPresent('nginx', 'samlguard serve behind nginx')) {
  describe('samlguard serve behind nginx auth_request', () => {
    let dir: string;
    let serve: Awaited<ReturnType<typeof startServe>>;
    let upstream: Server;
    let nginx: ChildProcess;
    let front: string;
    const seen: Array<Record<string, string | string[] | undefined>> = [];

    beforeAll(async () => {
      await ensureCli();
      dir = mkdtempSync(join(tmpdir(), 'samlguard-nginx-'));
      const servePort = await freePort();
      serve = await startServe(dir, servePort);
      upstream = createServer((req, res) => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subject: req.headers['x-user'] ?? null, roles: req.headers['x-roles'] ?? null }));
      });
      await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
      const upPort = (upstream.address() as AddressInfo).port;
      const nginxPort = await freePort();
      for (const d of ['logs', 'tmp']) mkdirSync(join(dir, d));
      writeFileSync(
        join(dir, 'nginx.conf'),
        `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/logs/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body; proxy_temp_path ${dir}/tmp/proxy; fastcgi_temp_path ${dir}/tmp/fastcgi; uwsgi_temp_path ${dir}/tmp/uwsgi; scgi_temp_path ${dir}/tmp/scgi;
  server {
    listen 127.0.0.1:${nginxPort};
    location = /_samlguard {
      internal;
      proxy_pass http://127.0.0.1:${servePort}/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
    location / {
      auth_request /_samlguard;
      auth_request_set $samlguard_subject $upstream_http_x_samlguard_subject;
      auth_request_set $samlguard_roles $upstream_http_x_samlguard_roles;
      proxy_set_header X-User $samlguard_subject;
      proxy_set_header X-Roles $samlguard_roles;
      proxy_set_header Authorization "";
      proxy_pass http://127.0.0.1:${upPort};
    }
  }
}
`,
      );
      nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
      front = `http://127.0.0.1:${nginxPort}`;
      for (let i = 0; i < 100; i++) {
        try {
          await fetch(front, { signal: AbortSignal.timeout(500) });
          break;
        } catch {
          if (nginx.exitCode !== null) throw new Error(`nginx exited ${nginx.exitCode}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }, 120_000);
    afterAll(async () => {
      nginx?.kill('SIGTERM');
      serve?.child.kill('SIGTERM');
      await new Promise<void>((r) => (upstream ? upstream.close(() => r()) : r()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('an allowed request reaches the upstream with the identity headers (and without the credential)', async () => {
      const before = seen.length;
      const r = await fetch(`${front}/orders/42`, { headers: { authorization: credential(['engineering']) } });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ subject: 'alice@example.com', roles: 'developer' });
      expect(seen.length).toBe(before + 1);
      expect(seen.at(-1)!['authorization']).toBeUndefined();
    });

    it('tampered and missing credentials stop at nginx with 401; the upstream never sees them', async () => {
      const before = seen.length;
      expect((await fetch(`${front}/orders/42`, { headers: { authorization: credential(['engineering'], true) } })).status).toBe(401);
      expect((await fetch(`${front}/orders/42`)).status).toBe(401);
      expect(seen.length).toBe(before);
    });

    it('a user without a role gets 403; a route the role does not permit gets 403', async () => {
      const before = seen.length;
      expect((await fetch(`${front}/orders/42`, { headers: { authorization: credential(['sales']) } })).status).toBe(403);
      expect((await fetch(`${front}/admin`, { method: 'DELETE', headers: { authorization: credential(['engineering']) } })).status).toBe(403);
      expect(seen.length).toBe(before);
    });
  });
}
