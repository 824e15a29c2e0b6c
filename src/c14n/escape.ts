// Escaping rules of Canonical XML 1.0 §2.3 (shared by 1.1 and exclusive c14n).
//
// Text and attribute escaping are deliberately asymmetric: text escapes '>' but leaves '"', TAB and LF
// alone; attribute values escape '"', TAB, LF and CR but not '>'. Do not unify them.
//
// One native regex test per string, and a replace only when it matched: most SAML strings (base64
// certificates and signatures, URNs, timestamps) need no escaping at all, and a JS char-by-char scan is
// several times slower than the regex engine on them. The regexes hold no per-document state (the
// global one is only used through String#replace, which resets lastIndex).

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_ALL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<"\t\n\r]/;
const ATTR_SPECIAL_ALL = /[&<"\t\n\r]/g;

function textEntity(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    default:
      return '&#xD;';
  }
}

function attrEntity(c: string): string {
  switch (c) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '"':
      return '&quot;';
    case '\t':
      return '&#x9;';
    case '\n':
      return '&#xA;';
    default:
      return '&#xD;';
  }
}

/** Escape a text node's (or CDATA section's) string value: `&` `<` `>` and CR. */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIAL_ALL, textEntity) : s;
}

/** Escape an attribute (or namespace) value: `&` `<` `"` TAB LF CR. */
export function escapeAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_SPECIAL_ALL, attrEntity) : s;
}
