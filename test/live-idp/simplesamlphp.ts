// SimpleSAMLphp (Debian's package) as a real IdP on 127.0.0.1: PHP's built-in server over its www/,
// configured in a temporary folder. Each SP it serves is described by our test; the IdP signs with its
// own key (not one samlguard's fixtures share with other suites) and publishes it in its metadata.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKeyPair } from '../../fixtures/index.js';
import { Browser, formsOf, type Page } from './browser.js';
import { freePort, SIMPLESAMLPHP_DIR } from './programs.js';

export const SSP_USERS = {
  alice: { password: 'alice-pw', attributes: { uid: ['alice'], mail: ['alice@example.com'], groups: ['engineering', 'admins'], displayName: ['Alice Example'] } },
  bob: { password: 'bob-pw', attributes: { uid: ['bob'], mail: ['bob@example.com'], groups: [] as string[], displayName: ['Bob Example'] } },
} as const;

/** One SP as the IdP knows it (saml20-sp-remote), or loaded from SP metadata XML. */
export interface SspServiceProvider {
  entityId: string;
  acs: string;
  signResponse?: boolean;
  signAssertion?: boolean;
  /** PEM certificate to encrypt the assertion to (AES-CBC + RSA-OAEP-MGF1P, SimpleSAMLphp's default). */
  encryptTo?: string;
  /** Default: emailAddress taken from `mail`. */
  nameIdFormat?: string;
  /** SLO endpoint (HTTP-Redirect). */
  singleLogoutService?: string;
  /** Ask for signed AuthnRequests (validate.authnrequest) with this SP certificate (PEM). */
  authnRequestCert?: string;
}

export interface SimpleSamlPhp {
  readonly baseUrl: string;
  readonly entityId: string;
  readonly metadataUrl: string;
  readonly ssoUrl: string;
  /** The IdP's own certificate (PEM), as its metadata publishes it. */
  readonly certificatePem: string;
  /** Log in (when asked) and return the page the IdP answers with: normally its auto-submitting form. */
  login(browser: Browser, page: Page, user: keyof typeof SSP_USERS): Promise<Page>;
  /** IdP-initiated sign-on to `spEntityId`: the SAMLResponse (base64) and RelayState the IdP would POST. */
  idpInitiated(spEntityId: string, user?: keyof typeof SSP_USERS, relayState?: string): Promise<{ SAMLResponse: string; RelayState?: string; action: string }>;
  /** The PHP server's log (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

const php = (v: unknown): string => `json_decode(${JSON.stringify(JSON.stringify(v))}, true)`;
const certData = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

export async function startSimpleSamlPhp(options: { sps?: SspServiceProvider[]; spMetadataXml?: string[]; signatureAlgorithm?: string; idpHosted?: Record<string, unknown> } = {}): Promise<SimpleSamlPhp> {
  const dir = mkdtempSync(join(tmpdir(), 'samlguard-ssp-'));
  for (const d of ['config', 'metadata', 'cert', 'log', 'data', 'tmp', 'sessions', 'docroot']) mkdirSync(join(dir, d));
  symlinkSync(join(SIMPLESAMLPHP_DIR, 'www'), join(dir, 'docroot', 'simplesaml'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const idpKey = loadKeyPair('rsa2048-next');
  writeFileSync(join(dir, 'cert', 'idp.key'), idpKey.privateKeyPem);
  writeFileSync(join(dir, 'cert', 'idp.crt'), idpKey.certificatePem);

  const config = {
    baseurlpath: `${baseUrl}/simplesaml/`,
    certdir: join(dir, 'cert') + '/',
    loggingdir: join(dir, 'log') + '/',
    datadir: join(dir, 'data') + '/',
    tempdir: join(dir, 'tmp') + '/',
    metadatadir: join(dir, 'metadata') + '/',
    secretsalt: 'samlguard-live-idp-test-salt',
    'auth.adminpassword': 'samlguard-admin',
    technicalcontact_name: 'samlguard tests',
    technicalcontact_email: 'tests@samlguard.test',
    timezone: 'UTC',
    'enable.saml20-idp': true,
    'module.enable': { exampleauth: true, core: true, saml: true, admin: true },
    'store.type': 'phpsession',
    'session.cookie.secure': false,
    'session.phpsession.savepath': join(dir, 'sessions'),
    'logging.handler': 'file',
    'logging.logfile': 'simplesamlphp.log',
    'admin.checkforupdates': false,
    'metadata.sources': [{ type: 'flatfile' }, ...(options.spMetadataXml ?? []).map((_, i) => ({ type: 'xml', file: join(dir, 'metadata', `sp-${i}.xml`) }))],
    // Loopback only, any port: our own test servers (ReturnTo after logout).
    'trusted.url.domains': ['127\\.0\\.0\\.1(:[0-9]+)?'],
    'trusted.url.regex': true,
  };
  (options.spMetadataXml ?? []).forEach((xml, i) => writeFileSync(join(dir, 'metadata', `sp-${i}.xml`), xml));
  writeFileSync(join(dir, 'config', 'config.php'), `<?php\n$config = ${php(config)};\n$config['logging.level'] = SimpleSAML\\Logger::WARNING;\n`);
  const users: Record<string, unknown> = { 0: 'exampleauth:UserPass' };
  for (const [name, u] of Object.entries(SSP_USERS)) users[`${name}:${u.password}`] = u.attributes;
  writeFileSync(join(dir, 'config', 'authsources.php'), `<?php\n$config = ['admin' => ['core:AdminPassword'], 'example-userpass' => ${php(users)}];\n`);

  const sigAlg = options.signatureAlgorithm ?? 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  const idpHosted = { host: '__DEFAULT__', privatekey: 'idp.key', certificate: 'idp.crt', auth: 'example-userpass', 'signature.algorithm': sigAlg, SingleSignOnServiceBinding: ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'], SingleLogoutServiceBinding: ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'], ...options.idpHosted };
  writeFileSync(join(dir, 'metadata', 'saml20-idp-hosted.php'), `<?php\n$metadata['__DYNAMIC:1__'] = ${php(idpHosted)};\n`);
  const remote: Record<string, unknown> = {};
  for (const sp of options.sps ?? []) {
    remote[sp.entityId] = {
      AssertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: sp.acs, index: 0 }],
      ...(sp.singleLogoutService ? { SingleLogoutService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: sp.singleLogoutService }] } : {}),
      'saml20.sign.response': sp.signResponse ?? true,
      'saml20.sign.assertion': sp.signAssertion ?? true,
      'signature.algorithm': sigAlg,
      NameIDFormat: sp.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      'simplesaml.nameidattribute': 'mail',
      'attributes.NameFormat': 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
      ...(sp.encryptTo ? { 'assertion.encryption': true, certData: certData(sp.encryptTo) } : {}),
      ...(sp.authnRequestCert ? { 'validate.authnrequest': true, 'sign.logout': true, certData: certData(sp.authnRequestCert) } : {}),
    };
  }
  writeFileSync(join(dir, 'metadata', 'saml20-sp-remote.php'), `<?php\n$metadata = ${php(remote)};\n`);

  const serverLog: string[] = [];
  const child: ChildProcess = spawn('php', ['-d', `session.save_path=${join(dir, 'sessions')}`, '-d', 'display_errors=stderr', '-S', `127.0.0.1:${port}`, '-t', join(dir, 'docroot')], {
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (b: Buffer) => {
    serverLog.push(b.toString());
    if (serverLog.length > 400) serverLog.splice(0, 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const log = () => serverLog.join('') + (() => { try { return readFileSync(join(dir, 'log', 'simplesamlphp.log'), 'utf8'); } catch { return ''; } })();

  const metadataUrl = `${baseUrl}/simplesaml/saml2/idp/metadata.php`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(metadataUrl, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`SimpleSAMLphp did not start on ${baseUrl}:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const login = async (browser: Browser, page: Page, user: keyof typeof SSP_USERS): Promise<Page> => {
    const form = formsOf(page.body, page.url).find((f) => 'password' in f.fields || 'AuthState' in f.fields);
    if (!form) return page;
    const u = SSP_USERS[user];
    return browser.submit(form, { username: user, password: u.password });
  };

  return {
    baseUrl,
    entityId: metadataUrl,
    metadataUrl,
    ssoUrl: `${baseUrl}/simplesaml/saml2/idp/SSOService.php`,
    certificatePem: idpKey.certificatePem,
    login,
    async idpInitiated(spEntityId, user = 'alice', relayState) {
      const browser = new Browser();
      const u = new URL(`${baseUrl}/simplesaml/saml2/idp/SSOService.php`);
      u.searchParams.set('spentityid', spEntityId);
      if (relayState !== undefined) u.searchParams.set('RelayState', relayState);
      const page = await login(browser, await browser.follow(u.toString()), user);
      const form = formsOf(page.body, page.url).find((f) => 'SAMLResponse' in f.fields);
      if (!form) throw new Error(`SimpleSAMLphp answered no SAMLResponse form (HTTP ${page.status}):\n${page.body.slice(0, 3000)}\n${log().slice(-3000)}`);
      return { SAMLResponse: form.fields['SAMLResponse']!, action: form.action, ...(form.fields['RelayState'] !== undefined ? { RelayState: form.fields['RelayState'] } : {}) };
    },
    log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
