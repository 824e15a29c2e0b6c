// Escaping rules of Canonical XML 1.0 §2.3 (shared by 1.1 and exclusive c14n).
//
// Text and attribute escaping are deliberately asymmetric: text escapes '>' but leaves '"', TAB and LF
// alone; attribute values escape '"', TAB, LF and CR but not '>'. Do not unify them.
//
// One native regex test per string, and replaces only when it matched: most SAML strings (base64
// certificates and signatures, URNs, timestamps) need no escaping at all, and a JS char-by-char scan is
// several times slower than the regex engine on them. The regexes hold no per-document state (the
// global ones are only used through String#replace, which resets lastIndex).

const TEXT_SPECIAL = /[&<>\r]/;
const ATTR_SPECIAL = /[&<"\t\n\r]/;
const AMP_ALL = /&/g;
const LT_ALL = /</g;
const GT_ALL = />/g;
const QUOT_ALL = /"/g;
const TAB_ALL = /\t/g;
const LF_ALL = /\n/g;
const CR_ALL = /\r/g;

/** Escape a text node's (or CDATA section's) string value: `&` `<` `>` and CR. */
export function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  // One native replace per special character present, never a callback per match (that made 1 MiB of
  // `&amp;` cost about 10 ms more). '&' goes first: the entities inserted after it contain '&'.
  let out = s.includes('&') ? s.replace(AMP_ALL, '&amp;') : s;
  if (out.includes('<')) out = out.replace(LT_ALL, '&lt;');
  if (out.includes('>')) out = out.replace(GT_ALL, '&gt;');
  if (out.includes('\r')) out = out.replace(CR_ALL, '&#xD;');
  return out;
}

/** Escape an attribute (or namespace) value: `&` `<` `"` TAB LF CR. */
export function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  let out = s.includes('&') ? s.replace(AMP_ALL, '&amp;') : s;
  if (out.includes('<')) out = out.replace(LT_ALL, '&lt;');
  if (out.includes('"')) out = out.replace(QUOT_ALL, '&quot;');
  if (out.includes('\t')) out = out.replace(TAB_ALL, '&#x9;');
  if (out.includes('\n')) out = out.replace(LF_ALL, '&#xA;');
  if (out.includes('\r')) out = out.replace(CR_ALL, '&#xD;');
  return out;
}
