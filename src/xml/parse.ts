import { utf8Length } from '../bytes/index.js';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { __DOMHandler } from '@xmldom/xmldom/lib/dom-parser.js';
import { speedUpXmldom } from './xmldom-speedup.js';
import { SamlGuardError, quote } from '../errors.js';
import { XMLNS_NS } from './ns.js';

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
}

export const DEFAULT_PARSE_LIMITS: Readonly<Required<ParseLimits>> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxElements: 50_000,
  maxAttributes: 64,
  maxNamespaceDeclarations: 32,
  maxNamespacesInScope: 64,
});

/** One parsed document: the tree, its root, and the ID index built while parsing. */
export interface ParsedXml {
  readonly document: Document;
  readonly root: Element;
  /** Every `ID`, `Id` and `xml:id` value in the document; a value that occurs twice rejects the parse. */
  readonly ids: ReadonlyMap<string, Element>;
}

speedUpXmldom();

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
const LEXICAL = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<!|<\?|&(?:(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z_][A-Za-z0-9._-]*);)?/g;
const PREDEFINED_ENTITIES = new Set(['lt', 'gt', 'amp', 'quot', 'apos']);

// A plain character class is much faster than the surrogate-pair lookarounds; run those only when needed.
const SUSPECT_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

function lexicalScan(text: string): void {
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
  LEXICAL.lastIndex = decl ? decl[0].length : 0;
  let m: RegExpExecArray | null;
  while ((m = LEXICAL.exec(text)) !== null) {
    const s = m[0];
    if (s.charCodeAt(0) === 0x3c /* < */) {
      if (s === '<?') {
        const target = /^<\?([^\s?]*)/.exec(text.slice(m.index, m.index + 40))?.[1] ?? '';
        throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Processing instruction <?${quote(target).slice(1, -1)} …?> at offset ${m.index} is refused (only the XML declaration, at the very start, is allowed).`);
      }
      if (s === '<!') {
        const rest = text.slice(m.index, m.index + 10);
        if (!/^<![A-Za-z]/.test(rest)) {
          // What is left after the CDATA/comment alternatives matched nothing: an unterminated comment or
          // CDATA section, or a typo such as '<!-'.
          throw new SamlGuardError('XML_MALFORMED', `Unterminated or malformed comment/CDATA section at offset ${m.index}.`);
        }
        throw new SamlGuardError(
          'XML_FORBIDDEN_CONSTRUCT',
          `Markup declaration ${quote(text.slice(m.index, m.index + 12))} at offset ${m.index}: DOCTYPE, DTDs and entity declarations are refused.`,
        );
      }
      continue;
    }
    const ref = m[1];
    if (ref === undefined) {
      throw new SamlGuardError('XML_MALFORMED', `A bare '&' at offset ${m.index} is not well-formed XML (write &amp;).`);
    }
    if (ref.charCodeAt(0) === 0x23 /* # */) {
      const cp = ref.charCodeAt(1) === 0x78 ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isXmlChar(cp)) {
        throw new SamlGuardError('XML_MALFORMED', `Character reference &${ref}; at offset ${m.index} names a character XML 1.0 forbids.`);
      }
    } else if (!PREDEFINED_ENTITIES.has(ref)) {
      throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Entity reference &${quote(ref).slice(1, -1)}; at offset ${m.index}: only the five predefined XML entities are allowed.`);
    }
  }
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

interface ParseState {
  lim: Readonly<Required<ParseLimits>>;
  failure: SamlGuardError | undefined;
  ids: Map<string, Element>;
  depth: number;
  elements: number;
  sawRoot: boolean;
  /** prefix → how many open elements declare it; its size is the number of prefixes in scope. */
  nsOpen: Map<string, number>;
  /** Per open element (index depth-1): the prefixes it declared, or null (most elements declare none). */
  nsStack: Array<string[] | null>;
}

function limitError(limit: keyof ParseLimits, max: number, what: string, el: string | null): SamlGuardError {
  return new SamlGuardError('XML_LIMIT_EXCEEDED', `${what} (parse limit ${limit}).`, { details: { limit, max }, path: el ?? undefined });
}

// The state of the parse in progress. Parsing is synchronous, so one slot suffices; it is set and
// cleared around each parseFromString call and never observed across calls.
let current: ParseState | undefined;

function fail(err: SamlGuardError): never {
  if (current) current.failure ??= err;
  throw err;
}

/** xmldom's DOM builder, extended to enforce limits, refuse DTDs and PIs, and index IDs while parsing. */
class GuardedHandler extends __DOMHandler {
  override startElement(ns: string | null, local: string, qName: string, attrs: unknown): void {
    const st = current!;
    const lim = st.lim;
    if (++st.depth > lim.maxDepth) {
      fail(new SamlGuardError('XML_LIMIT_EXCEEDED', `Elements are nested deeper than ${lim.maxDepth} (parse limit maxDepth).`, { details: { limit: 'maxDepth', max: lim.maxDepth } }));
    }
    if (++st.elements > lim.maxElements) {
      fail(new SamlGuardError('XML_LIMIT_EXCEEDED', `The document has more than ${lim.maxElements} elements (parse limit maxElements).`, { details: { limit: 'maxElements', max: lim.maxElements } }));
    }
    if (st.depth === 1) {
      if (st.sawRoot) fail(new SamlGuardError('XML_MALFORMED', 'The document has more than one root element.'));
      st.sawRoot = true;
    }
    super.startElement(ns, local, qName, attrs);
    const el = this.currentElement as Element;
    const list = el.attributes;
    // Attribute and namespace counts are bounded before anything downstream (canonicalization, ID
    // lookups, namespace resolution) sees the element: those steps stay linear, but a 1 MiB element with
    // tens of thousands of declarations still costs time nobody legitimate needs.
    let plain = 0;
    let declared: string[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const attr = list.item(i)!;
      const attrNs = attr.namespaceURI;
      if (attrNs === XMLNS_NS) {
        if (attr.prefix === 'xmlns' && attr.value === '') {
          // Namespaces in XML 1.0 forbids undeclaring a prefix; xmldom would accept it.
          fail(new SamlGuardError('XML_MALFORMED', `<${el.localName}> undeclares prefix ${quote(attr.localName)} (xmlns:${attr.localName}=""), which XML 1.0 forbids.`));
        }
        const prefix = attr.prefix === 'xmlns' ? (attr.localName ?? '') : '';
        if (declared === null) declared = [prefix];
        else declared.push(prefix);
        if (declared.length > lim.maxNamespaceDeclarations) {
          fail(limitError('maxNamespaceDeclarations', lim.maxNamespaceDeclarations, `<${el.localName}> declares more than ${lim.maxNamespaceDeclarations} namespaces`, el.localName));
        }
        continue;
      }
      if (++plain > lim.maxAttributes) {
        fail(limitError('maxAttributes', lim.maxAttributes, `<${el.localName}> has more than ${lim.maxAttributes} attributes`, el.localName));
      }
      const isId = attrNs === null || attrNs === undefined || attrNs === '' ? attr.localName === 'ID' || attr.localName === 'Id' : attrNs === XML_NS && attr.localName === 'id';
      if (!isId) continue;
      const prior = st.ids.get(attr.value);
      if (prior !== undefined) {
        fail(new SamlGuardError('DUPLICATE_ID', `ID ${quote(attr.value)} occurs on more than one element (<${prior.localName}> and <${el.localName}>); such documents enable signature wrapping.`, { path: el.localName ?? undefined }));
      }
      st.ids.set(attr.value, el);
    }
    st.nsStack.push(declared);
    if (declared !== null) {
      const open = st.nsOpen;
      for (let i = 0; i < declared.length; i++) open.set(declared[i]!, (open.get(declared[i]!) ?? 0) + 1);
      if (open.size > lim.maxNamespacesInScope) {
        fail(limitError('maxNamespacesInScope', lim.maxNamespacesInScope, `More than ${lim.maxNamespacesInScope} namespace prefixes are in scope at <${el.localName}>`, el.localName));
      }
    }
  }
  override endElement(ns: string | null, local: string, qName: string): void {
    const st = current!;
    st.depth--;
    const declared = st.nsStack.pop();
    if (declared) {
      const open = st.nsOpen;
      for (let i = 0; i < declared.length; i++) {
        const n = open.get(declared[i]!)! - 1;
        if (n === 0) open.delete(declared[i]!);
        else open.set(declared[i]!, n);
      }
    }
    super.endElement(ns, local, qName);
  }
  override processingInstruction(target: string): void {
    // The XML declaration reaches us as a PI; any other PI is refused. It is not added to the tree.
    if (target === 'xml' && !current!.sawRoot && this.doc.childNodes.length === 0) return;
    fail(new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Processing instruction <?${quote(target).slice(1, -1)} …?> is refused.`));
  }
  override startDTD(): void {
    fail(new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', 'DOCTYPE declarations are refused (no DTDs, no entities).'));
  }
}

/**
 * Parse XML with every guard samlguard relies on. Throws {@link SamlGuardError} with
 * `XML_MALFORMED`, `XML_FORBIDDEN_CONSTRUCT`, `XML_LIMIT_EXCEEDED` or `DUPLICATE_ID`.
 *
 * Guards: UTF-8 only; size/depth/element-count limits; no DOCTYPE, entities or processing instructions
 * (the XML declaration aside); nothing outside the single root element; any parser warning is fatal, so
 * @xmldom/xmldom never silently "recovers" a document into something other parsers would read differently.
 */
export function parseXml(input: string | Uint8Array, limits?: ParseLimits): ParsedXml {
  return parseWithLimits(input, resolveLimits(limits));
}

/** {@link parseXml} with limits already validated by {@link resolveLimits} (the verifier does it once). */
export function parseWithLimits(input: string | Uint8Array, lim: Readonly<Required<ParseLimits>>): ParsedXml {
  let text: string;
  if (typeof input === 'string') {
    checkStringSize(input, lim.maxBytes);
    text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  } else if (input instanceof Uint8Array) {
    text = decodeUtf8(input, lim.maxBytes);
  } else {
    throw new SamlGuardError('INPUT_MALFORMED', 'The input must be a string or a Uint8Array.');
  }
  lexicalScan(text);

  const state: ParseState = { lim, failure: undefined, ids: new Map(), depth: 0, elements: 0, sawRoot: false, nsOpen: new Map(), nsStack: [] };
  let doc: Document | undefined;
  current = state;
  try {
    doc = new DOMParser({
      domHandler: GuardedHandler,
      // Line/column tracking costs ~20% of parse time on every request; parse errors still say what is wrong.
      locator: false,
      // XML 1.0 §2.11: only CR LF and lone CR become LF. xmldom's default also folds NEL, LS and PS (the
      // XML 1.1 rule), which would make samlguard read "a\u2028b" as "a\nb": a parser differential.
      normalizeLineEndings: normalizeXml10LineEndings,
      onError: (level: string, message: string) => {
        // U+FFFD is a legal XML character; xmldom merely wonders whether the source was mis-decoded.
        // (Byte input is decoded with a fatal UTF-8 decoder, so a U+FFFD here was really in the data.)
        if (level === 'warning' && message.startsWith('Unicode replacement character detected')) return;
        fail(new SamlGuardError('XML_MALFORMED', `The XML is not well-formed: ${level}: ${truncate(message)}`));
      },
    }).parseFromString(text, 'text/xml');
  } catch (cause) {
    if (state.failure) throw state.failure;
    throw new SamlGuardError('XML_MALFORMED', `The XML is not well-formed: ${truncate(cause instanceof Error ? cause.message : String(cause))}`, { cause });
  } finally {
    current = undefined;
  }
  if (state.failure) throw state.failure;
  const root = doc.documentElement;
  if (!root) throw new SamlGuardError('XML_MALFORMED', 'The document has no root element.');
  Object.defineProperty(doc, ID_INDEX, { value: state.ids, enumerable: false, writable: false, configurable: false });
  return { document: doc, root, ids: state.ids };
}

function normalizeXml10LineEndings(input: string): string {
  return input.indexOf('\r') === -1 ? input : input.replace(/\r\n?/g, '\n');
}

function truncate(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  // The parser's messages may quote input (tag names, attribute names): keep them as bounded as quote().
  return oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine;
}
