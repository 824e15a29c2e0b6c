/** Help texts. Flag names and exit codes here are the CLI's public contract: change them only additively. */
import { METADATA_TIMEOUT_MS } from './config.js';

export const EXIT_CODES_TEXT = `Exit codes:
  0  accepted (verify) / decoded (inspect) / done
  1  rejected (verify) / not decodable as SAML XML (inspect)
  2  no verdict: usage error, invalid configuration, unreadable file, unreachable metadata URL,
     or demo outside a source checkout`;

export const MAIN_HELP = `samlguard — verify and debug SAML 2.0 responses on your own machine, offline.

Usage:
  samlguard verify <file|-> [options]   verify a response with the samlguard library; explain every check
  samlguard inspect <file|->            decode and pretty-print a response WITHOUT trusting it
  samlguard demo                        run the built-in demo (from a source checkout)
  samlguard serve --config <file.json>  run the authorization service for nginx/Envoy/Kong/Traefik
  samlguard help [command]              help for a command
  samlguard --version

The input (a file, or - for stdin) may be the XML, the base64 SAMLResponse value, or the whole
form body "SAMLResponse=…&RelayState=…" (URL-decoded automatically), e.g. copied from the browser's
network tab: the POST to your ACS URL → Payload.

Nothing leaves your machine: verify and inspect make no network request, except to fetch
--metadata when you give it as an http(s) URL.

Examples:
  samlguard verify response.b64 --metadata okta-metadata.xml --audience https://api.example.com/saml
  pbpaste | samlguard inspect -

${EXIT_CODES_TEXT}

Run "samlguard <command> --help" for the options of a command.
`;

export const VERIFY_HELP = `Usage: samlguard verify <file|-> (--metadata <file|url> | --cert <file>... --entity-id <id>) --audience <id>... [options]

Verify a SAML Response (or a bare Assertion) exactly as the samlguard library does, then show every
check in order with ✔/✘, the verified identity, or — on rejection — the error code, the element path
and what to change.

Trust (at least one of --metadata / --cert):
  --metadata <file|url>       IdP metadata XML: its entityID and every signing certificate are trusted.
                              An http(s) URL is fetched (needs network; ${METADATA_TIMEOUT_MS / 1000} s timeout) — the only
                              network access the CLI makes. A downloaded file works offline.
  --cert <file>               IdP signing certificate (PEM or DER), repeatable (key rotation).
  --entity-id <id>            IdP entityID; every Issuer must equal it. Required with --cert;
                              with --metadata it selects one IdP from an aggregate.

Expectations:
  --audience <id>             your SP entity ID as configured at the IdP (required; repeatable)
  --recipient <url>           your ACS URL: checked against Recipient and Destination
  --in-response-to <id>       the AuthnRequest ID this response must answer (SP-initiated login)
  --now <ISO 8601>            judge time as of this instant, e.g. 2026-01-15T10:01:00Z (default: now)
  --clock-skew <seconds>      tolerated IdP clock difference (default 60, at most 3600)

Opt-ins that weaken a default (each is named for what it allows):
  --allow-sha1                         accept SHA-1 signatures/digests (lowers the RSA floor to 1024)
  --min-rsa-key-bits <n>               accept RSA keys down to n bits (default 2048)
  --allow-missing-audience-restriction accept an assertion without any AudienceRestriction
  --allow-missing-subject-confirmation-data
                                       accept a bearer confirmation without SubjectConfirmationData
  --allow-empty-reference-uri          accept Reference URI="" on a nested element's signature
Stricter:
  --require-signed-assertion           demand the Assertion's own signature

Encryption and roles:
  --decryption-key <file>     SP private key (PEM or DER PKCS#8) for an EncryptedAssertion/EncryptedID/
                              EncryptedAttribute; repeatable (rotation). Read locally, never printed.
  --roles <rules.json>        map roles with the library's mapRoles: a JSON array of rules such as
                              [{ "attribute": "groups", "equals": "admins", "role": "admin" },
                               { "nameId": true, "glob": "*@example.com", "role": "staff" }]
                              Invalid rules exit 2; a mapping error (e.g. GROUPS_OVERAGE) rejects;
                              no matching rule is reported as no role (deny by default).

Output:
  --json                      print one JSON object: { accepted, code, path, message, hint, checks[],
                              identity, input, verifier }
  -h, --help                  this help

Examples:
  # A response saved from the browser, checked against the IdP's metadata file:
  samlguard verify response.b64 --metadata okta-metadata.xml --audience https://api.example.com/saml

  # The whole form body from the clipboard (macOS), with the IdP's certificate:
  pbpaste | samlguard verify - --cert okta.pem --entity-id http://www.okta.com/exk123 \\
      --audience https://api.example.com/saml --recipient https://api.example.com/acs

  # A response captured earlier, judged as of when it was issued; machine-readable:
  samlguard verify response.xml --metadata https://idp.example.com/metadata \\
      --audience urn:example:sp --now 2026-01-15T10:01:00Z --json | jq .hint

${EXIT_CODES_TEXT}
`;

export const INSPECT_HELP = `Usage: samlguard inspect <file|-> [--now <ISO 8601>] [--json]

Decode and pretty-print a SAML Response WITHOUT verifying it — the safe, offline replacement for
online SAML decoders (never paste production responses into a website: they are live credentials
until they expire). The first line of the output says UNVERIFIED: nothing shown is trusted.

Shows: issuer, audience, times relative to now, NameID, subject confirmation, attributes, status,
and every signature: which element carries it, what its Reference points at, the algorithms, and the
KeyInfo certificate (subject, SHA-256 fingerprint, validity) — handy for building --cert/--metadata.

Options:
  --now <ISO 8601>   show times relative to this instant instead of the system clock
  --json             print one JSON object ({ verified: false, … })
  -h, --help         this help

Examples:
  samlguard inspect response.xml
  pbpaste | samlguard inspect -
  samlguard inspect form-body.txt --json | jq '.signatures[].certificates[].fingerprint'

Exit codes: 0 decoded, 1 not decodable as SAML XML, 2 usage error or unreadable file.
`;

export const DEMO_HELP = `Usage: samlguard demo

Run the built-in demo (the same as "npm run demo"): the project's test IdP signs a SAML Response,
samlguard verifies it, then rejects tampered copies. The demo and its test keys ship with the source
repository, not with the npm package: run it from a checkout after "npm ci".
`;

export const SERVE_HELP = `Usage: samlguard serve --config <file.json> [--host H] [--port N]

Run the external authorization service: nginx auth_request, Envoy ext_authz (HTTP service mode),
Traefik forwardAuth and Kong forward-auth call GET /auth for every request. It answers 200 with
identity headers (x-samlguard-subject, -roles, -issuer, -expires, -credential), 401 with
WWW-Authenticate, or 403; /healthz answers 200. With "signIn" in the configuration it also serves
/saml/login, /saml/acs, /saml/metadata, /.well-known/jwks.json and /saml/slo.

The configuration file (JSON) is validated at start; SAMLGUARD_HOST, SAMLGUARD_PORT and
SAMLGUARD_CONFIG come from the environment. It listens on 127.0.0.1:8080 by default and stops
gracefully on SIGTERM (in-flight requests finish). One audit line per decision goes to stdout.
`;
