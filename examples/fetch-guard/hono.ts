// samlguard's request guard as Hono middleware: every route behind it sees the verified identity and roles.
// Runs unchanged on Cloudflare Workers, Deno, Bun and Node (with @hono/node-server).
import { Hono } from 'hono';
import { createVerifier } from 'samlguard';
import { createRequestGuard } from 'samlguard/fetch';
import { createTokenVerifier } from 'samlguard/token';

declare const IDP_METADATA: string; // your IdP's metadata XML
declare const JWKS: string; // the token issuer's public JWK Set (GET /.well-known/jwks.json of your sign-in service)

const guard = createRequestGuard({
  verifier: createVerifier({ idp: { metadata: IDP_METADATA }, audience: 'https://api.example.com/saml' }),
  tokens: createTokenVerifier({ issuer: 'https://api.example.com', audience: 'https://api.example.com/api', jwks: JWKS }),
  roles: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }],
  routes: { developer: ['GET /orders/*'] },
});

type Env = { Variables: { subject: string; roles: readonly string[] } };
const app = new Hono<Env>();

app.use('*', async (c, next) => {
  const result = await guard(c.req.raw);
  if (!result.allowed) return result.response; // 401 or 403, JSON with the samlguard code
  c.set('subject', result.identity.subject.nameId);
  c.set('roles', result.roles);
  await next();
});

app.get('/orders/:id', (c) => c.json({ order: c.req.param('id'), for: c.get('subject'), roles: c.get('roles') }));

export default app;
