import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { pathOf } from '../xml/dom.js';

// xs:dateTime as SAML uses it (core §1.3.3: UTC). A zone offset is tolerated and applied; no zone means UTC.
const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Parse an xs:dateTime attribute strictly into epoch milliseconds. A malformed value is SAML_SHAPE_INVALID. */
export function parseInstant(value: string, el: Element, attrName: string): number {
  const m = DATE_TIME.exec(value);
  let ms = Number.NaN;
  if (m) {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), frac ? Math.floor(Number(`0${frac}`) * 1000) : 0);
    const check = new Date(ms);
    // Date.UTC rolls 2024-02-31 over into March: refuse instead of guessing.
    if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) ms = Number.NaN;
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const hours = Number(zone.slice(1, 3));
      const minutes = Number(zone.slice(4, 6));
      // xs:dateTime offsets are bounded to ±14:00.
      if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) ms = Number.NaN;
      else ms -= sign * (hours * 60 + minutes) * 60_000;
    }
  }
  if (!Number.isFinite(ms)) {
    throw new SamlGuardError('SAML_SHAPE_INVALID', `${attrName} ${quote(value)} on <${el.localName}> is not a valid xs:dateTime.`, { path: pathOf(el) });
  }
  return ms;
}

/** An optional instant attribute. */
export function instantAttr(el: Element, name: string): number | undefined {
  const a = el.getAttributeNode(name);
  return a ? parseInstant(a.value, el, name) : undefined;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Human wording for how far `ms` is from now, for messages such as "expired 3 min ago". */
export function relative(deltaMs: number): string {
  const s = Math.round(Math.abs(deltaMs) / 1000);
  const text = s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} days`;
  return deltaMs < 0 ? `${text} ago` : `in ${text}`;
}

export interface TimeWindow {
  now: number;
  skewMs: number;
}

/** NotBefore: valid when now + skew >= notBefore. */
export function checkNotBefore(t: TimeWindow, notBefore: number | undefined, el: Element, what: string): void {
  if (notBefore !== undefined && t.now + t.skewMs < notBefore) {
    throw new SamlGuardError('NOT_YET_VALID', `${what} is not valid until ${iso(notBefore)} (${relative(notBefore - t.now)}); clock skew allowed is ${t.skewMs / 1000} s. Check the clocks of the IdP and this host.`, {
      path: pathOf(el),
      details: { notBefore: iso(notBefore), now: iso(t.now) },
    });
  }
}

/** NotOnOrAfter: valid when now - skew < notOnOrAfter. */
export function checkNotOnOrAfter(t: TimeWindow, notOnOrAfter: number | undefined, el: Element, what: string, code: 'EXPIRED' | 'SESSION_EXPIRED' = 'EXPIRED'): void {
  if (notOnOrAfter !== undefined && t.now - t.skewMs >= notOnOrAfter) {
    throw new SamlGuardError(code, `${what} expired at ${iso(notOnOrAfter)} (${relative(notOnOrAfter - t.now)}); clock skew allowed is ${t.skewMs / 1000} s.`, {
      path: pathOf(el),
      details: { notOnOrAfter: iso(notOnOrAfter), now: iso(t.now) },
    });
  }
}
