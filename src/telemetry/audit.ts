/*
 * One JSON line per authorizer decision, for CloudWatch Logs (or any log pipeline), optionally carrying
 * CloudWatch Embedded Metric Format so that the same line becomes metrics with no API call. The library
 * never logs by itself: this is a ready-made `onDecision` handler. Nothing secret is written: no
 * assertion, token or signature; the NameID only as configured; attribute values only those listed.
 */
import { utf8Encode } from '../bytes/index.js';
import { createHmac } from 'node:crypto';
import { SamlGuardError } from '../errors.js';

/** The decision shape this module reads (the authorizer's `AuthorizerDecision`, structurally). */
export interface DecisionLike {
  at: string;
  event: string;
  resource: string;
  requestId?: string;
  sourceIp?: string;
  effect: 'allow' | 'deny' | 'unauthorized' | 'error';
  code?: string;
  principalId?: string;
  roles?: readonly string[];
  credential?: 'SAML' | 'Bearer';
  latencyMs?: number;
  cacheHit?: boolean;
  identity?: { id: string; issuer: string; kind?: string; attributes?: Readonly<Record<string, readonly string[]>> };
}

/** Options of {@link auditLog}; validated at creation (CONFIG_INVALID). */
export interface AuditLogOptions {
  /** Where each line goes. Default: process.stdout (CloudWatch Logs in Lambda), one line per decision. */
  write?: ((line: string) => void) | null;
  /**
   * How the principal (NameID) appears: `plain`, `hash` (HMAC-SHA-256 with `hashKey`, hex: stable per user,
   * not reversible without the key) or `omit`. Default: `hash` when a hashKey is given, else `omit`.
   */
  nameId?: 'plain' | 'hash' | 'omit' | null;
  /** The HMAC key for `nameId: 'hash'` (at least 16 bytes). */
  hashKey?: string | Uint8Array | null;
  /** Attribute names whose values may be logged (SAML identities). Default none. */
  attributes?: readonly string[] | null;
  /** Add CloudWatch Embedded Metric Format: `Decisions` (Count, by Outcome and Code) and `VerifyLatency` (Milliseconds). */
  metrics?: { namespace: string } | null;
}

/** The audit line's fields. Names are stable: CloudWatch Logs Insights queries depend on them. */
export interface AuditRecord {
  ts: string;
  event: 'samlguard.decision';
  /** API Gateway event type: TOKEN, REQUEST, HTTP. */
  eventType: string;
  requestId?: string;
  /** methodArn or routeArn. */
  resource: string;
  sourceIp?: string;
  outcome: 'allow' | 'deny' | 'unauthorized' | 'error';
  /** The refusal code (absent on allow). */
  code?: string;
  principal?: string;
  roles?: readonly string[];
  /** The IdP entityID. */
  issuer?: string;
  /** SAML: the assertion ID. */
  assertionId?: string;
  /** Bearer: the token ID. */
  jti?: string;
  credential?: 'SAML' | 'Bearer';
  cacheHit?: boolean;
  /** Time spent verifying the credential, ms. */
  latencyMs?: number;
  attributes?: Record<string, readonly string[]>;
}

const invalid = (message: string) => new SamlGuardError('CONFIG_INVALID', `auditLog: ${message}`);
const NAMESPACE = /^[\x21-\x7e](?:[\x20-\x7e]{0,254}[\x21-\x7e])?$/;

/** Build the audit record for one decision (pure; exported for tests and custom sinks). */
function hashPrincipal(principal: string, key: Uint8Array): string {
  return `hmac-sha256:${createHmac('sha256', key).update(principal, 'utf8').digest('hex')}`;
}

/** HMACs of recent principals (the same few users call an API over and over), bounded. */
function memoizedHash(): (principal: string, key: Uint8Array) => string {
  const memo = new Map<string, string>();
  return (principal, key) => {
    let h = memo.get(principal);
    if (h === undefined) {
      h = hashPrincipal(principal, key);
      if (memo.size >= 1024) memo.clear();
      memo.set(principal, h);
    }
    return h;
  };
}

export function auditRecord(d: DecisionLike, o: { nameId: 'plain' | 'hash' | 'omit'; hashKey?: Uint8Array; attributes: readonly string[]; hash?: (principal: string, key: Uint8Array) => string }): AuditRecord {
  const r: AuditRecord = { ts: d.at, event: 'samlguard.decision', eventType: d.event, resource: d.resource, outcome: d.effect };
  if (d.requestId !== undefined) r.requestId = d.requestId;
  if (d.sourceIp !== undefined) r.sourceIp = d.sourceIp;
  if (d.code !== undefined) r.code = d.code;
  if (d.principalId !== undefined && o.nameId !== 'omit') {
    r.principal = o.nameId === 'plain' ? d.principalId : (o.hash ?? hashPrincipal)(d.principalId, o.hashKey!);
  }
  if (d.roles !== undefined) r.roles = [...d.roles];
  if (d.identity !== undefined) {
    r.issuer = d.identity.issuer;
    if (d.identity.kind === 'bearer') r.jti = d.identity.id;
    else r.assertionId = d.identity.id;
    if (o.attributes.length > 0 && d.identity.kind !== 'bearer' && d.identity.attributes) {
      const picked: Record<string, readonly string[]> = {};
      for (const name of o.attributes) {
        const v = d.identity.attributes[name];
        if (v !== undefined) picked[name] = [...v];
      }
      r.attributes = picked;
    }
  }
  if (d.credential !== undefined) r.credential = d.credential;
  if (d.cacheHit !== undefined) r.cacheHit = d.cacheHit;
  if (d.latencyMs !== undefined) r.latencyMs = Math.round(d.latencyMs * 1000) / 1000;
  return r;
}

/**
 * Add Embedded Metric Format to a record (the CloudWatch EMF specification: `_aws.Timestamp` in ms,
 * `CloudWatchMetrics` with Namespace, Dimensions and Metrics, each metric's value a top-level member).
 * Dimension values come from closed sets (outcome, code), so the metric count stays bounded.
 */
export function withEmf(record: AuditRecord, namespace: string): Record<string, unknown> {
  const ts = Date.parse(record.ts);
  return {
    _aws: {
      Timestamp: Number.isFinite(ts) ? ts : Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['Outcome', 'Code']],
          Metrics: [
            { Name: 'Decisions', Unit: 'Count' },
            ...(record.latencyMs !== undefined ? [{ Name: 'VerifyLatency', Unit: 'Milliseconds' }] : []),
          ],
        },
      ],
    },
    ...record,
    Outcome: record.outcome,
    Code: record.code ?? 'NONE',
    Decisions: 1,
    ...(record.latencyMs !== undefined ? { VerifyLatency: record.latencyMs } : {}),
  };
}

/**
 * An `onDecision` handler that writes one JSON line per decision. Create it once; give it to
 * createSamlAuthorizer (or the request guard). It never throws on a decision it cannot write: a failing
 * sink is reported by the authorizer's own rule (an allow without its audit record is refused).
 */
export function auditLog(options: AuditLogOptions = {}): (decision: DecisionLike) => void {
  if (options === null || typeof options !== 'object') throw invalid('options must be an object.');
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  if (typeof write !== 'function') throw invalid('write must be a function taking one line.');
  let hashKey: Uint8Array | undefined;
  if (options.hashKey !== undefined && options.hashKey !== null) {
    hashKey = typeof options.hashKey === 'string' ? utf8Encode(options.hashKey) : options.hashKey;
    if (!(hashKey instanceof Uint8Array) || hashKey.byteLength < 16) throw invalid('hashKey must be at least 16 bytes.');
  }
  const nameId = options.nameId ?? (hashKey !== undefined ? 'hash' : 'omit');
  if (nameId !== 'plain' && nameId !== 'hash' && nameId !== 'omit') throw invalid("nameId must be 'plain', 'hash' or 'omit'.");
  if (nameId === 'hash' && hashKey === undefined) throw invalid("nameId 'hash' needs a hashKey (keep it secret: it keeps hashed principals from being reversed by guessing).");
  const attributes = options.attributes ?? [];
  if (!Array.isArray(attributes) || !attributes.every((a) => typeof a === 'string')) throw invalid('attributes must list attribute names.');
  const namespace = options.metrics?.namespace;
  if (options.metrics !== undefined && options.metrics !== null && (typeof namespace !== 'string' || !NAMESPACE.test(namespace))) throw invalid('metrics.namespace must be 1-255 printable ASCII characters.');
  const o = { nameId, ...(hashKey !== undefined ? { hashKey } : {}), attributes, hash: memoizedHash() } as const;
  return (decision: DecisionLike): void => {
    const record = auditRecord(decision, o);
    write(JSON.stringify(namespace === undefined ? record : withEmf(record, namespace)));
  };
}
