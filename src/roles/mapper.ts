import type { AttributeSelector } from './claims.js';
import { SamlGuardError, quote } from '../errors.js';
import type { VerifiedAssertion } from '../types.js';
import { SAML_ATTRIBUTES } from './claims.js';
import { compileEquals, compileGlob, compileRegex, type CompiledMatcher } from './match.js';

export type { AttributeSelector } from './claims.js';

type RuleSource =
  | { /** Attribute Name, or `{ name }` / `{ friendlyName }`. */ attribute: AttributeSelector; nameId?: never; issuer?: never }
  | { /** Match the Subject NameID. */ nameId: true; attribute?: never; issuer?: never }
  | { /** Match the assertion Issuer (useful when one rule set serves several IdPs). */ issuer: true; attribute?: never; nameId?: never };

type RuleMatch =
  | { /** Exact, case-sensitive. */ equals: string; glob?: never; regex?: never }
  | { /** `*` (a capture), `?`, `\` escapes; anchored; linear time. */ glob: string; equals?: never; regex?: never }
  | { /** Anchored (`^(?:…)$`), Unicode mode, refused when it could backtrack catastrophically. */ regex: string; equals?: never; glob?: never };

/**
 * One claim-to-role rule: a source (`attribute`, `nameId` or `issuer`), one matcher (`equals`, `glob` or
 * `regex`) and the `role` granted when any value of the source matches. `role` may use captures: `$1`…`$9`
 * (the n-th `*` of a glob, the n-th group of a regex) and `$$` for a literal `$`.
 *
 * @example { attribute: 'groups', equals: 'engineering', role: 'developer' }
 * @example { attribute: 'groups', glob: 'team-*', role: 'team-$1' }
 * @example { nameId: true, regex: '[^@]+@example\\.com', role: 'employee' }
 */
export type RoleRule = RuleSource & RuleMatch & { role: string };

/** Options of {@link createRoleMapper}. */
export interface RoleMapperOptions {
  /**
   * The attribute Name under which Entra ID sends group claims, when it was customized in the app's claim
   * settings. Default `http://schemas.microsoft.com/ws/2008/06/identity/claims/groups`. Rules reading it
   * raise GROUPS_OVERAGE when Entra sent the overage link instead of the groups.
   */
  entraGroupsAttribute?: string;
}

/** A validated, compiled rule set. Create once (outside a request handler), call `map` per request. */
export interface RoleMapper {
  /**
   * The roles the identity is granted: unique, sorted (by UTF-16 code unit), never containing an empty
   * string, a comma or whitespace. Deny by default: no matching rule, no role. Throws GROUPS_OVERAGE when
   * a rule reads Entra groups but the assertion carries only the overage link (the groups are incomplete).
   */
  map(identity: VerifiedAssertion): string[];
  /** The rules, as validated (frozen copies). */
  readonly rules: readonly RoleRule[];
}

/**
 * A role name: 1–128 characters, none of them a comma, whitespace or a control character. Roles travel
 * comma-joined (API Gateway context values are strings), so a comma inside one would forge another.
 */
const ROLE_NAME = /^[^\s,\p{Cc}]{1,128}$/u;

/** True when `role` is a well-formed role name (see {@link RoleMapper.map}). */
export function isRoleName(role: unknown): role is string {
  return typeof role === 'string' && ROLE_NAME.test(role);
}

type Source = { kind: 'name'; name: string } | { kind: 'friendlyName'; name: string } | { kind: 'nameId' } | { kind: 'issuer' };
/** A role template: literal text and 1-based capture references. */
type TemplatePart = string | number;

interface CompiledRule {
  source: Source;
  matcher: CompiledMatcher;
  template: readonly TemplatePart[];
}

const RULE_KEYS = new Set(['attribute', 'nameId', 'issuer', 'equals', 'glob', 'regex', 'role']);

function invalid(index: number, message: string): SamlGuardError {
  return new SamlGuardError('CONFIG_INVALID', `Role rule ${index}: ${message}`, { details: { rule: index } });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function readSource(rule: Record<string, unknown>, i: number): Source {
  const given = ['attribute', 'nameId', 'issuer'].filter((k) => rule[k] !== undefined);
  if (given.length !== 1) throw invalid(i, `give exactly one of attribute, nameId or issuer (got ${given.length === 0 ? 'none' : given.join(', ')}).`);
  if (rule.nameId !== undefined) {
    if (rule.nameId !== true) throw invalid(i, 'nameId must be true (the rule matches the Subject NameID; put the value in equals/glob/regex).');
    return { kind: 'nameId' };
  }
  if (rule.issuer !== undefined) {
    if (rule.issuer !== true) throw invalid(i, 'issuer must be true (the rule matches the Issuer; put the value in equals/glob/regex).');
    return { kind: 'issuer' };
  }
  const a = rule.attribute;
  if (typeof a === 'string') {
    if (a === '') throw invalid(i, 'attribute must be a non-empty attribute Name.');
    return { kind: 'name', name: a };
  }
  if (isPlainObject(a)) {
    const keys = Object.keys(a);
    if (keys.length === 1 && keys[0] === 'name' && typeof a.name === 'string' && a.name !== '') return { kind: 'name', name: a.name };
    if (keys.length === 1 && keys[0] === 'friendlyName' && typeof a.friendlyName === 'string' && a.friendlyName !== '') return { kind: 'friendlyName', name: a.friendlyName };
  }
  throw invalid(i, "attribute must be an attribute Name (string), { name: '…' } or { friendlyName: '…' }.");
}

function readMatcher(rule: Record<string, unknown>, i: number): CompiledMatcher {
  const given = ['equals', 'glob', 'regex'].filter((k) => rule[k] !== undefined);
  if (given.length !== 1) throw invalid(i, `give exactly one of equals, glob or regex (got ${given.length === 0 ? 'none' : given.join(', ')}).`);
  const key = given[0]!;
  const pattern = rule[key];
  if (typeof pattern !== 'string') throw invalid(i, `${key} must be a string.`);
  try {
    return key === 'equals' ? compileEquals(pattern) : key === 'glob' ? compileGlob(pattern) : compileRegex(pattern);
  } catch (err) {
    if (err instanceof SamlGuardError) throw invalid(i, err.message);
    throw err;
  }
}

function readTemplate(role: unknown, captures: number, i: number): TemplatePart[] {
  if (typeof role !== 'string' || role === '') throw invalid(i, 'role must be a non-empty string.');
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let k = 0; k < role.length; k++) {
    const c = role[k]!;
    if (c !== '$') {
      literal += c;
      continue;
    }
    const next = role[k + 1] ?? '';
    k++;
    if (next === '$') {
      literal += '$';
    } else if (/^[1-9]$/.test(next)) {
      const n = Number(next);
      if (n > captures) throw invalid(i, `role ${quote(role)} uses $${n}, but the matcher has ${captures} capture${captures === 1 ? '' : 's'}.`);
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(n);
    } else {
      throw invalid(i, `role ${quote(role)}: '$' must be followed by a digit 1-9 (a capture) or another '$'.`);
    }
  }
  if (literal !== '') parts.push(literal);
  // Literal text must itself be role-name material; a fixed role is checked whole, here, once.
  for (const p of parts) {
    if (typeof p === 'string' && !/^[^\s,\p{Cc}]*$/u.test(p)) throw invalid(i, `role ${quote(role)} contains a comma, whitespace or a control character.`);
  }
  if (parts.every((p) => typeof p === 'string') && !isRoleName(parts.join(''))) throw invalid(i, `role ${quote(role)} is not a valid role name (1-128 characters, no comma, whitespace or control character).`);
  return parts;
}

function compileRule(rule: unknown, i: number): { compiled: CompiledRule; frozen: RoleRule } {
  if (!isPlainObject(rule)) throw invalid(i, 'a rule must be a plain object such as { attribute, equals, role }.');
  const unknown = Object.keys(rule).filter((k) => !RULE_KEYS.has(k));
  if (unknown.length > 0) throw invalid(i, `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => quote(k)).join(', ')} (allowed: ${[...RULE_KEYS].join(', ')}).`);
  const source = readSource(rule, i);
  const matcher = readMatcher(rule, i);
  const template = readTemplate(rule.role, matcher.captures, i);
  const copy = { ...rule } as Record<string, unknown>;
  if (isPlainObject(copy.attribute)) copy.attribute = Object.freeze({ ...copy.attribute });
  return { compiled: { source, matcher, template }, frozen: Object.freeze(copy) as RoleRule };
}

/** Attribute values the source selects (a fresh list; absent attribute = no values). */
function valuesOf(identity: VerifiedAssertion, source: Source): readonly string[] {
  switch (source.kind) {
    case 'nameId':
      return [identity.subject.nameId];
    case 'issuer':
      return [identity.issuer];
    case 'name':
      // Object.hasOwn: attribute names such as "constructor" are data, never Object.prototype members.
      return Object.hasOwn(identity.attributes, source.name) ? (identity.attributes[source.name] ?? []) : [];
    case 'friendlyName':
      return identity.attributeDetails.filter((a) => a.friendlyName === source.name).flatMap((a) => a.values);
  }
}

function render(template: readonly TemplatePart[], captures: readonly (string | undefined)[]): string | undefined {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const text = captures[part - 1];
    // An empty or non-participating capture would grant the bare prefix ("team-"): grant nothing instead.
    if (text === undefined || text === '') return undefined;
    out += text;
  }
  // A captured value with a comma, space or control character cannot become a role (it would forge others).
  return isRoleName(out) ? out : undefined;
}

/**
 * Validate and compile a rule set once. Throws CONFIG_INVALID naming the rule (by index) for an unknown
 * key, a missing or doubled source or matcher, an unknown attribute form, an invalid or unsafe regex, or
 * a role template that references a capture the matcher does not have.
 */
export function createRoleMapper(rules: readonly RoleRule[], options: RoleMapperOptions = {}): RoleMapper {
  if (!Array.isArray(rules)) throw new SamlGuardError('CONFIG_INVALID', 'Role rules must be an array of rule objects.');
  if (options === null || typeof options !== 'object') throw new SamlGuardError('CONFIG_INVALID', 'Role mapper options must be an object.');
  const extra = Object.keys(options).filter((k) => k !== 'entraGroupsAttribute');
  if (extra.length > 0) throw new SamlGuardError('CONFIG_INVALID', `Unknown role mapper option ${quote(extra[0]!)}.`);
  const groupsName = options.entraGroupsAttribute ?? SAML_ATTRIBUTES.entraGroups;
  if (typeof groupsName !== 'string' || groupsName === '') throw new SamlGuardError('CONFIG_INVALID', 'entraGroupsAttribute must be a non-empty string.');

  const compiled: CompiledRule[] = [];
  const frozen: RoleRule[] = [];
  (rules as readonly unknown[]).forEach((rule, i) => {
    const r = compileRule(rule, i);
    compiled.push(r.compiled);
    frozen.push(r.frozen);
  });
  const readsEntraGroups = compiled.some((r) => r.source.kind === 'name' && r.source.name === groupsName);

  function map(identity: VerifiedAssertion): string[] {
    if (readsEntraGroups && !Object.hasOwn(identity.attributes, groupsName) && Object.hasOwn(identity.attributes, SAML_ATTRIBUTES.entraGroupsLink)) {
      throw new SamlGuardError(
        'GROUPS_OVERAGE',
        `The assertion for ${quote(identity.subject.nameId)} carries Entra ID's groups overage link instead of its groups (the user is in too many groups to list), so group rules cannot be evaluated. Filter the groups claim in the app registration (e.g. "groups assigned to the application") or resolve them with Microsoft Graph.`,
        { details: { link: identity.attributes[SAML_ATTRIBUTES.entraGroupsLink]?.[0] } },
      );
    }
    const roles = new Set<string>();
    for (const rule of compiled) {
      for (const value of valuesOf(identity, rule.source)) {
        if (typeof value !== 'string') continue;
        const captures = rule.matcher.match(value);
        if (captures === null) continue;
        const role = render(rule.template, captures);
        if (role !== undefined) roles.add(role);
      }
    }
    return [...roles].sort();
  }

  return Object.freeze({ map, rules: Object.freeze(frozen) });
}

// Raw rule arrays passed to mapRoles are compiled once per array object (not per call).
const compiledByRules = new WeakMap<readonly RoleRule[], RoleMapper>();

function isRoleMapper(value: unknown): value is RoleMapper {
  // Duck-typed rather than branded: a mapper made by another copy of samlguard (ESM next to CJS) still works.
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as RoleMapper).map === 'function';
}

/**
 * Map a verified identity to role names with a rule set or a mapper from {@link createRoleMapper}.
 * A raw rule array is validated (CONFIG_INVALID) and compiled on first use and cached by array identity:
 * rules are snapshotted then, so edit a copy, not the array, to change them.
 *
 * @returns unique role names, sorted; empty when no rule matches (deny by default).
 */
export function mapRoles(identity: VerifiedAssertion, rules: readonly RoleRule[] | RoleMapper): string[] {
  return resolveRoleMapper(rules).map(identity);
}

/** A mapper from rules or a mapper (the rule arrays cached as in {@link mapRoles}). */
function resolveRoleMapper(rules: readonly RoleRule[] | RoleMapper): RoleMapper {
  if (Array.isArray(rules)) {
    let mapper = compiledByRules.get(rules);
    if (mapper === undefined) {
      mapper = createRoleMapper(rules);
      compiledByRules.set(rules, mapper);
    }
    return mapper;
  }
  if (isRoleMapper(rules)) return rules;
  throw new SamlGuardError('CONFIG_INVALID', 'Role rules must be an array of rules or a mapper from createRoleMapper.');
}
