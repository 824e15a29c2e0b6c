import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { childrenNS, pathOf, textOf } from '../xml/dom.js';
import { SAML_NS } from '../xml/ns.js';

/**
 * Every AudienceRestriction must name one of our audiences (SAML core §2.5.1.4: each restriction is a
 * separate condition, all must hold), and at least one must exist (Web SSO profile §4.1.4.2) unless the
 * caller opted in with allowMissingAudienceRestriction. Returns the configured audience that matched.
 */
export function checkAudience(conditions: Element | undefined, audiences: readonly string[], allowMissing: boolean, assertion: Element): string | undefined {
  const restrictions = conditions ? childrenNS(conditions, SAML_NS, 'AudienceRestriction') : [];
  if (restrictions.length === 0) {
    if (allowMissing) return undefined;
    throw new SamlGuardError('AUDIENCE_MISMATCH', 'The assertion has no AudienceRestriction, so it could be meant for any service provider. (Opt-in for IdPs that omit it: allowMissingAudienceRestriction.)', {
      path: pathOf(conditions ?? assertion),
    });
  }
  let matched: string | undefined;
  for (const r of restrictions) {
    const values = childrenNS(r, SAML_NS, 'Audience').map((a) => textOf(a).trim());
    const hit = audiences.find((a) => values.includes(a));
    if (hit === undefined) {
      const got = values.length === 0 ? 'no Audience' : values.slice(0, 3).map(quote).join(', ') + (values.length > 3 ? ', …' : '');
      throw new SamlGuardError('AUDIENCE_MISMATCH', `AudienceRestriction names ${got}, but this verifier expects ${audiences.map(quote).join(' or ')}. Set audience to your SP entityID as configured at the IdP.`, {
        path: pathOf(r),
        details: { audiences: values.slice(0, 10), expected: [...audiences] },
      });
    }
    matched ??= hit;
  }
  return matched;
}
