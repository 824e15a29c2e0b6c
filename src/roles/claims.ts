import { SamlGuardError, quote } from '../errors.js';
import type { VerifiedAssertion } from '../types.js';

/**
 * Which attribute a rule reads: a string is the attribute `Name` (exactly as the IdP sends it); the object
 * forms pick by `Name` or by `FriendlyName` explicitly. A string never matches a FriendlyName, so a rule
 * written for one attribute cannot silently read another attribute that merely shares a display name.
 */
export type AttributeSelector = string | { name: string } | { friendlyName: string };

/** Attribute Names of the claims the readers below understand. */
export const SAML_ATTRIBUTES = Object.freeze({
  /** AWS: `role-arn,provider-arn` pairs (either order), one per value. */
  awsRole: 'https://aws.amazon.com/SAML/Attributes/Role',
  /** AWS: the session name (2–64 characters of `[\w+=,.@-]`). */
  awsRoleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  /** AWS: the session length in seconds, 900–43200. */
  awsSessionDuration: 'https://aws.amazon.com/SAML/Attributes/SessionDuration',
  /** AWS: session tags, one attribute per tag: this prefix + the tag key. */
  awsPrincipalTagPrefix: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:',
  /** Microsoft Entra ID: group object IDs (or names, when so configured). */
  entraGroups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  /** Microsoft Entra ID: sent instead of the groups when the user is in too many (the "overage" claim). */
  entraGroupsLink: 'http://schemas.microsoft.com/claims/groups.link',
  /** AD FS: group names (the "Group" claim type). */
  adfsGroup: 'http://schemas.xmlsoap.org/claims/Group',
} as const);

/** One entry of the AWS Role attribute. */
export interface AwsRole {
  /** `arn:aws:iam::123456789012:role/Name` */
  roleArn: string;
  /** `arn:aws:iam::123456789012:saml-provider/Name` */
  principalArn: string;
}

/** Entra ID groups: the list, the overage link in its place, or no group claim at all. */
export type EntraGroups = { kind: 'groups'; groups: string[] } | { kind: 'overage'; link: string } | { kind: 'none' };

function claimInvalid(attribute: string, message: string, details: Record<string, unknown> = {}): SamlGuardError {
  return new SamlGuardError('CLAIM_INVALID', `Attribute ${quote(attribute)}: ${message}`, { details: { attribute, ...details } });
}

function own(identity: VerifiedAssertion, name: string): string[] | undefined {
  return Object.hasOwn(identity.attributes, name) ? identity.attributes[name] : undefined;
}

/** The one value of a single-valued claim (trimmed: IdPs that pretty-print their XML indent values). */
function single(identity: VerifiedAssertion, name: string): string | undefined {
  const values = own(identity, name);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw claimInvalid(name, `expected exactly one value, got ${values.length}.`, { count: values.length });
  return values[0]!.trim();
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

// IAM names: role names allow [\w+=,.@-] and a path of the same characters; SAML provider names [\w.-].
const PARTITION = 'aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc';
const ROLE_ARN = `arn:(?:${PARTITION}):iam::\\d{12}:role/[\\w+=,.@/-]{1,512}`;
const PROVIDER_ARN = `arn:(?:${PARTITION}):iam::\\d{12}:saml-provider/[\\w.-]{1,128}`;
// A role name may contain commas, a provider name may not: so each order has exactly one split point.
const ROLE_FIRST = new RegExp(`^(${ROLE_ARN})\\s*,\\s*(${PROVIDER_ARN})$`);
const PROVIDER_FIRST = new RegExp(`^(${PROVIDER_ARN})\\s*,\\s*(${ROLE_ARN})$`);

/**
 * Read the AWS `Role` attribute: each value is `role-arn,provider-arn` in either order (AWS accepts both).
 * A value of any other form throws CLAIM_INVALID rather than being skipped, so a misconfigured IdP is
 * visible. Duplicates are removed; order is the IdP's.
 */
export function readAwsRoles(identity: VerifiedAssertion): AwsRole[] {
  const values = own(identity, SAML_ATTRIBUTES.awsRole) ?? [];
  const out: AwsRole[] = [];
  const seen = new Set<string>();
  values.forEach((raw, index) => {
    const value = raw.trim();
    let m = ROLE_FIRST.exec(value);
    let role: AwsRole | undefined = m ? { roleArn: m[1]!, principalArn: m[2]! } : undefined;
    if (role === undefined && (m = PROVIDER_FIRST.exec(value))) role = { roleArn: m[2]!, principalArn: m[1]! };
    if (role === undefined) throw claimInvalid(SAML_ATTRIBUTES.awsRole, `value ${index} (${quote(value)}) is not "arn:aws:iam::<account>:role/<name>,arn:aws:iam::<account>:saml-provider/<name>".`, { index });
    const key = `${role.roleArn}\n${role.principalArn}`;
    if (!seen.has(key)) out.push(role);
    seen.add(key);
  });
  return out;
}

/** AWS `RoleSessionName`: 2–64 characters of `[\w+=,.@-]`; undefined when absent, CLAIM_INVALID when malformed. */
export function readAwsRoleSessionName(identity: VerifiedAssertion): string | undefined {
  const value = single(identity, SAML_ATTRIBUTES.awsRoleSessionName);
  if (value === undefined) return undefined;
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) throw claimInvalid(SAML_ATTRIBUTES.awsRoleSessionName, `${quote(value)} is not 2-64 characters of letters, digits and +=,.@_-.`);
  return value;
}

/** AWS `SessionDuration` in seconds: an integer 900–43200; undefined when absent, CLAIM_INVALID otherwise. */
export function readAwsSessionDuration(identity: VerifiedAssertion): number | undefined {
  const value = single(identity, SAML_ATTRIBUTES.awsSessionDuration);
  if (value === undefined) return undefined;
  const seconds = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= 900 && seconds <= 43_200)) throw claimInvalid(SAML_ATTRIBUTES.awsSessionDuration, `${quote(value)} is not a whole number of seconds between 900 and 43200.`);
  return seconds;
}

// AWS tag keys: 1-128, values: 0-256 characters of letters, digits, spaces and _.:/=+-@ (IAM tag rules).
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const MAX_SESSION_TAGS = 50;

/**
 * AWS session tags from `PrincipalTag:<Key>` attributes, as a null-prototype record. Each tag takes one
 * value. Keys are case-insensitive in AWS, so two spellings of one key throw CLAIM_INVALID, as do more
 * than 50 tags, a key or value outside the IAM character set, or a multi-valued tag.
 */
export function readAwsPrincipalTags(identity: VerifiedAssertion): Record<string, string> {
  const tags = Object.create(null) as Record<string, string>;
  const lower = new Set<string>();
  const prefix = SAML_ATTRIBUTES.awsPrincipalTagPrefix;
  for (const name of Object.keys(identity.attributes)) {
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (!TAG_KEY.test(key)) throw claimInvalid(name, `tag key ${quote(key)} is not 1-128 characters of letters, digits, spaces and _.:/=+-@.`);
    if (lower.has(key.toLowerCase())) throw claimInvalid(name, `tag key ${quote(key)} is given twice (AWS tag keys are case-insensitive).`);
    lower.add(key.toLowerCase());
    const value = single(identity, name)!;
    if (!TAG_VALUE.test(value)) throw claimInvalid(name, `tag value ${quote(value)} is longer than 256 characters or outside letters, digits, spaces and _.:/=+-@.`);
    tags[key] = value;
  }
  if (lower.size > MAX_SESSION_TAGS) throw claimInvalid(prefix, `${lower.size} session tags; AWS accepts at most ${MAX_SESSION_TAGS}.`);
  return tags;
}

/**
 * Entra ID groups. When the user is in more groups than fit in a token, Entra sends
 * `http://schemas.microsoft.com/claims/groups.link` (a Graph URL) and no groups: that is reported as
 * `{ kind: 'overage', link }`, never as an empty list, because "no groups" would be false.
 */
export function readEntraGroups(identity: VerifiedAssertion, attribute: string = SAML_ATTRIBUTES.entraGroups): EntraGroups {
  const groups = own(identity, attribute);
  if (groups !== undefined) return { kind: 'groups', groups: unique(groups) };
  const link = own(identity, SAML_ATTRIBUTES.entraGroupsLink);
  if (link !== undefined) return { kind: 'overage', link: link[0] ?? '' };
  return { kind: 'none' };
}

/** AD FS `http://schemas.xmlsoap.org/claims/Group` values (duplicates removed; [] when absent). */
export function readAdfsGroups(identity: VerifiedAssertion): string[] {
  return unique(own(identity, SAML_ATTRIBUTES.adfsGroup) ?? []);
}

/**
 * Group values from a custom attribute, as Okta and Google Workspace send them: by Name (a string or
 * `{ name }`) or by `{ friendlyName }`. Duplicates removed, document order kept; [] when absent.
 */
export function readGroups(identity: VerifiedAssertion, attribute: AttributeSelector): string[] {
  if (typeof attribute === 'string') return unique(own(identity, attribute) ?? []);
  if (attribute !== null && typeof attribute === 'object') {
    if ('name' in attribute && typeof attribute.name === 'string') return unique(own(identity, attribute.name) ?? []);
    if ('friendlyName' in attribute && typeof attribute.friendlyName === 'string') {
      const wanted = attribute.friendlyName;
      return unique(identity.attributeDetails.filter((a) => a.friendlyName === wanted).flatMap((a) => a.values));
    }
  }
  throw new SamlGuardError('CONFIG_INVALID', "attribute must be an attribute Name (string), { name: '…' } or { friendlyName: '…' }.");
}

/**
 * Until when a mapped identity may be cached: the assertion's `expiresAt`, shortened to `now` +
 * AWS `SessionDuration` when the assertion carries one. The shorter wins. Pure: `now` is an argument.
 * Throws CLAIM_INVALID for a malformed SessionDuration (not ignored: the IdP meant to shorten the session).
 */
export function cacheUntil(identity: VerifiedAssertion, now: Date | number): Date {
  const nowMs = now instanceof Date ? now.getTime() : now;
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new SamlGuardError('CONFIG_INVALID', 'cacheUntil: now must be a valid Date or epoch milliseconds.');
  const expires = identity.expiresAt instanceof Date ? identity.expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(expires)) throw new SamlGuardError('CLAIM_INVALID', 'cacheUntil: identity.expiresAt is not a valid Date.');
  const duration = readAwsSessionDuration(identity);
  return new Date(duration === undefined ? expires : Math.min(expires, nowMs + duration * 1000));
}
