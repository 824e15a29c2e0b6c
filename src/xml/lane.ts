// The strict parser lane: an XML parser written for exactly what a SAML message may contain (elements,
// attributes, namespaces, text, CDATA, comments, the five predefined entities and character
// references) and nothing else. One pass over the text builds a small tree with the part of the DOM
// API samlguard reads (nodeType, localName, namespaceURI, prefix, attributes, firstChild/nextSibling,
// parentNode, data, getAttributeNode…), so canonicalization and the SAML rules run on it unchanged.
//
// It runs after parse.ts's lexical scan (forbidden characters, DOCTYPE/PI/entity refusal, reference
// validity), and enforces the rest of XML 1.0 + Namespaces well-formedness itself: names, quoting,
// tag matching, one root, no stray text, no `]]>` in text, no `<` in attribute values, duplicate
// attributes (by name and by expanded name), bound prefixes, reserved prefixes and namespaces.
import { SamlGuardError, quote } from '../errors.js';
import { XMLNS_NS } from './ns.js';
import { NodeType } from './dom.js';

const XML_NS = 'http://www.w3.org/XML/1998/namespace';

const { ELEMENT, ATTRIBUTE, TEXT, CDATA, COMMENT, DOCUMENT } = NodeType;

type Parent = LaneElement | LaneDocument;
type Child = LaneElement | LaneCharacterData;

/** Text, CDATA section or comment. */
export class LaneCharacterData {
  parentNode: Parent | null = null;
  nextSibling: Child | null = null;
  previousSibling: Child | null = null;
  declare readonly firstChild: null;
  declare readonly lastChild: null;
  constructor(
    readonly nodeType: typeof TEXT | typeof CDATA | typeof COMMENT,
    public data: string,
    readonly ownerDocument: LaneDocument,
  ) {}
  get nodeValue(): string {
    return this.data;
  }
  get textContent(): string {
    return this.data;
  }
  get nodeName(): string {
    return this.nodeType === TEXT ? '#text' : this.nodeType === CDATA ? '#cdata-section' : '#comment';
  }
  get length(): number {
    return this.data.length;
  }
  get childNodes(): LaneList<Child> {
    return asList([]);
  }
  hasChildNodes(): boolean {
    return false;
  }
}

// Constant members on the prototype: a document may hold a hundred thousand of these nodes.
Object.defineProperties(LaneCharacterData.prototype, { firstChild: { value: null }, lastChild: { value: null } });

export class LaneAttr {
  declare readonly nodeType: typeof ATTRIBUTE;
  declare readonly specified: true;
  constructor(
    readonly name: string,
    readonly prefix: string | null,
    readonly localName: string,
    public namespaceURI: string | null,
    readonly value: string,
    readonly ownerElement: LaneElement,
  ) {}
  get nodeName(): string {
    return this.name;
  }
  get nodeValue(): string {
    return this.value;
  }
  get textContent(): string {
    return this.value;
  }
}

Object.defineProperties(LaneAttr.prototype, { nodeType: { value: ATTRIBUTE }, specified: { value: true } });

/** A list as the DOM's NamedNodeMap/NodeList reads: indexable, with `length` and `item(i)`. */
export type LaneList<T> = T[] & { item(index: number): T | null };

function itemOf<T>(this: T[], index: number): T | null {
  return this[index] ?? null;
}

function asList<T>(items: T[]): LaneList<T> {
  (items as LaneList<T>).item = itemOf;
  return items as LaneList<T>;
}

const NO_ATTRS: LaneList<LaneAttr> = Object.freeze(asList<LaneAttr>([]));

function byTagName(node: Parent, test: (el: LaneElement) => boolean, out: LaneElement[]): LaneElement[] {
  for (let n = node.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === ELEMENT) {
      if (test(n)) out.push(n);
      byTagName(n, test, out);
    }
  }
  return out;
}

/** getElementsByTagName(NS) as the DOM defines them ('*' matches any), as a static list. */
function elementsByName(node: Parent, ns: string | null | undefined, name: string): LaneList<LaneElement> {
  const test =
    ns === undefined
      ? (el: LaneElement) => name === '*' || el.nodeName === name
      : (el: LaneElement) => (ns === '*' || el.namespaceURI === (ns === '' ? null : ns)) && (name === '*' || el.localName === name);
  return asList(byTagName(node, test, []));
}

function collectText(node: Parent): string {
  let out = '';
  for (let n = node.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === TEXT || n.nodeType === CDATA) out += n.data;
    else if (n.nodeType === ELEMENT) out += collectText(n);
  }
  return out;
}

function childList(node: Parent): LaneList<Child> {
  const out: Child[] = [];
  for (let n = node.firstChild; n !== null; n = n.nextSibling) out.push(n);
  return asList(out);
}

/** What elements and the document share: children, and the DOM's reading methods over them. */
abstract class LaneParent {
  firstChild: Child | null = null;
  lastChild: Child | null = null;
  get childNodes(): LaneList<Child> {
    return childList(this as unknown as Parent);
  }
  hasChildNodes(): boolean {
    return this.firstChild !== null;
  }
  getElementsByTagName(name: string): LaneList<LaneElement> {
    return elementsByName(this as unknown as Parent, undefined, name);
  }
  getElementsByTagNameNS(ns: string | null, local: string): LaneList<LaneElement> {
    return elementsByName(this as unknown as Parent, ns, local);
  }
}

export class LaneElement extends LaneParent {
  declare readonly nodeType: typeof ELEMENT;
  parentNode: Parent | null = null;
  nextSibling: Child | null = null;
  previousSibling: Child | null = null;
  attributes: LaneList<LaneAttr> = NO_ATTRS;
  /** Offset of the start tag in the (line-end normalised) input. */
  readonly sourceOffset: number;
  constructor(
    readonly nodeName: string,
    readonly prefix: string | null,
    readonly localName: string,
    readonly namespaceURI: string | null,
    readonly ownerDocument: LaneDocument,
    offset: number,
  ) {
    super();
    this.sourceOffset = offset;
  }
  get tagName(): string {
    return this.nodeName;
  }
  get textContent(): string {
    return collectText(this);
  }
  getAttributeNode(name: string): LaneAttr | null {
    const list = this.attributes;
    for (let i = 0; i < list.length; i++) if (list[i]!.name === name) return list[i]!;
    return null;
  }
  getAttribute(name: string): string | null {
    return this.getAttributeNode(name)?.value ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.getAttributeNode(name) !== null;
  }
  getAttributeNodeNS(ns: string | null, local: string): LaneAttr | null {
    const want = ns === '' ? null : ns;
    const list = this.attributes;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      if (a.localName === local && a.namespaceURI === want) return a;
    }
    return null;
  }
  getAttributeNS(ns: string | null, local: string): string | null {
    return this.getAttributeNodeNS(ns, local)?.value ?? null;
  }
  hasAttributeNS(ns: string | null, local: string): boolean {
    return this.getAttributeNodeNS(ns, local) !== null;
  }
}

Object.defineProperty(LaneElement.prototype, 'nodeType', { value: ELEMENT });

export class LaneDocument extends LaneParent {
  readonly nodeType = DOCUMENT;
  readonly nodeName = '#document';
  readonly parentNode = null;
  readonly nextSibling = null;
  readonly previousSibling = null;
  readonly ownerDocument = null;
  documentElement: LaneElement | null = null;
  get textContent(): null {
    return null;
  }
}

function append(parent: Parent, child: Child): void {
  child.parentNode = parent;
  const last = parent.lastChild;
  if (last === null) parent.firstChild = child;
  else {
    last.nextSibling = child;
    child.previousSibling = last;
  }
  parent.lastChild = child;
}

/** What the lane reports to the caller's guards as it goes (limits, the ID index). */
export interface LaneHooks {
  /** Called for each start tag once its attributes are resolved; may throw to stop the parse. */
  element(el: LaneElement, depth: number, declarations: number, plainAttributes: number, inScope: number): void;
  /**
   * Called while a start tag's attributes are read, as soon as it has more than `perTag` of them (plain
   * plus declarations), so an oversized tag is refused before the rest of it is read. Must throw.
   */
  tooManyAttributes(tag: string, declarations: number, plainAttributes: number): never;
  /** The attributes a start tag may carry in all (the caller's attribute plus declaration limits). */
  readonly perTag: number;
}

/** A name as messages show it: the input may hold a 10 000-character tag name. */
function shown(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

function malformed(message: string, offset: number): SamlGuardError {
  return new SamlGuardError('XML_MALFORMED', `The XML is not well-formed: ${message} (at offset ${offset}).`, { details: { offset } });
}

// XML 1.0 (5th ed.) Name, with the colon handled by the QName split below.
const NAME_START = ':A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NAME_CHAR = NAME_START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040';
const NAME = new RegExp(`[${NAME_START}][${NAME_CHAR}]*`, 'uy');
// Namespaces in XML: a QName's local part is an NCName, which starts with a NameStartChar (no digit, '-', '.').
const NCNAME_START = new RegExp(`^[${NAME_START}]`, 'u');
const NOT_TEXT = /[&\]]/;

/** ASCII NameStartChar: letters, '_' and ':'. */
function isAsciiNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** ASCII NameChar: NameStartChar, digits, '-' and '.'. */
function isAsciiNameChar(c: number): boolean {
  return isAsciiNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}


/** The value of a hex digit's char code, NaN for anything else. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : Number.NaN;
}

/**
 * The text of the predefined entity reference `s[at..semi]` (`&lt;`, `&gt;`, `&amp;`, `&quot;`,
 * `&apos;`), or undefined for any other name. Compared in place: no slice per reference.
 */
export function predefinedEntity(s: string, at: number, semi: number): string | undefined {
  switch (semi - at - 1) {
    case 2:
      if (s.charCodeAt(at + 2) !== 0x74 /* t */) return undefined;
      return s.charCodeAt(at + 1) === 0x6c /* l */ ? '<' : s.charCodeAt(at + 1) === 0x67 /* g */ ? '>' : undefined;
    case 3:
      return s.startsWith('amp', at + 1) ? '&' : undefined;
    case 4:
      return s.startsWith('quot', at + 1) ? '"' : s.startsWith('apos', at + 1) ? "'" : undefined;
    default:
      return undefined;
  }
}

/**
 * The code point of the character reference `s[at..semi]` (`&#…;` or `&#x…;`); NaN when a digit is not
 * one of its base or there is none.
 */
export function charReferenceValue(s: string, at: number, semi: number): number {
  const hex = s.charCodeAt(at + 2) === 0x78; /* x */
  const first = hex ? at + 3 : at + 2;
  let cp = first < semi ? 0 : Number.NaN;
  for (let k = first; k < semi; k++) {
    const c = s.charCodeAt(k);
    cp = hex ? cp * 16 + hexDigit(c) : c >= 0x30 && c <= 0x39 ? cp * 10 + (c - 0x30) : Number.NaN;
  }
  return cp;
}

/**
 * The text of the reference `s[at..semi]` (`&…;`). The lexical scan has checked each reference's form
 * and character already; this checks again, so that nothing but a valid reference ever decodes.
 */
function referenceText(s: string, at: number, semi: number): string {
  if (s.charCodeAt(at + 1) === 0x23 /* # */) {
    const cp = charReferenceValue(s, at, semi);
    if (!(cp <= 0x10ffff)) throw malformed(`invalid character reference ${s.slice(at, Math.min(semi + 1, at + 12))}`, at);
    return String.fromCodePoint(cp);
  }
  const text = predefinedEntity(s, at, semi);
  if (text === undefined) throw malformed(`unknown entity ${s.slice(at, Math.min(semi + 1, at + 12))}`, at);
  return text;
}

/** The offset of the ';' closing the reference at `at`, which must lie before `end`. */
function referenceEnd(s: string, at: number, end: number): number {
  const semi = s.indexOf(';', at);
  if (semi === -1 || semi >= end) throw malformed("a '&' starts no reference", at);
  return semi;
}

// Decoded strings are joined from parts: appending piece by piece would leave a rope node per
// reference, alive as long as the tree (a million of them in 1 MiB of references).

function decodeText(s: string, start: number, end: number): string {
  const raw = s.slice(start, end);
  if (!NOT_TEXT.test(raw)) return raw;
  if (raw.includes(']]>')) throw malformed("']]>' may not appear in text", start + raw.indexOf(']]>'));
  if (!raw.includes('&')) return raw;
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const amp = s.indexOf('&', i);
    if (amp === -1 || amp >= end) break;
    if (amp > i) parts.push(s.slice(i, amp));
    const semi = referenceEnd(s, amp, end);
    parts.push(referenceText(s, amp, semi));
    i = semi + 1;
  }
  if (i < end) parts.push(s.slice(i, end));
  return parts.join('');
}

/**
 * XML 1.0 §3.3.3 for CDATA attributes (no DTD): each literal whitespace character becomes a space;
 * references are not normalised. Only called for a value holding a reference, TAB, LF or '<'.
 */
function decodeAttr(s: string, start: number, end: number): string {
  const parts: string[] = [];
  let seg = start; // start of the literal run not yet copied
  for (let i = start; i < end; ) {
    const c = s.charCodeAt(i);
    if (c === 0x3c) throw malformed("'<' may not appear in an attribute value", i);
    if (c === 0x26) {
      if (i > seg) parts.push(s.slice(seg, i));
      const semi = referenceEnd(s, i, end);
      parts.push(referenceText(s, i, semi));
      i = seg = semi + 1;
    } else if (c === 0x09 || c === 0x0a) {
      if (i > seg) parts.push(s.slice(seg, i));
      parts.push(' ');
      i = seg = i + 1;
    } else i++;
  }
  if (end > seg) parts.push(s.slice(seg, end));
  return parts.join('');
}

/** `xmlns` or `xmlns:…`: a namespace declaration rather than an attribute. */
function isDeclaration(name: string): boolean {
  return name.charCodeAt(0) === 0x78 && name.startsWith('xmlns') && (name.length === 5 || name.charCodeAt(5) === 0x3a);
}

/**
 * Parse `s` (line endings already normalised, lexical scan passed, XML declaration at `start` skipped)
 * into a {@link LaneDocument}. Throws SamlGuardError (XML_MALFORMED, or whatever a hook throws).
 */
export function parseLane(s: string, start: number, hooks: LaneHooks): LaneDocument {
  const doc = new LaneDocument();
  const len = s.length;
  // Namespace bindings in scope: prefix → URI ('' key is the default namespace), with an undo log per open element.
  const scope = new Map<string, string>();
  const undo: Array<Array<string | undefined> | null> = [];
  const open: LaneElement[] = [];
  let parent: Parent = doc;
  let i = start;
  // A start tag's attributes as read, before namespaces resolve them: reused from tag to tag.
  const pName: string[] = [];
  const pValue: string[] = [];
  const pOffset: number[] = [];
  const seen = new Set<string>(); // checkDuplicates' scratch

  const readName = (at: number): string => {
    // ASCII names (all of SAML's vocabulary) are scanned by char code; anything else goes to the full
    // XML 1.0 Name production, from the start of the name.
    let k = at;
    let c = s.charCodeAt(k);
    if (isAsciiNameStart(c)) {
      do c = s.charCodeAt(++k);
      while (isAsciiNameChar(c));
      if (c < 0x80 || Number.isNaN(c)) return s.slice(at, k);
    }
    NAME.lastIndex = at;
    const m = NAME.exec(s);
    if (m === null) throw malformed('a name was expected', at);
    return m[0];
  };
  /** Index of a QName's colon (-1 when it has none), after checking its local part is an NCName. */
  const colonOf = (qname: string, at: number): number => {
    const colon = qname.indexOf(':');
    if (colon === -1) return -1;
    const first = qname.charCodeAt(colon + 1);
    const ok = colon !== 0 && colon + 1 < qname.length && qname.indexOf(':', colon + 1) === -1 && (isAsciiNameStart(first) ? first !== 0x3a : first >= 0x80 && NCNAME_START.test(qname.slice(colon + 1)));
    if (!ok) throw malformed(`${quote(qname)} is not a valid qualified name`, at);
    return colon;
  };

  while (i < len) {
    const lt = s.indexOf('<', i);
    const textEnd = lt === -1 ? len : lt;
    if (textEnd > i) {
      if (parent === doc) {
        for (let k = i; k < textEnd; k++) if (!isSpace(s.charCodeAt(k))) throw malformed('text outside the root element', k);
      } else {
        const text = decodeText(s, i, textEnd);
        const last = parent.lastChild;
        // Text on both sides of an (empty, hence absent) CDATA section is one text node, as in xmldom.
        if (last !== null && last.nodeType === TEXT) last.data += text;
        else append(parent, new LaneCharacterData(TEXT, text, doc));
      }
    }
    if (lt === -1) break;
    const c = s.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const name = readName(lt + 2);
      let k = lt + 2 + name.length;
      while (k < len && isSpace(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== 0x3e) throw malformed(`end tag </${shown(name)}> is not closed with '>'`, lt);
      const el = open.pop();
      if (el === undefined) throw malformed(`end tag </${shown(name)}> without a start tag`, lt);
      if (el.nodeName !== name) throw malformed(`end tag </${shown(name)}> does not match <${shown(el.nodeName)}>`, lt);
      restore(scope, undo.pop());
      parent = el.parentNode!;
      i = k + 1;
      continue;
    }
    if (c === 0x21 /* ! */) {
      if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('-->', lt + 4);
        if (end === -1) throw malformed('unterminated comment', lt);
        const data = s.slice(lt + 4, end);
        if (data.includes('--') || data.endsWith('-')) throw malformed("'--' inside a comment", lt);
        append(parent, new LaneCharacterData(COMMENT, data, doc));
        i = end + 3;
        continue;
      }
      if (s.startsWith('<![CDATA[', lt)) {
        if (parent === doc) throw malformed('a CDATA section outside the root element', lt);
        const end = s.indexOf(']]>', lt + 9);
        if (end === -1) throw malformed('unterminated CDATA section', lt);
        // An empty section adds nothing to the data model (xmldom, too, makes no node of it).
        if (end > lt + 9) append(parent, new LaneCharacterData(CDATA, s.slice(lt + 9, end), doc));
        i = end + 3;
        continue;
      }
      throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Markup declaration at offset ${lt}: DOCTYPE, DTDs and entity declarations are refused.`);
    }
    if (c === 0x3f /* ? */) throw new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Processing instruction at offset ${lt} is refused.`);

    // A start tag.
    if (parent === doc && doc.documentElement !== null) throw malformed('a second root element', lt);
    const qname = readName(lt + 1);
    let k = lt + 1 + qname.length;
    let pn = 0; // attributes read into pName/pValue/pOffset
    let selfClosing = false;
    for (;;) {
      const before = k;
      while (k < len && isSpace(s.charCodeAt(k))) k++;
      const ch = s.charCodeAt(k);
      if (ch === 0x3e) {
        k++;
        break;
      }
      if (ch === 0x2f && s.charCodeAt(k + 1) === 0x3e) {
        selfClosing = true;
        k += 2;
        break;
      }
      if (k >= len) throw malformed(`start tag <${shown(qname)}> is not closed`, lt);
      if (k === before) throw malformed(`attributes of <${shown(qname)}> must be separated by whitespace`, k);
      const aname = readName(k);
      const aAt = k;
      k += aname.length;
      while (k < len && isSpace(s.charCodeAt(k))) k++;
      if (s.charCodeAt(k) !== 0x3d) throw malformed(`attribute ${quote(aname)} of <${shown(qname)}> has no '='`, aAt);
      k++;
      while (k < len && isSpace(s.charCodeAt(k))) k++;
      const q = s.charCodeAt(k);
      if (q !== 0x22 && q !== 0x27) throw malformed(`the value of attribute ${quote(aname)} is not quoted`, k);
      // One scan finds the closing quote and whether the value needs decoding (a reference, TAB or LF).
      let close = k + 1;
      let plainValue = true;
      for (let c = s.charCodeAt(close); c !== q; c = s.charCodeAt(++close)) {
        if (close >= len) throw malformed(`the value of attribute ${quote(aname)} is not closed`, k);
        if (c === 0x26 || c === 0x3c || c === 0x09 || c === 0x0a) plainValue = false;
      }
      const value = plainValue ? s.slice(k + 1, close) : decodeAttr(s, k + 1, close);
      k = close + 1;
      pName[pn] = aname;
      pValue[pn] = value;
      pOffset[pn] = aAt;
      pn++;
      if (pn > hooks.perTag) {
        let declarations = 0;
        for (let j = 0; j < pn; j++) if (isDeclaration(pName[j]!)) declarations++;
        hooks.tooManyAttributes(qname, declarations, pn - declarations);
      }
    }

    // Namespace declarations first: they apply to the element's own name and attributes.
    let log: Array<string | undefined> | null = null;
    let declarations = 0;
    for (let j = 0; j < pn; j++) {
      const name = pName[j]!;
      if (!isDeclaration(name)) continue;
      const prefix = name.length === 5 ? '' : name.slice(6);
      declarations++;
      checkDeclaration(prefix, pValue[j]!, pOffset[j]!);
      if (log === null) log = [];
      log.push(prefix, scope.get(prefix));
      scope.set(prefix, pValue[j]!);
    }
    const colon = colonOf(qname, lt + 1);
    const prefix = colon === -1 ? null : qname.slice(0, colon);
    const local = colon === -1 ? qname : qname.slice(colon + 1);
    const ns = prefix === null ? (scope.get('') ?? '') : prefix === 'xml' ? XML_NS : scope.get(prefix);
    if (ns === undefined || (prefix !== null && ns === '')) throw malformed(`prefix ${quote(prefix ?? '')} of <${shown(qname)}> is not bound to a namespace`, lt);
    if (prefix === 'xmlns') throw malformed(`the prefix xmlns may not name an element (<${shown(qname)}>)`, lt);
    const el = new LaneElement(qname, prefix, local, ns === '' ? null : ns, doc, lt);
    let plain = 0;
    if (pn > 0) {
      const attrs: LaneAttr[] = [];
      for (let j = 0; j < pn; j++) {
        const name = pName[j]!;
        const value = pValue[j]!;
        let attr: LaneAttr;
        if (name === 'xmlns') attr = new LaneAttr('xmlns', null, 'xmlns', XMLNS_NS, value, el);
        else {
          const ac = colonOf(name, pOffset[j]!);
          const ap = ac === -1 ? null : name.slice(0, ac);
          const al = ac === -1 ? name : name.slice(ac + 1);
          if (ap === 'xmlns') attr = new LaneAttr(name, 'xmlns', al, XMLNS_NS, value, el);
          else {
            plain++;
            const ans = ap === null ? null : ap === 'xml' ? XML_NS : scope.get(ap);
            if (ans === undefined || ans === '') throw malformed(`prefix ${quote(ap ?? '')} of attribute ${quote(name)} is not bound to a namespace`, pOffset[j]!);
            attr = new LaneAttr(name, ap, al, ans, value, el);
          }
        }
        attrs.push(attr);
      }
      checkDuplicates(attrs, qname, lt, seen);
      el.attributes = asList(attrs);
    }
    append(parent, el);
    if (parent === doc) doc.documentElement = el;
    hooks.element(el, open.length + 1, declarations, plain, scope.size);
    if (selfClosing) restore(scope, log);
    else {
      open.push(el);
      undo.push(log);
      parent = el;
    }
    i = k;
  }
  if (open.length > 0) throw malformed(`<${shown(open[open.length - 1]!.nodeName)}> is never closed`, open[open.length - 1]!.sourceOffset);
  if (doc.documentElement === null) throw new SamlGuardError('XML_MALFORMED', 'The document has no root element.');
  return doc;
}

function restore(scope: Map<string, string>, log: Array<string | undefined> | null | undefined): void {
  if (!log) return;
  for (let j = log.length - 2; j >= 0; j -= 2) {
    const prefix = log[j]!;
    const previous = log[j + 1];
    if (previous === undefined) scope.delete(prefix);
    else scope.set(prefix, previous);
  }
}

/** Namespaces in XML 1.0 §3: the reserved prefixes and names, and no undeclaring of a prefix. */
function checkDeclaration(prefix: string, uri: string, at: number): void {
  if (prefix === 'xmlns') throw malformed('the prefix xmlns may not be declared', at);
  if (prefix === 'xml' ? uri !== XML_NS : uri === XML_NS) throw malformed(`the xml prefix and ${XML_NS} belong only to each other`, at);
  if (uri === XMLNS_NS) throw malformed(`${XMLNS_NS} may not be declared`, at);
  if (prefix !== '' && uri === '') throw malformed(`prefix ${quote(prefix)} is undeclared (xmlns:${prefix}=""), which XML 1.0 forbids`, at);
}

/** The same attribute twice, by name or by expanded name (two prefixes bound to one URI). */
function checkDuplicates(attrs: readonly LaneAttr[], qname: string, at: number, seen: Set<string>): void {
  const n = attrs.length;
  if (n < 2) return;
  if (n <= 8) {
    for (let a = 1; a < n; a++) {
      for (let b = 0; b < a; b++) {
        const x = attrs[a]!;
        const y = attrs[b]!;
        if (x.name === y.name || (x.localName === y.localName && x.namespaceURI === y.namespaceURI && x.namespaceURI !== null && x.namespaceURI !== XMLNS_NS)) {
          throw malformed(`<${shown(qname)}> has attribute ${quote(x.name)} twice${x.name === y.name ? '' : ` (as ${quote(y.name)}: the same namespace and local name)`}`, at);
        }
      }
    }
    return;
  }
  // Names contain no NUL (the lexical scan refuses it), so one set holds both kinds of key apart.
  seen.clear();
  for (const x of attrs) {
    if (seen.has(x.name)) throw malformed(`<${shown(qname)}> has attribute ${quote(x.name)} twice`, at);
    seen.add(x.name);
  }
  for (const x of attrs) {
    if (x.namespaceURI !== null && x.namespaceURI !== XMLNS_NS) {
      const key = `${x.namespaceURI}\u0000${x.localName}`;
      if (seen.has(key)) throw malformed(`<${shown(qname)}> has attribute ${quote(x.name)} twice (the same namespace and local name)`, at);
      seen.add(key);
    }
  }
}
