/*
 * `samlguard serve --config samlguard.json`: the configuration file (JSON) and environment variables,
 * validated at start with messages that name the field. File paths are relative to the config file.
 *
 *   { "listen": { "host": "127.0.0.1", "port": 8080 },
 *     "idp": { "metadataFile": "idp.xml" } | { "entityId": "...", "certificateFiles": ["idp.pem"] },
 *     "audience": "https://api.example.com/saml", "recipient": "https://api.example.com/saml/acs",
 *     "roles": [ { "attribute": "groups", "equals": "engineering", "role": "developer" } ],
 *     "routes": { "developer": ["GET /orders/*"] },
 *     "tokens": { "issuer": "...", "audience": "...", "jwksFile": "jwks.json" },
 *     "cookie": "samlguard_session", "identityHeaders": { "subject": "x-user" },
 *     "audit": { "nameId": "hash", "hashKeyEnv": "AUDIT_HASH_KEY" },
 *     "signIn": { "entityId": "...", "acsUrl": "...", "signingKeyFile": "sp.key", "signingCertificateFile": "sp.crt",
 *                 "tokenKeys": [ { "kid": "k1", "alg": "ES256", "privateKeyFile": "token.key" } ],
 *                 "tokenIssuer": "...", "tokenAudience": "...", "allowedOrigins": ["https://app.example.com"] } }
 * Environment: SAMLGUARD_HOST and SAMLGUARD_PORT override listen.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SamlGuardError } from '../errors.js';
import { auditLog } from '../telemetry/audit.js';
import { createServiceProvider } from '../sp/service-provider.js';
import { createTokenIssuer, type TokenSigningKeyOptions } from '../token/issuer.js';
import { createTokenVerifier } from '../token/verifier.js';
import { createVerifier } from '../verifier.js';
import type { AuthServiceOptions } from './service.js';

const fail = (message: string): never => {
  throw new SamlGuardError('CONFIG_INVALID', `samlguard serve: ${message}`);
};

type Json = Record<string, unknown>;

function obj(v: unknown, where: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${where} must be an object.`);
  return v as Json;
}
function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') fail(`${where} must be a non-empty string.`);
  return v as string;
}
function optStr(v: unknown, where: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, where);
}

/** Read the config file and the environment into service options (CONFIG_INVALID naming the field). */
export function loadServeConfig(file: string, env: Record<string, string | undefined>): AuthServiceOptions {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new SamlGuardError('CONFIG_INVALID', `samlguard serve: cannot read ${file} as JSON (${(cause as Error).message.slice(0, 200)}).`, { cause });
  }
  const c = obj(raw, 'the configuration');
  const base = dirname(resolve(file));
  const read = (p: unknown, where: string) => {
    const path = resolve(base, str(p, where));
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return fail(`${where}: cannot read ${path}.`);
    }
  };
  const known = new Set(['listen', 'idp', 'audience', 'recipient', 'roles', 'routes', 'tokens', 'cookie', 'header', 'scheme', 'identityHeaders', 'audit', 'signIn', 'checkPath', 'trustedProxies', 'clockSkewSeconds', 'allowSha1']);
  for (const k of Object.keys(c)) if (!known.has(k)) fail(`unknown field "${k.slice(0, 40)}" (known: ${[...known].join(', ')}).`);

  const listen = c['listen'] === undefined ? {} : obj(c['listen'], 'listen');
  const host = env['SAMLGUARD_HOST'] ?? optStr(listen['host'], 'listen.host') ?? '127.0.0.1';
  const portText = env['SAMLGUARD_PORT'] ?? (listen['port'] === undefined ? '8080' : String(listen['port']));
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : fail(`the port must be a number (got "${portText.slice(0, 20)}").`);

  const options: AuthServiceOptions = { host, port };
  let verifier;
  if (c['idp'] !== undefined) {
    const idp = obj(c['idp'], 'idp');
    const audience = str(c['audience'], 'audience');
    const idpOptions =
      idp['metadataFile'] !== undefined
        ? { metadata: read(idp['metadataFile'], 'idp.metadataFile') }
        : { entityId: str(idp['entityId'], 'idp.entityId'), certificates: (Array.isArray(idp['certificateFiles']) ? idp['certificateFiles'] : fail('idp needs metadataFile, or entityId and certificateFiles.')).map((f: unknown, i: number) => read(f, `idp.certificateFiles[${i}]`)) };
    verifier = createVerifier({
      idp: idpOptions,
      audience,
      recipient: optStr(c['recipient'], 'recipient') ?? null,
      clockSkewSeconds: typeof c['clockSkewSeconds'] === 'number' ? c['clockSkewSeconds'] : null,
      allowSha1: c['allowSha1'] === true,
    });
    options.verifier = verifier;
  }
  if (c['tokens'] !== undefined) {
    const t = obj(c['tokens'], 'tokens');
    options.tokens = createTokenVerifier({ issuer: str(t['issuer'], 'tokens.issuer'), audience: str(t['audience'], 'tokens.audience'), jwks: t['jwksFile'] !== undefined ? read(t['jwksFile'], 'tokens.jwksFile') : (obj(t['jwks'], 'tokens.jwks') as never) });
  }
  if (c['roles'] !== undefined) options.roles = c['roles'] as never;
  if (c['routes'] !== undefined) options.routes = c['routes'] as never;
  for (const k of ['cookie', 'header', 'scheme', 'checkPath'] as const) if (c[k] !== undefined) (options as Json)[k] = str(c[k], k);
  if (c['identityHeaders'] !== undefined) options.identityHeaders = obj(c['identityHeaders'], 'identityHeaders') as never;
  if (c['trustedProxies'] !== undefined) options.trustedProxies = (Array.isArray(c['trustedProxies']) ? c['trustedProxies'] : fail('trustedProxies must list IP addresses.')).map((x: unknown, i: number) => str(x, `trustedProxies[${i}]`));
  if (c['audit'] !== false) {
    const a = c['audit'] === undefined ? {} : obj(c['audit'], 'audit');
    const hashKeyEnv = optStr(a['hashKeyEnv'], 'audit.hashKeyEnv');
    const hashKey = hashKeyEnv === undefined ? undefined : (env[hashKeyEnv] ?? fail(`audit.hashKeyEnv names ${hashKeyEnv}, which is not set.`));
    options.onDecision = auditLog({ ...(a['nameId'] !== undefined ? { nameId: a['nameId'] as 'plain' } : {}), ...(hashKey !== undefined ? { hashKey } : {}) });
  }
  if (c['signIn'] !== undefined) {
    const s = obj(c['signIn'], 'signIn');
    if (c['idp'] === undefined) fail('signIn needs idp.');
    const idp = obj(c['idp'], 'idp');
    const sp = createServiceProvider({
      entityId: str(s['entityId'] ?? c['audience'], 'signIn.entityId'),
      acsUrl: str(s['acsUrl'] ?? c['recipient'], 'signIn.acsUrl'),
      idp: idp['metadataFile'] !== undefined ? { metadata: read(idp['metadataFile'], 'idp.metadataFile') } : { entityId: str(idp['entityId'], 'idp.entityId'), certificates: (idp['certificateFiles'] as unknown[]).map((f, i) => read(f, `idp.certificateFiles[${i}]`)), ssoUrl: str(idp['ssoUrl'], 'idp.ssoUrl') },
      ...(s['signingKeyFile'] !== undefined ? { signing: { privateKey: read(s['signingKeyFile'], 'signIn.signingKeyFile'), certificate: read(s['signingCertificateFile'], 'signIn.signingCertificateFile') } } : {}),
      relayState: { allowedOrigins: Array.isArray(s['allowedOrigins']) ? (s['allowedOrigins'] as string[]) : [] },
    });
    const keys = (Array.isArray(s['tokenKeys']) ? s['tokenKeys'] : fail('signIn.tokenKeys must list { kid, alg, privateKeyFile }.')).map((k: unknown, i: number) => {
      const key = obj(k, `signIn.tokenKeys[${i}]`);
      return { kid: str(key['kid'], `signIn.tokenKeys[${i}].kid`), alg: str(key['alg'], `signIn.tokenKeys[${i}].alg`), privateKey: read(key['privateKeyFile'], `signIn.tokenKeys[${i}].privateKeyFile`) } as TokenSigningKeyOptions;
    });
    const tokens = createTokenIssuer({ issuer: str(s['tokenIssuer'], 'signIn.tokenIssuer'), audience: str(s['tokenAudience'], 'signIn.tokenAudience'), keys });
    options.signIn = { sp, tokens, roles: (c['roles'] ?? fail('signIn needs roles.')) as never };
  }
  return options;
}
