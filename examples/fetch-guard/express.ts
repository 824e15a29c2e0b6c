// samlguard's request guard in Express 5: turn the Node request into a WHATWG Request, then decide.
import express, { type NextFunction, type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { createVerifier } from 'samlguard';
import { createRequestGuard } from 'samlguard/fetch';

declare const IDP_METADATA: string;
const guard = createRequestGuard({
  verifier: createVerifier({ idp: { metadata: IDP_METADATA }, audience: 'https://api.example.com/saml' }),
  roles: [{ attribute: 'groups', equals: 'engineering', role: 'developer' }],
});

async function samlguard(req: ExpressRequest, res: ExpressResponse, next: NextFunction): Promise<void> {
  const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : v] as [string, string]])));
  const result = await guard(new Request(`https://${req.headers.host ?? 'localhost'}${req.originalUrl}`, { method: req.method, headers }));
  if (!result.allowed) {
    result.response.headers.forEach((value, name) => void res.set(name, value));
    res.status(result.response.status).send(await result.response.text());
    return;
  }
  res.locals['identity'] = result.identity;
  res.locals['roles'] = result.roles;
  next();
}

const app = express();
app.use((req, res, next) => void samlguard(req, res, next).catch(next));
app.get('/orders/:id', (req, res) => void res.json({ order: req.params.id, roles: res.locals['roles'] }));
app.listen(3000, '127.0.0.1');
