import { utf8Length } from '../bytes/index.js';
import type { Document, Element } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { XMLNS_NS } from './ns.js';
import { charReferenceValue, parseLane, predefinedEntity } from './lane.js';

/** Limits enforced before and while parsing. Every one is configurable; defaults suit SAML messages. */
export interface ParseLimits {
  /** Maximum input size in bytes (UTF-8). Default 1 MiB. */
  maxBytes?: number;
  /** Maximum element nesting depth. Default 64. */
  maxDepth?: number;
  /** Maximum number of elements. Default 50 000. */
  maxElements?: number;
  /** Maximum attributes on one element, namespace declarations not counted. Default 64 (real IdPs send at most 6). */
  maxAttributes?: number;
  /** Maximum namespace declarations on one element. Default 32 (real IdPs send at most 6). */
  maxNamespaceDeclarations?: number;
  /** Maximum distinct prefixes (the default namespace included) in scope at any element. Default 64. */
  maxNamespacesInScope?: number;
  /**
   * Maximum attributes in the whole document, namespace declarations included. Default 25 000: real IdP
   * documents carry at most about 15 per KB, so about 15 000 at the default 1 MiB. Each attribute is a
   * node of the tree and a step of canonicalization, and this bounds the work a document built of
   * nothing but attributes can demand.
   */
  maxTotalAttributes?: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<Required<ParseLimits>> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxElements: 50_000,
  maxAttributes: 64,
  maxNamespaceDeclarations: 32,
  maxNamespacesInScope: 64,
  maxTotalAttributes: 25_000,
});

/** One parsed document: the tree, its root, and the ID index built while parsing. */
export interface ParsedXml {
  readonly document: Document;
  readonly root: Element;
  /** Every `ID`, `Id` and `xml:id` value in the document; a value that occurs twice rejects the parse. */
  readonly ids: ReadonlyMap<string, Element>;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

// References resolve only through this index, and only for documents our parser produced: a DOM built
// elsewhere never went through duplicate-ID rejection, so it cannot be trusted for reference lookup.
// The index rides on the document under a module-private symbol (a WeakMap of whole documents made GC
// markedly slower on the hot path).
const ID_INDEX = Symbol('samlguard.idIndex');

/** The ID index of a document produced by {@link parseXml}, or undefined for any other DOM. */
export function idIndexOf(doc: Document): ReadonlyMap<string, Element> | undefined {
  return (doc as unknown as { [ID_INDEX]?: ReadonlyMap<string, Element> })[ID_INDEX];
}

/** Normalise and validate limits (shared with the verifier's configuration check). */
export function resolveLimits(limits: ParseLimits | undefined): Required<ParseLimits> {
  const out = { ...DEFAULT_PARSE_LIMITS, ...stripUndefined(limits ?? {}) };
  for (const [name, value] of Object.entries(out)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new SamlGuardError('CONFIG_INVALID', `Parse limit ${name} must be a positive integer, got ${quote(String(value))}.`);
    }
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const r: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (r as Record<string, unknown>)[k] = v;
  return r;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Decode input bytes as UTF-8 (the only encoding samlguard accepts), enforcing the size limit first.
 * A UTF-8 byte-order mark is dropped; UTF-16/32 marks are refused.
 */
export function decodeUtf8(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes);
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0 && bytes[1] === 0)) {
    throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', 'The input is UTF-16/UTF-32 encoded; samlguard accepts UTF-8 only.');
  }
  try {
    return utf8.decode(bytes); // TextDecoder strips a UTF-8 BOM when ignoreBOM is false
  } catch (cause) {
    throw new SamlGuardError('XML_MALFORMED', 'The input is not valid UTF-8.', { cause });
  }
}

function tooLarge(size: number, max: number): SamlGuardError {
  return new SamlGuardError('XML_LIMIT_EXCEEDED', `The input is ${size} bytes; the limit is ${max} (parse limit maxBytes).`, {
    details: { limit: 'maxBytes', max, size },
  });
}

function checkStringSize(text: string, maxBytes: number): void {
  // UTF-8 never takes fewer bytes than UTF-16 code units, and never more than three per unit.
  if (text.length > maxBytes) throw tooLarge(utf8Length(text), maxBytes);
  if (text.length * 3 > maxBytes) {
    const size = utf8Length(text);
    if (size > maxBytes) throw tooLarge(size, maxBytes);
  }
}

const XML_DECL = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\2)?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\4)?[ \t\r\n]*\?>/;

// Characters XML 1.0 forbids anywhere (§2.2), including unpaired surrogates in string input.
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// One lexical pass before the parser runs. CDATA sections and comments are skipped (their content is
// literal); everything else is checked for markup declarations (DOCTYPE, ENTITY, …) and for references
// that @xmldom/xmldom would otherwise tolerate: a bare '&', or a character reference to a forbidden
// character such as &#0;.
//
// A hand-written scanner rather than one regular expression: a match per reference allocated a match
// array and a capture, which made a document of character references cost a third more to verify.
// Each reference is read by the grammar the regular expression had:
//   &(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z_][A-Za-z0-9._-]*);   (anything else is a bare '&')

// A plain character class is much faster than the surrogate-pair lookarounds; run those only when needed.
const SUSPECT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** The lexical pass; returns the offset just past the XML declaration (0 when there is none). */
export function lexicalScan(text: string): number {
  const bad = SUSPECT_CHAR.test(text) ? FORBIDDEN_CHAR.exec(text) : null;
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new SamlGuardError('XML_MALFORMED', `The input contains U+${code} at offset ${bad.index}, a character XML 1.0 forbids.`);
  }
  const decl = /^<\?xml[ \t\r\n]/.test(text) ? XML_DECL.exec(text) : null;
  if (decl) {
    const encoding = decl[3];
    if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
      throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `The XML declaration names encoding ${quote(encoding)}; samlguard accepts UTF-8 only.`);
    }
  } else if (/^<\?xml(?:[ \t\r\n?]|$)/.test(text)) {
    throw new SamlGuardError('XML_MALFORMED', 'The XML declaration is malformed.');
  }
  const start = decl ? decl[0].length : 0;
  // The next '&', '<!' and '<?' at or after `i` (-1: none left); each is searched again only once passed.
  let amp = text.indexOf('&', start);
  let bang = text.indexOf('<!', start);
  let pi = text.indexOf('<?', start);
  for (;;) {
    const at = firstOf(amp, bang, pi);
    if (at === -1) break;
    let next: number;
    if (at === pi) {
      const target = /^<\?([^\s?]*)/.exec(text.slice(at, at + 40))?.[1] ?? '';
      throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Processing instruction <?${quote(target).slice(1, -1)} …?> at offset ${at} is refused (only the XML declaration, at the very start, is allowed).`);
    } else if (at === bang) {
      // CDATA sections and comments are skipped whole: their content is literal.
      const end = text.startsWith('<![CDATA[', at) ? text.indexOf(']]>', at + 9) : text.startsWith('<!--', at) ? text.indexOf('-->', at + 4) : -1;
      if (end === -1) {
        if (!/^<![A-Za-z]/.test(text.slice(at, at + 10))) {
          // An unterminated comment or CDATA section, or a typo such as '<!-'.
          throw new SamlGuardError('XML_MALFORMED', `Unterminated or malformed comment/CDATA section at offset ${at}.`);
        }
        throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Markup declaration ${quote(text.slice(at, at + 12))} at offset ${at}: DOCTYPE, DTDs and entity declarations are refused.`);
      }
      next = end + 3;
    } else {
      const semi = referenceEnd(text, at);
      if (semi === -1) throw new SamlGuardError('XML_MALFORMED', `A bare '&' at offset ${at} is not well-formed XML (write &amp;).`);
      if (text.charCodeAt(at + 1) === 0x23 /* # */) {
        const cp = charReferenceValue(text, at, semi);
        if (!isXmlChar(cp)) {
          throw new SamlGuardError('XML_MALFORMED', `Character reference ${text.slice(at, semi + 1)} at offset ${at} names a character XML 1.0 forbids.`);
        }
      } else if (predefinedEntity(text, at, semi) === undefined) {
        throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Entity reference &${quote(text.slice(at + 1, semi)).slice(1, -1)}; at offset ${at}: only the five predefined XML entities are allowed.`);
      }
      next = semi + 1;
    }
    if (amp !== -1 && amp < next) amp = text.indexOf('&', next);
    if (bang !== -1 && bang < next) bang = text.indexOf('<!', next);
    if (pi !== -1 && pi < next) pi = text.indexOf('<?', next);
  }
  return decl ? decl[0].length : 0;
}

/** The smallest of the offsets that are not -1; -1 when all are. */
function firstOf(a: number, b: number, c: number): number {
  let m = a;
  if (b !== -1 && (m === -1 || b < m)) m = b;
  if (c !== -1 && (m === -1 || c < m)) m = c;
  return m;
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAsciiHex(c: number): boolean {
  return isAsciiDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

function isAsciiLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/**
 * The offset of the ';' ending the reference that starts with the '&' at `at`, or -1 when what follows
 * is not `#x` and 1–6 hex digits, `#` and 1–7 decimal digits, or an ASCII name, then ';'.
 */
function referenceEnd(text: string, at: number): number {
  let k = at + 1;
  let max: number;
  let ok: (c: number) => boolean;
  if (text.charCodeAt(k) === 0x23 /* # */) {
    k++;
    if (text.charCodeAt(k) === 0x78 /* x */) {
      k++;
      max = 6;
      ok = isAsciiHex;
    } else {
      max = 7;
      ok = isAsciiDigit;
    }
  } else {
    const c = text.charCodeAt(k);
    if (!isAsciiLetter(c) && c !== 0x5f /* _ */) return -1;
    k++;
    max = Infinity;
    ok = isRefNameChar;
  }
  const first = k;
  while (k - first < max && ok(text.charCodeAt(k))) k++;
  if (max !== Infinity && k === first) return -1;
  return text.charCodeAt(k) === 0x3b /* ; */ ? k : -1;
}

function isRefNameChar(c: number): boolean {
  return isAsciiLetter(c) || isAsciiDigit(c) || c === 0x2e || c === 0x5f || c === 0x2d;
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** What the shared guards keep while one document is parsed (either parser). */
export interface ParseState {
  lim: Readonly<Required<ParseLimits>>;
  failure: SamlGuardError | undefined;
  ids: Map<string, Element>;
  elements: number;
  /** Attributes and declarations so far. */
  attributes: number;
}

function limitError(limit: keyof ParseLimits, max: number, what: string, el: string | null): SamlGuardError {
  return new SamlGuardError('XML_LIMIT_EXCEEDED', `${what} (parse limit ${limit}).`, { details: { limit, max }, path: el ?? undefined });
}

/**
 * Refuse the document. The failure is also recorded on the state: xmldom's SAX layer catches what its
 * handler throws, and the xmldom lane rethrows the recorded failure instead of xmldom's own error.
 */
export function fail(st: ParseState, err: SamlGuardError): never {
  st.failure ??= err;
  throw err;
}

export function depthAndCount(st: ParseState, depth: number): void {
  const lim = st.lim;
  if (depth > lim.maxDepth) {
    fail(st, new SamlGuardError('XML_LIMIT_EXCEEDED', `Elements are nested deeper than ${lim.maxDepth} (parse limit maxDepth).`, { details: { limit: 'maxDepth', max: lim.maxDepth } }));
  }
  if (++st.elements > lim.maxElements) {
    fail(st, new SamlGuardError('XML_LIMIT_EXCEEDED', `The document has more than ${lim.maxElements} elements (parse limit maxElements).`, { details: { limit: 'maxElements', max: lim.maxElements } }));
  }
}

/** Attribute and declaration counts of one element (its local name for the message). */
function guardCounts(st: ParseState, local: string, declarations: number, plain: number): void {
  const lim = st.lim;
  if (declarations > lim.maxNamespaceDeclarations) {
    fail(st, limitError('maxNamespaceDeclarations', lim.maxNamespaceDeclarations, `<${local}> declares more than ${lim.maxNamespaceDeclarations} namespaces`, local));
  }
  if (plain > lim.maxAttributes) {
    fail(st, limitError('maxAttributes', lim.maxAttributes, `<${local}> has more than ${lim.maxAttributes} attributes`, local));
  }
}

/**
 * The per-element guards both parsers share, once the element's attributes are known: attribute and
 * namespace counts (bounded before canonicalization, ID lookups or namespace resolution see the
 * element: those steps stay linear, but nobody legitimate needs tens of thousands of declarations),
 * and the ID index, where a value seen twice rejects the document.
 */
export function guardElement(st: ParseState, el: Element, declarations: number, plain: number, inScope: number): void {
  const lim = st.lim;
  guardCounts(st, el.localName ?? '', declarations, plain);
  if ((st.attributes += declarations + plain) > lim.maxTotalAttributes) {
    fail(st, limitError('maxTotalAttributes', lim.maxTotalAttributes, `The document has more than ${lim.maxTotalAttributes} attributes (namespace declarations included)`, el.localName));
  }
  if (inScope > lim.maxNamespacesInScope) {
    fail(st, limitError('maxNamespacesInScope', lim.maxNamespacesInScope, `More than ${lim.maxNamespacesInScope} namespace prefixes are in scope at <${el.localName}>`, el.localName));
  }
  const list = el.attributes;
  for (let i = 0; i < list.length; i++) {
    const attr = list[i]!;
    const attrNs = attr.namespaceURI;
    const isId = attrNs === null || attrNs === undefined || attrNs === '' ? attr.localName === 'ID' || attr.localName === 'Id' : attrNs === XML_NS && attr.localName === 'id';
    if (!isId) continue;
    const prior = st.ids.get(attr.value);
    if (prior !== undefined) {
      fail(st, new SamlGuardError('DUPLICATE_ID', `ID ${quote(attr.value)} occurs on more than one element (<${prior.localName}> and <${el.localName}>); such documents enable signature wrapping.`, { path: el.localName ?? undefined }));
    }
    st.ids.set(attr.value, el);
  }
}

/**
 * Parse XML with every guard samlguard relies on. Throws {@link SamlGuardError} with
 * `XML_MALFORMED`, `XML_FORBIDDEN_CONSTRUCT`, `XML_LIMIT_EXCEEDED` or `DUPLICATE_ID`.
 *
 * Guards: UTF-8 only; size/depth/element-count/attribute/namespace limits; no DOCTYPE, entities or
 * processing instructions (the XML declaration aside); nothing outside the single root element; XML 1.0
 * and Namespaces well-formedness in full (the strict parser lane, src/xml/lane.ts). The tree is
 * read-only: it offers the DOM's reading members (nodeType, localName, namespaceURI, attributes,
 * firstChild/nextSibling, getAttributeNode(NS), getElementsByTagName(NS), textContent…), not its mutators.
 */
export function parseXml(input: string | Uint8Array, limits?: ParseLimits): ParsedXml {
  return parseWithLimits(input, resolveLimits(limits));
}

/** {@link parseXml} with limits already validated by {@link resolveLimits} (the verifier does it once). */
export function parseWithLimits(input: string | Uint8Array, lim: Readonly<Required<ParseLimits>>): ParsedXml {
  return parseWithLane(input, lim);
}

export function inputText(input: string | Uint8Array, lim: Readonly<Required<ParseLimits>>): string {
  if (typeof input === 'string') {
    checkStringSize(input, lim.maxBytes);
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (input instanceof Uint8Array) return decodeUtf8(input, lim.maxBytes);
  throw new SamlGuardError('INPUT_MALFORMED', 'The input must be a string or a Uint8Array.');
}

export function newState(lim: Readonly<Required<ParseLimits>>): ParseState {
  return { lim, failure: undefined, ids: new Map(), elements: 0, attributes: 0 };
}

export function indexed(doc: Document, ids: Map<string, Element>): ParsedXml {
  Object.defineProperty(doc, ID_INDEX, { value: ids, enumerable: false, writable: false, configurable: false });
  return { document: doc, root: doc.documentElement!, ids };
}

/**
 * The strict parser lane (src/xml/lane.ts), samlguard's parser: one pass, nothing but what SAML uses,
 * the same guards and codes as the xmldom lane (parse-xmldom.ts), which stays for differential testing.
 */
export function parseWithLane(input: string | Uint8Array, lim: Readonly<Required<ParseLimits>>): ParsedXml {
  const text = normalizeXml10LineEndings(inputText(input, lim));
  const start = lexicalScan(text);
  const st = newState(lim);
  const doc = parseLane(text, start, {
    element(el, depth, declarations, plain, inScope) {
      depthAndCount(st, depth);
      guardElement(st, el as unknown as Element, declarations, plain, inScope);
    },
    perTag: lim.maxAttributes + lim.maxNamespaceDeclarations,
    tooManyAttributes(tag, declarations, plain) {
      // More than both limits together: at least one of them is exceeded, and says which.
      const local = tag.slice(tag.indexOf(':') + 1);
      guardCounts(st, local, declarations, plain);
      return fail(st, limitError('maxAttributes', lim.maxAttributes + lim.maxNamespaceDeclarations, `<${local}> has more than ${lim.maxAttributes + lim.maxNamespaceDeclarations} attributes and declarations`, local));
    },
  });
  return indexed(doc as unknown as Document, st.ids);
}

/** XML 1.0 §2.11: CR LF and a lone CR become LF (NEL, LS and PS are XML 1.1's and stay). */
export function normalizeXml10LineEndings(input: string): string {
  return input.indexOf('\r') === -1 ? input : input.replace(/\r\n?/g, '\n');
}

