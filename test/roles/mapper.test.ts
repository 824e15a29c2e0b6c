// Claim-to-role rules: sources, matchers, templates, deny by default, validation at creation.
import { describe, expect, it } from 'vitest';
import { all, throwsWith } from '../saml/helpers.js';
import { createRoleMapper, isRoleName, mapRoles, SAML_ATTRIBUTES, type RoleRule } from '../../src/index.js';
import { identity, verified } from './helpers.js';

describe('mapRoles over a verified assertion', () => {
  const alice = verified({ attributes: { groups: ['engineering', 'team-payments', 'team-search'], department: ['R&D'] } });

  it('exact match on an attribute value grants the role', () => {
    expect(mapRoles(alice, [{ attribute: 'groups', equals: 'engineering', role: 'developer' }])).toEqual(['developer']);
  });

  it('deny by default: no matching rule, no role', () => {
    expect(mapRoles(alice, [{ attribute: 'groups', equals: 'finance', role: 'accountant' }])).toEqual([]);
    expect(mapRoles(alice, [{ attribute: 'missing', glob: '*', role: 'anyone' }])).toEqual([]);
    expect(mapRoles(alice, [])).toEqual([]);
  });

  it('equals is exact: case and surrounding text matter', () => {
    expect(mapRoles(alice, [{ attribute: 'groups', equals: 'Engineering', role: 'x' }])).toEqual([]);
    expect(mapRoles(alice, [{ attribute: 'groups', equals: 'engineer', role: 'x' }])).toEqual([]);
  });

  it('glob captures feed the role template; the result is unique and sorted', () => {
    const rules: RoleRule[] = [
      { attribute: 'groups', glob: 'team-*', role: 'team-$1' },
      { attribute: 'groups', glob: 'eng*', role: 'developer' },
      { attribute: 'groups', glob: 'team-*', role: 'developer' },
    ];
    expect(mapRoles(alice, rules)).toEqual(['developer', 'team-payments', 'team-search']);
  });

  it('NameID and Issuer rules', () => {
    expect(mapRoles(alice, [{ nameId: true, regex: '([^@]+)@example\\.com', role: 'user-$1' }])).toEqual(['user-alice']);
    expect(mapRoles(alice, [{ issuer: true, equals: 'https://idp.samlguard.test/metadata', role: 'test-idp-user' }])).toEqual(['test-idp-user']);
    expect(mapRoles(alice, [{ issuer: true, equals: 'https://other-idp/', role: 'x' }])).toEqual([]);
  });

  it('FriendlyName is matched only through { friendlyName }, never by a plain attribute string', () => {
    const withFriendly = verified({ attributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff'] } }, (doc) => {
      const a = all(doc, 'Attribute').find((el) => el.getAttribute('Name') === 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1')!;
      a.setAttribute('FriendlyName', 'eduPersonAffiliation');
    });
    expect(mapRoles(withFriendly, [{ attribute: { friendlyName: 'eduPersonAffiliation' }, equals: 'staff', role: 'staff' }])).toEqual(['staff']);
    expect(mapRoles(withFriendly, [{ attribute: 'eduPersonAffiliation', equals: 'staff', role: 'staff' }])).toEqual([]);
    expect(mapRoles(withFriendly, [{ attribute: { name: 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1' }, equals: 'staff', role: 'staff' }])).toEqual(['staff']);
  });

  it('reads every text node of a value: a comment cannot shorten it into another group', () => {
    // The IdP signs "admins-readonly"; a comment splits the text, and digesting skips comments.
    const split = verified({ attributes: { groups: ['admins-readonly'] } }, (doc) => {
      const value = all(doc, 'AttributeValue').find((el) => el.textContent === 'admins-readonly')!;
      value.textContent = 'admins';
      value.appendChild(doc.createComment(''));
      value.appendChild(doc.createTextNode('-readonly'));
    });
    expect(mapRoles(split, [{ attribute: 'groups', equals: 'admins', role: 'admin' }])).toEqual([]);
    expect(mapRoles(split, [{ attribute: 'groups', equals: 'admins-readonly', role: 'auditor' }])).toEqual(['auditor']);
  });
});

describe('anchoring and captures', () => {
  const who = identity({ attributes: { groups: ['xengineeringx', 'engineering', 'ops'] } });

  it('regexes are anchored: a rule cannot match inside a longer value', () => {
    const one = identity({ attributes: { groups: ['xengineeringx'] } });
    expect(mapRoles(one, [{ attribute: 'groups', regex: 'engineering', role: 'dev' }])).toEqual([]);
    expect(mapRoles(one, [{ attribute: 'groups', regex: 'x?engineering', role: 'dev' }])).toEqual([]);
    expect(mapRoles(one, [{ attribute: 'groups', regex: 'x?engineeringx', role: 'dev' }])).toEqual(['dev']);
  });

  it('a top-level alternation stays inside the anchors', () => {
    const one = identity({ attributes: { groups: ['ops-and-more'] } });
    expect(mapRoles(one, [{ attribute: 'groups', regex: 'dev|ops', role: 'staff' }])).toEqual([]);
    expect(mapRoles(who, [{ attribute: 'groups', regex: 'dev|ops', role: 'staff' }])).toEqual(['staff']);
  });

  it('globs are anchored too', () => {
    const one = identity({ attributes: { groups: ['xengineeringx'] } });
    expect(mapRoles(one, [{ attribute: 'groups', glob: 'engineering', role: 'dev' }])).toEqual([]);
    expect(mapRoles(one, [{ attribute: 'groups', glob: '?engineering?', role: 'dev' }])).toEqual(['dev']);
  });

  it('glob: `?` is one character (a whole code point), `\\` escapes, captures are the `*`s in order', () => {
    const v = identity({ attributes: { g: ['a*b', 'aXb', 'a😀b', 'eu-west-1/prod/payments'] } });
    expect(mapRoles(v, [{ attribute: 'g', glob: 'a\\*b', role: 'literal-star' }])).toEqual(['literal-star']);
    expect(mapRoles(v, [{ attribute: 'g', glob: 'a?b', role: 'one' }])).toEqual(['one']);
    expect(mapRoles(identity({ attributes: { g: ['a😀b'] } }), [{ attribute: 'g', glob: 'a?b', role: 'emoji' }])).toEqual(['emoji']);
    expect(mapRoles(v, [{ attribute: 'g', glob: '*/*/*', role: '$3-in-$1-$2' }])).toEqual(['payments-in-eu-west-1-prod']);
  });

  it('glob captures: earlier stars take the shortest text that lets the rest match', () => {
    const v = identity({ attributes: { g: ['a-b-c-d'] } });
    expect(mapRoles(v, [{ attribute: 'g', glob: '*-*', role: '$1_$2' }])).toEqual(['a_b-c-d']);
  });

  it('$$ is a literal dollar; an empty or absent capture grants nothing', () => {
    const v = identity({ attributes: { g: ['team-', 'team-x', 'ab'] } });
    expect(mapRoles(v, [{ attribute: 'g', glob: 'team-*', role: 'team-$1' }])).toEqual(['team-x']);
    expect(mapRoles(v, [{ attribute: 'g', regex: 'a(c)?b', role: 'r-$1' }])).toEqual([]);
    expect(mapRoles(v, [{ attribute: 'g', equals: 'ab', role: 'cost$$' }])).toEqual(['cost$']);
  });

  it('a captured value cannot smuggle a second role through a comma or whitespace', () => {
    const v = identity({ attributes: { g: ['team-a,admin', 'team-b admin', 'team-c\tadmin', 'team-ok'] } });
    expect(mapRoles(v, [{ attribute: 'g', regex: 'team-(.+)', role: 'team-$1' }])).toEqual(['team-ok']);
    expect(mapRoles(v, [{ attribute: 'g', glob: 'team-*', role: 'team-$1' }])).toEqual(['team-ok']);
  });

  it('a captured role longer than 128 characters is not granted', () => {
    const v = identity({ attributes: { g: [`team-${'x'.repeat(124)}`, `team-${'y'.repeat(123)}`] } });
    expect(mapRoles(v, [{ attribute: 'g', glob: 'team-*', role: 'team-$1' }])).toEqual([`team-${'y'.repeat(123)}`]);
  });
});

describe('attribute names are data', () => {
  it('names such as "constructor" and "__proto__" neither crash nor read Object.prototype', () => {
    const none = identity();
    expect(mapRoles(none, [{ attribute: 'constructor', glob: '*', role: 'x' }])).toEqual([]);
    expect(mapRoles(none, [{ attribute: 'toString', glob: '*', role: 'x' }])).toEqual([]);
    const proto = verified({ attributes: Object.fromEntries([['__proto__', ['polluted']]]) as Record<string, string[]> });
    expect(mapRoles(proto, [{ attribute: '__proto__', equals: 'polluted', role: 'p' }])).toEqual(['p']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('matching cost is bounded', () => {
  it('globs match in linear time, whatever the value', () => {
    const value = 'a'.repeat(20_000);
    const v = identity({ attributes: { g: [value] } });
    const started = performance.now();
    expect(mapRoles(v, [{ attribute: 'g', glob: '*a*a*a*a*a*a*a*b', role: 'x' }])).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('values longer than 256 characters never match a regex rule (globs and equals still apply)', () => {
    const long = 'a'.repeat(257);
    const ok = 'a'.repeat(256);
    const v = identity({ attributes: { g: [long, ok] } });
    expect(mapRoles(identity({ attributes: { g: [long] } }), [{ attribute: 'g', regex: 'a+', role: 'r' }])).toEqual([]);
    expect(mapRoles(v, [{ attribute: 'g', regex: 'a+', role: 'r' }])).toEqual(['r']);
    expect(mapRoles(identity({ attributes: { g: [long] } }), [{ attribute: 'g', glob: 'a*', role: 'g' }])).toEqual(['g']);
  });

  it('the worst accepted regex on the longest matched value stays fast', () => {
    const v = identity({ attributes: { g: ['a'.repeat(256)] } });
    const started = performance.now();
    expect(mapRoles(v, [{ attribute: 'g', regex: '(.*)a(.*)a(.*)b', role: 'x' }])).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('Entra ID groups overage', () => {
  const overage = identity({ attributes: { [SAML_ATTRIBUTES.entraGroupsLink]: ['https://graph.windows.net/tenant/users/oid/getMemberObjects'] } });
  const groupRule: RoleRule = { attribute: SAML_ATTRIBUTES.entraGroups, equals: '0e3a5b1c-1111-2222-3333-444455556666', role: 'admin' };

  it('a rule over the groups claim raises GROUPS_OVERAGE instead of silently seeing no groups', () => {
    const err = throwsWith(() => mapRoles(overage, [groupRule]), 'GROUPS_OVERAGE');
    expect(err.details).toEqual({ link: 'https://graph.windows.net/tenant/users/oid/getMemberObjects' });
  });

  it('no overage when the groups are present, or when no rule reads them', () => {
    const both = identity({ attributes: { [SAML_ATTRIBUTES.entraGroups]: ['0e3a5b1c-1111-2222-3333-444455556666'] } });
    expect(mapRoles(both, [groupRule])).toEqual(['admin']);
    expect(mapRoles(overage, [{ nameId: true, glob: '*', role: 'user' }])).toEqual(['user']);
  });

  it('a customized group claim name is covered through entraGroupsAttribute', () => {
    const mapper = createRoleMapper([{ attribute: 'groups', glob: '*', role: 'member' }], { entraGroupsAttribute: 'groups' });
    throwsWith(() => mapper.map(overage), 'GROUPS_OVERAGE');
    expect(createRoleMapper([{ attribute: 'groups', glob: '*', role: 'member' }]).map(overage)).toEqual([]);
  });
});

describe('createRoleMapper and mapRoles', () => {
  it('returns a frozen mapper exposing frozen copies of the rules', () => {
    const rules: RoleRule[] = [{ attribute: { friendlyName: 'groups' }, equals: 'a', role: 'b' }];
    const mapper = createRoleMapper(rules);
    expect(Object.isFrozen(mapper)).toBe(true);
    expect(mapper.rules).toEqual(rules);
    expect(Object.isFrozen(mapper.rules[0])).toBe(true);
    expect(mapper.rules[0]).not.toBe(rules[0]);
  });

  it('mapRoles accepts a mapper', () => {
    const mapper = createRoleMapper([{ nameId: true, glob: '*', role: 'user' }]);
    expect(mapRoles(identity(), mapper)).toEqual(['user']);
  });

  it('raw rules are compiled once per array: the rules in force are those of the first call', () => {
    const rules: RoleRule[] = [{ nameId: true, glob: '*', role: 'user' }];
    expect(mapRoles(identity(), rules)).toEqual(['user']);
    (rules[0] as { role: string }).role = 'admin';
    expect(mapRoles(identity(), rules)).toEqual(['user']);
    expect(mapRoles(identity(), [...rules])).toEqual(['admin']);
  });

  it('results are strings only', () => {
    const roles = mapRoles(identity({ attributes: { g: ['1', '2'] } }), [{ attribute: 'g', glob: '*', role: 'n$1' }]);
    expect(roles).toEqual(['n1', 'n2']);
    for (const r of roles) expect(typeof r).toBe('string');
  });

  it('isRoleName', () => {
    expect(isRoleName('developer')).toBe(true);
    expect(isRoleName('arn:aws:iam::123456789012:role/x')).toBe(true);
    for (const bad of ['', 'a,b', 'a b', 'a\u0000', 'x'.repeat(129), 42, null]) expect(isRoleName(bad)).toBe(false);
  });
});

describe('rule validation (CONFIG_INVALID at creation)', () => {
  const bad: Array<[string, unknown]> = [
    ['not an array', { attribute: 'g', equals: 'x', role: 'r' }],
    ['a rule that is not an object', ['attribute']],
    ['an unknown key', [{ attribute: 'g', equals: 'x', role: 'r', ignoreCase: true }]],
    ['a misspelled key', [{ atribute: 'g', equals: 'x', role: 'r' }]],
    ['no source', [{ equals: 'x', role: 'r' }]],
    ['two sources', [{ attribute: 'g', nameId: true, equals: 'x', role: 'r' }]],
    ['nameId given a value', [{ nameId: 'alice@example.com', role: 'r' }]],
    ['issuer given a value', [{ issuer: 'https://idp/', role: 'r' }]],
    ['an empty attribute name', [{ attribute: '', equals: 'x', role: 'r' }]],
    ['an unknown attribute form', [{ attribute: { id: 'g' }, equals: 'x', role: 'r' }]],
    ['an attribute form with two keys', [{ attribute: { name: 'g', friendlyName: 'g' }, equals: 'x', role: 'r' }]],
    ['an attribute array', [{ attribute: ['g'], equals: 'x', role: 'r' }]],
    ['no matcher', [{ attribute: 'g', role: 'r' }]],
    ['two matchers', [{ attribute: 'g', equals: 'x', glob: 'x*', role: 'r' }]],
    ['a non-string matcher', [{ attribute: 'g', equals: 1, role: 'r' }]],
    ['a regex that does not compile', [{ attribute: 'g', regex: '(unclosed', role: 'r' }]],
    ['a regex with an unmatched ) that would break the anchors', [{ attribute: 'g', regex: 'a)|(b', role: 'r' }]],
    ['a glob ending in a backslash', [{ attribute: 'g', glob: 'a\\', role: 'r' }]],
    ['a glob with **', [{ attribute: 'g', glob: 'a**', role: 'r' }]],
    ['no role', [{ attribute: 'g', equals: 'x' }]],
    ['an empty role', [{ attribute: 'g', equals: 'x', role: '' }]],
    ['a role with a comma', [{ attribute: 'g', equals: 'x', role: 'a,b' }]],
    ['a role with a space', [{ attribute: 'g', equals: 'x', role: 'a b' }]],
    ['a role template with a comma', [{ attribute: 'g', glob: '*', role: '$1,admin' }]],
    ['a role over 128 characters', [{ attribute: 'g', equals: 'x', role: 'r'.repeat(129) }]],
    ['$1 without a capture', [{ attribute: 'g', equals: 'x', role: 'team-$1' }]],
    ['$2 with one capture', [{ attribute: 'g', glob: 'team-*', role: 'team-$2' }]],
    ['a lone $', [{ attribute: 'g', equals: 'x', role: 'cost$' }]],
    ['$ followed by a letter', [{ attribute: 'g', equals: 'x', role: '$a' }]],
    ['$0', [{ attribute: 'g', glob: '*', role: '$0' }]],
  ];
  for (const [name, rules] of bad) {
    it(`refuses ${name}`, () => {
      throwsWith(() => createRoleMapper(rules as RoleRule[]), 'CONFIG_INVALID');
    });
  }

  it('names the offending rule by index', () => {
    const err = throwsWith(() => createRoleMapper([{ nameId: true, glob: '*', role: 'ok' }, { attribute: 'g', regex: '(a+)+', role: 'r' }]), 'CONFIG_INVALID');
    expect(err.message).toMatch(/^Role rule 1: /);
    expect(err.details).toEqual({ rule: 1 });
  });

  it('mapRoles validates raw rules too', () => {
    throwsWith(() => mapRoles(identity(), [{ attribute: 'g', regex: '[', role: 'r' }]), 'CONFIG_INVALID');
    throwsWith(() => mapRoles(identity(), 'developer' as unknown as RoleRule[]), 'CONFIG_INVALID');
  });

  it('refuses unknown mapper options', () => {
    throwsWith(() => createRoleMapper([], { entraGroups: 'x' } as never), 'CONFIG_INVALID');
    throwsWith(() => createRoleMapper([], { entraGroupsAttribute: '' }), 'CONFIG_INVALID');
  });
});

describe('unsafe regexes are refused; useful ones are not', () => {
  const unsafe: Array<[string, string]> = [
    ['nested quantifiers', '(a+)+'],
    ['nested quantifiers inside a non-capturing group', '(?:a*)*'],
    ['nested quantifiers through an inner group', '((a)+)+'],
    ['a quantified group repeated by braces', '(a+){2,}'],
    ['a repeated alternation', '(a|ab)*'],
    ['a repeated alternation in a nested group', '((a|b)c)+'],
    ['a backreference', '(a)\\1'],
    ['a named backreference', '(?<x>a)\\k<x>'],
    ['a lookahead', '(?=a)a'],
    ['a negative lookahead', '(?!b)a'],
    ['a lookbehind', '(?<=a)b'],
    ['a negative lookbehind', '(?<!a)b'],
    ['four variable quantifiers', '.*a.*a.*a.*'],
    ['many optional atoms', 'a?a?a?a?aaaa'],
    ['a source over 512 characters', 'a'.repeat(513)],
  ];
  for (const [name, regex] of unsafe) {
    it(`refuses ${name}: ${regex.length > 40 ? `${regex.slice(0, 40)}…` : regex}`, () => {
      throwsWith(() => createRoleMapper([{ attribute: 'g', regex, role: 'r' }]), 'CONFIG_INVALID');
    });
  }

  const safe = [
    'arn:aws:iam::(\\d{12}):role/(.+)',
    '(?:eng|ops)-(.*)',
    '(?<team>[a-z]+)-admins',
    'CN=([^,]+),OU=Groups,DC=corp,DC=example,DC=com',
    '\\p{L}+',
    '[(|)*+?{}]+x',
    '(?:ab)+c',
    '(a+)?b',
    'a{2}',
    '.+?@example\\.com',
  ];
  for (const regex of safe) {
    it(`accepts ${regex}`, () => {
      expect(() => createRoleMapper([{ attribute: 'g', regex, role: 'r' }])).not.toThrow();
    });
  }

  it('characters that are quantifiers elsewhere are literal inside a class', () => {
    const v = identity({ attributes: { g: ['*+?x'] } });
    expect(mapRoles(v, [{ attribute: 'g', regex: '[(|)*+?{}]+x', role: 'r' }])).toEqual(['r']);
  });

  it('named groups count as captures', () => {
    const v = identity({ attributes: { g: ['payments-admins'] } });
    expect(mapRoles(v, [{ attribute: 'g', regex: '(?<team>[a-z]+)-admins', role: 'admin-$1' }])).toEqual(['admin-payments']);
  });
});
