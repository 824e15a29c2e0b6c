// Built-in readers for the attributes IdPs actually send (AWS, Entra ID, AD FS, Okta/Google), and cacheUntil.
import { describe, expect, it } from 'vitest';
import { VALID_NOW } from '../../fixtures/saml.js';
import { throwsWith } from '../saml/helpers.js';
import {
  cacheUntil,
  readAdfsGroups,
  readAwsPrincipalTags,
  readAwsRoles,
  readAwsRoleSessionName,
  readAwsSessionDuration,
  readEntraGroups,
  readGroups,
  SAML_ATTRIBUTES,
} from '../../src/index.js';
import { identity, verified } from './helpers.js';

const ROLE = 'arn:aws:iam::123456789012:role/SAML-Developer';
const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/Okta';
const TAG = SAML_ATTRIBUTES.awsPrincipalTagPrefix;

describe('AWS Role', () => {
  it('reads role,provider pairs in either order, several values, from a verified assertion', () => {
    const who = verified({ attributes: { [SAML_ATTRIBUTES.awsRole]: [`${ROLE},${PROVIDER}`, `${PROVIDER},arn:aws:iam::123456789012:role/ReadOnly`] } });
    expect(readAwsRoles(who)).toEqual([
      { roleArn: ROLE, principalArn: PROVIDER },
      { roleArn: 'arn:aws:iam::123456789012:role/ReadOnly', principalArn: PROVIDER },
    ]);
  });

  it('absent → []; duplicates removed; whitespace around the comma and the value tolerated', () => {
    expect(readAwsRoles(identity())).toEqual([]);
    const who = identity({ attributes: { [SAML_ATTRIBUTES.awsRole]: [`  ${ROLE} , ${PROVIDER}\n`, `${PROVIDER},${ROLE}`] } });
    expect(readAwsRoles(who)).toEqual([{ roleArn: ROLE, principalArn: PROVIDER }]);
  });

  it('role names with paths and commas (IAM allows them) split unambiguously', () => {
    const role = 'arn:aws:iam::123456789012:role/teams/payments/Dev,Ops@x';
    for (const value of [`${role},${PROVIDER}`, `${PROVIDER},${role}`]) {
      expect(readAwsRoles(identity({ attributes: { [SAML_ATTRIBUTES.awsRole]: [value] } }))).toEqual([{ roleArn: role, principalArn: PROVIDER }]);
    }
  });

  it('other partitions', () => {
    const value = 'arn:aws-us-gov:iam::123456789012:role/R,arn:aws-us-gov:iam::123456789012:saml-provider/P';
    expect(readAwsRoles(identity({ attributes: { [SAML_ATTRIBUTES.awsRole]: [value] } }))).toEqual([{ roleArn: 'arn:aws-us-gov:iam::123456789012:role/R', principalArn: 'arn:aws-us-gov:iam::123456789012:saml-provider/P' }]);
  });

  const malformed = [
    ['a role alone', ROLE],
    ['a provider alone', PROVIDER],
    ['two roles', `${ROLE},arn:aws:iam::123456789012:role/Other`],
    ['three parts', `${ROLE},${PROVIDER},${PROVIDER}`],
    ['a short account ID', 'arn:aws:iam::1234:role/R,arn:aws:iam::1234:saml-provider/P'],
    ['another service', 'arn:aws:sts::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P'],
    ['a semicolon', `${ROLE};${PROVIDER}`],
  ];
  for (const [name, value] of malformed) {
    it(`CLAIM_INVALID for ${name}, never silently skipped`, () => {
      const who = identity({ attributes: { [SAML_ATTRIBUTES.awsRole]: [`${ROLE},${PROVIDER}`, value!] } });
      const err = throwsWith(() => readAwsRoles(who), 'CLAIM_INVALID');
      expect(err.details).toMatchObject({ attribute: SAML_ATTRIBUTES.awsRole, index: 1 });
    });
  }
});

describe('AWS RoleSessionName, SessionDuration, PrincipalTag', () => {
  const one = (name: string, ...values: string[]) => identity({ attributes: { [name]: values } });

  it('RoleSessionName: 2-64 characters of [\\w+=,.@-]', () => {
    expect(readAwsRoleSessionName(identity())).toBeUndefined();
    expect(readAwsRoleSessionName(one(SAML_ATTRIBUTES.awsRoleSessionName, 'alice@example.com'))).toBe('alice@example.com');
    for (const bad of ['a', 'x'.repeat(65), 'alice smith', 'alice/x']) throwsWith(() => readAwsRoleSessionName(one(SAML_ATTRIBUTES.awsRoleSessionName, bad)), 'CLAIM_INVALID');
    throwsWith(() => readAwsRoleSessionName(one(SAML_ATTRIBUTES.awsRoleSessionName, 'alice', 'bob')), 'CLAIM_INVALID');
  });

  it('SessionDuration: whole seconds, 900..43200 inclusive', () => {
    expect(readAwsSessionDuration(identity())).toBeUndefined();
    expect(readAwsSessionDuration(one(SAML_ATTRIBUTES.awsSessionDuration, '900'))).toBe(900);
    expect(readAwsSessionDuration(one(SAML_ATTRIBUTES.awsSessionDuration, ' 43200 '))).toBe(43_200);
    for (const bad of ['899', '43201', '3600.5', '1e4', '-3600', '', 'one hour', '0x0E10']) {
      throwsWith(() => readAwsSessionDuration(one(SAML_ATTRIBUTES.awsSessionDuration, bad)), 'CLAIM_INVALID');
    }
    throwsWith(() => readAwsSessionDuration(one(SAML_ATTRIBUTES.awsSessionDuration, '3600', '7200')), 'CLAIM_INVALID');
    throwsWith(() => readAwsSessionDuration(one(SAML_ATTRIBUTES.awsSessionDuration)), 'CLAIM_INVALID');
  });

  it('PrincipalTag:<Key> attributes become a null-prototype record', () => {
    const who = verified({ attributes: { [`${TAG}CostCenter`]: ['1234'], [`${TAG}Project`]: ['Payments API'], groups: ['x'] } });
    const tags = readAwsPrincipalTags(who);
    expect({ ...tags }).toEqual({ CostCenter: '1234', Project: 'Payments API' });
    expect(Object.getPrototypeOf(tags)).toBeNull();
    expect(readAwsPrincipalTags(identity())).toEqual({});
  });

  it('PrincipalTag: case-insensitive duplicate keys, multi-valued tags, bad characters and >50 tags are CLAIM_INVALID', () => {
    throwsWith(() => readAwsPrincipalTags(identity({ attributes: { [`${TAG}Team`]: ['a'], [`${TAG}team`]: ['b'] } })), 'CLAIM_INVALID');
    throwsWith(() => readAwsPrincipalTags(identity({ attributes: { [`${TAG}Team`]: ['a', 'b'] } })), 'CLAIM_INVALID');
    throwsWith(() => readAwsPrincipalTags(identity({ attributes: { [`${TAG}Team`]: ['a;b'] } })), 'CLAIM_INVALID');
    throwsWith(() => readAwsPrincipalTags(identity({ attributes: { [`${TAG}`]: ['a'] } })), 'CLAIM_INVALID');
    throwsWith(() => readAwsPrincipalTags(identity({ attributes: { [`${TAG}Team`]: ['v'.repeat(257)] } })), 'CLAIM_INVALID');
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`${TAG}k${i}`, ['v']]));
    throwsWith(() => readAwsPrincipalTags(identity({ attributes: many })), 'CLAIM_INVALID');
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${TAG}k${i}`, ['v']]));
    expect(Object.keys(readAwsPrincipalTags(identity({ attributes: fifty })))).toHaveLength(50);
  });
});

describe('group readers', () => {
  it('Entra ID: groups, the overage link as a distinct result, or none', () => {
    expect(readEntraGroups(identity({ attributes: { [SAML_ATTRIBUTES.entraGroups]: ['g1', 'g2', 'g1'] } }))).toEqual({ kind: 'groups', groups: ['g1', 'g2'] });
    expect(readEntraGroups(identity({ attributes: { [SAML_ATTRIBUTES.entraGroupsLink]: ['https://graph.windows.net/t/users/u/getMemberObjects'] } }))).toEqual({
      kind: 'overage',
      link: 'https://graph.windows.net/t/users/u/getMemberObjects',
    });
    expect(readEntraGroups(identity())).toEqual({ kind: 'none' });
    expect(readEntraGroups(identity({ attributes: { groups: ['a'] } }), 'groups')).toEqual({ kind: 'groups', groups: ['a'] });
  });

  it('AD FS Group claim (present in the fixture response)', () => {
    expect(readAdfsGroups(verified())).toEqual(['engineering', 'admins']);
    expect(readAdfsGroups(identity())).toEqual([]);
  });

  it('Okta / Google custom group attributes, by Name or FriendlyName', () => {
    const who = identity({ attributes: { groups: ['Everyone', 'Engineering', 'Everyone'] }, details: [{ name: 'urn:custom:g', friendlyName: 'memberOf', values: ['ops'] }] });
    expect(readGroups(who, 'groups')).toEqual(['Everyone', 'Engineering']);
    expect(readGroups(who, { name: 'groups' })).toEqual(['Everyone', 'Engineering']);
    expect(readGroups(who, { friendlyName: 'memberOf' })).toEqual(['ops']);
    expect(readGroups(who, 'memberOf')).toEqual([]);
    expect(readGroups(who, 'constructor')).toEqual([]);
    throwsWith(() => readGroups(who, { id: 'x' } as never), 'CONFIG_INVALID');
  });
});

describe('cacheUntil', () => {
  const now = VALID_NOW.getTime();
  const expiresAt = new Date(now + 4 * 3600_000);

  it('is expiresAt when no SessionDuration is sent', () => {
    expect(cacheUntil(identity({ expiresAt }), now)).toEqual(expiresAt);
  });

  it('is now + SessionDuration when that is sooner', () => {
    const who = identity({ expiresAt, attributes: { [SAML_ATTRIBUTES.awsSessionDuration]: ['3600'] } });
    expect(cacheUntil(who, now)).toEqual(new Date(now + 3600_000));
    expect(cacheUntil(who, VALID_NOW)).toEqual(new Date(now + 3600_000));
  });

  it('is expiresAt when SessionDuration is longer', () => {
    const who = identity({ expiresAt, attributes: { [SAML_ATTRIBUTES.awsSessionDuration]: ['43200'] } });
    expect(cacheUntil(who, now)).toEqual(expiresAt);
  });

  it('a verified assertion: bounded by its own expiry (300 s fixture lifetime)', () => {
    const who = verified({ attributes: { [SAML_ATTRIBUTES.awsSessionDuration]: ['900'] } });
    expect(cacheUntil(who, now)).toEqual(who.expiresAt);
  });

  it('a malformed SessionDuration throws instead of being ignored; a bad now or expiresAt too', () => {
    throwsWith(() => cacheUntil(identity({ attributes: { [SAML_ATTRIBUTES.awsSessionDuration]: ['60'] } }), now), 'CLAIM_INVALID');
    throwsWith(() => cacheUntil(identity(), Number.NaN), 'CONFIG_INVALID');
    throwsWith(() => cacheUntil(identity(), new Date('nope')), 'CONFIG_INVALID');
    throwsWith(() => cacheUntil(identity({ expiresAt: new Date('nope') }), now), 'CLAIM_INVALID');
  });
});
