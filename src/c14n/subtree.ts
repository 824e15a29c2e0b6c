// The fast path: canonical form of the document subset "apex element and all its descendants, minus
// one excluded subtree" — what every same-document `URI="#id"` Reference and every SignedInfo needs.
//
// In such a subset every element except the apex has its parent in the output, which keeps the rules
// local: namespace state flows from parent to child, and only the apex looks at its ancestors (once).
// Namespace state is one Map per canonicalization, set on the way down and restored on the way up, so
// an element costs what it declares, never a copy of everything in scope; most elements allocate nothing.

import type { CharacterData, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';
import { escapeText } from './escape.js';
import {
  type AttrLike,
  type NsMap,
  CDATA_SECTION_NODE,
  COMMENT_NODE,
  ELEMENT_NODE,
  PROCESSING_INSTRUCTION_NODE,
  TEXT_NODE,
  XML_NS,
  XMLNS_NS,
  declaredPrefix,
  renderAttrs,
  renderNsDecls,
  renderPI,
  restoreNs,
  sortAttrs,
  unsupportedNode,
} from './shared.js';
import { fixupXmlBase } from './xmlbase.js';

/**
 * Which xml:* attributes an element whose parent is omitted takes over from its ancestors:
 * none (exclusive c14n), every attribute in the xml namespace (Canonical XML 1.0), or xml:lang and
 * xml:space plus the xml:base fix-up (Canonical XML 1.1, which does not inherit xml:id).
 */
export type XmlInherit = typeof XML_INHERIT_NONE | typeof XML_INHERIT_ALL | typeof XML_INHERIT_C14N11;
export const XML_INHERIT_NONE = 0;
export const XML_INHERIT_ALL = 1;
export const XML_INHERIT_C14N11 = 2;

export interface SubtreeMode {
  readonly exclusive: boolean;
  readonly comments: boolean;
  readonly xmlInherit: XmlInherit;
  /** Exclusive only: PrefixList with '#default' already mapped to ''; null when empty. */
  readonly prefixList: readonly string[] | null;
}

interface State {
  // The output is built with += (V8 keeps it a rope of small pieces, faster than collecting parts
  // and joining them) but only a chunk at a time: see write().
  out: string;
  /** Finished chunks, each flattened. */
  readonly parts: string[];
  /** Keeps the flattening read in write() observable, so no compiler drops it. */
  seal: number;
  readonly comments: boolean;
  readonly exclude: Node | null;
  readonly prefixList: readonly string[] | null;
}

/** What the apex learns from one walk over its ancestors. */
interface ApexContext {
  /** Namespaces in scope at the apex's parent (nearest declaration wins). */
  readonly inScope: NsMap;
  /** xml:* attributes to merge into the apex's attribute axis (already filtered against its own). */
  readonly xmlAttrs: AttrLike[];
  /** C14N 1.1: xml:base values of the ancestors, outermost first (empty: no fix-up). */
  readonly bases: string[];
}

function walkAncestors(apex: Element, xmlInherit: XmlInherit): ApexContext {
  const inScope: NsMap = new Map();
  const nearest = new Map<string, AttrLike>();
  const innerToOuter: string[] = [];
  for (let a = apex.parentNode; a !== null && a.nodeType === ELEMENT_NODE; a = a.parentNode) {
    const attrs = (a as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs[i]!;
      const ns = attr.namespaceURI;
      if (ns === XMLNS_NS) {
        const p = declaredPrefix(attr);
        if (!inScope.has(p)) inScope.set(p, attr.value);
      } else if (ns === XML_NS && xmlInherit !== XML_INHERIT_NONE) {
        const local = attr.localName ?? '';
        if (xmlInherit === XML_INHERIT_C14N11) {
          if (local === 'base') {
            innerToOuter.push(attr.value);
            continue;
          }
          if (local !== 'lang' && local !== 'space') continue;
        }
        if (!nearest.has(local)) nearest.set(local, attr);
      }
    }
  }
  const xmlAttrs: AttrLike[] = [];
  if (nearest.size > 0) {
    // The apex's own attribute of the same name wins over any inherited one.
    const own = apex.attributes;
    for (let i = 0; i < own.length; i++) {
      const attr = own[i]!;
      if (attr.namespaceURI === XML_NS) nearest.delete(attr.localName ?? '');
    }
    for (const attr of nearest.values()) xmlAttrs.push(attr);
  }
  return { inScope, xmlAttrs, bases: innerToOuter.reverse() };
}

const CHUNK = 16 * 1024;

/**
 * Append to the output. A rope holds a 32-byte node per piece, so 1 MiB of small pieces (attributes,
 * end tags, character references) would keep tens of MB alive until hashing, and the garbage collector
 * would copy it again and again as it grows: measured, that was a third of the cost of an
 * attribute-heavy document. Reading a character of a rope flattens it in place, so each chunk is
 * flattened once, when it is full, and the pieces die young.
 */
function write(st: State, piece: string): void {
  const out = st.out + piece;
  if (out.length < CHUNK) {
    st.out = out;
    return;
  }
  st.seal ^= out.charCodeAt(out.length >> 1);
  st.parts.push(out);
  st.out = '';
}

function renderLeaf(st: State, node: Node): void {
  switch (node.nodeType) {
    case TEXT_NODE:
    case CDATA_SECTION_NODE:
      write(st, escapeText((node as CharacterData).data));
      return;
    case COMMENT_NODE:
      if (st.comments) write(st, '<!--' + (node as CharacterData).data + '-->');
      return;
    case PROCESSING_INSTRUCTION_NODE:
      write(st, renderPI((node as ProcessingInstruction).target, (node as ProcessingInstruction).data));
      return;
    default:
      unsupportedNode(node);
  }
}

interface Emitted {
  /** [prefix, uri, …] to render. */
  readonly decls: string[];
  /** [prefix, previous value in `rendered`, …]. */
  readonly undo: Array<string | undefined>;
}

/**
 * Record that an element emits `p` → `u`. Setting `rendered` at once also answers "already emitted on
 * this element?" in O(1) for the checks that follow: an element binds a prefix to one URI only.
 */
function emit(emitted: Emitted | null, rendered: NsMap, p: string, u: string): Emitted {
  const prior = rendered.get(p);
  rendered.set(p, u);
  if (emitted === null) return { decls: [p, u], undo: [p, prior] };
  emitted.decls.push(p, u);
  emitted.undo.push(p, prior);
  return emitted;
}

/** A start tag: the name, the namespace declarations (already in order), the attributes sorted. */
function openTag(st: State, name: string, decls: Parameters<typeof renderNsDecls>[0] | null, regular: AttrLike[] | null): void {
  let out = '<' + name;
  if (decls !== null && decls.length > 0) out += renderNsDecls(decls);
  if (regular !== null) {
    sortAttrs(regular);
    out += renderAttrs(regular);
  }
  write(st, out + '>');
}

/**
 * Exclusive c14n of one element. `rendered` holds what output ancestors rendered; `inScope` the
 * namespaces in scope at the parent, tracked only when a PrefixList needs them (null otherwise). Both
 * maps are updated for the children and restored before returning.
 */
function renderExclusive(st: State, el: Element, rendered: NsMap, inScope: NsMap | null): void {
  const name = el.nodeName;
  const attrs = el.attributes;
  const n = attrs.length;
  let regular: AttrLike[] | null = null;
  // The declarations this element emits, and [prefix, previous value, …] to restore `rendered` after
  // the children; allocated only when the element emits one (most elements do not).
  let emitted: Emitted | null = null;
  let scopeUndo: Array<string | undefined> | null = null;

  // Visibly utilized: the element's own prefix (or the default namespace) …
  const ep = el.prefix ?? '';
  const eu = el.namespaceURI ?? '';
  if ((rendered.get(ep) ?? '') !== eu) emitted = emit(emitted, rendered, ep, eu);

  // … and the prefix of every prefixed attribute except xml:*.
  for (let i = 0; i < n; i++) {
    const a = attrs[i]!;
    if (a.namespaceURI === XMLNS_NS) {
      if (inScope !== null) {
        const p = declaredPrefix(a);
        if (scopeUndo === null) scopeUndo = [p, inScope.get(p)];
        else scopeUndo.push(p, inScope.get(p));
        inScope.set(p, a.value);
      }
      continue;
    }
    if (regular === null) regular = [a];
    else regular.push(a);
    const ap = a.prefix;
    if (ap && ap !== 'xml') {
      const au = a.namespaceURI ?? '';
      if ((rendered.get(ap) ?? '') !== au) emitted = emit(emitted, rendered, ap, au);
    }
  }

  // PrefixList prefixes follow the inclusive rule. In a subtree every output parent is the real parent,
  // and by induction `rendered` equals the parent's in-scope value for these prefixes, so comparing
  // against `rendered` is that rule.
  const list = st.prefixList;
  if (list !== null && inScope !== null) {
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      const u = inScope.get(p) ?? '';
      if (u === '' && p !== '') continue;
      if ((rendered.get(p) ?? '') !== u) emitted = emit(emitted, rendered, p, u);
    }
  }

  openTag(st, name, emitted === null ? null : emitted.decls, regular);

  const exclude = st.exclude;
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c === exclude) continue;
    if (c.nodeType === ELEMENT_NODE) renderExclusive(st, c as Element, rendered, inScope);
    else renderLeaf(st, c);
  }
  write(st, '</' + name + '>');
  if (emitted !== null) restoreNs(rendered, emitted.undo);
  if (scopeUndo !== null) restoreNs(inScope!, scopeUndo);
}

/**
 * Inclusive c14n (1.0 and 1.1) of one element. `scope` holds the parent's in-scope namespaces, which
 * in a subtree are exactly the namespace nodes the output parent has; it is updated for the children
 * and restored before returning. `apex` is set only for the apex.
 */
function renderInclusive(st: State, el: Element, scope: NsMap, apex: ApexContext | null, xmlInherit: XmlInherit): void {
  const name = el.nodeName;
  const attrs = el.attributes;
  const n = attrs.length;
  let regular: AttrLike[] | null = null;
  let decls: string[] | null = null;
  let undo: Array<string | undefined> | null = null;
  let ownBase: AttrLike | null = null;

  for (let i = 0; i < n; i++) {
    const a = attrs[i]!;
    if (a.namespaceURI === XMLNS_NS) {
      const p = declaredPrefix(a);
      const u = a.value;
      // An element declares a prefix once, so the value before this set is the parent's.
      const parentValue = scope.get(p);
      if (undo === null) undo = [p, parentValue];
      else undo.push(p, parentValue);
      scope.set(p, u);
      // An equal binding in the parent makes the declaration superfluous; xmlns="" only survives when
      // it undoes a non-empty default. The xml prefix is never rendered; `xmlns:p=""` has no
      // namespace node.
      if (apex === null && p !== 'xml' && (u !== '' || p === '') && (parentValue ?? '') !== u) {
        if (decls === null) decls = [p, u];
        else decls.push(p, u);
      }
      continue;
    }
    if (apex !== null && xmlInherit === XML_INHERIT_C14N11 && apex.bases.length > 0 && a.namespaceURI === XML_NS && a.localName === 'base') {
      ownBase = a;
      continue;
    }
    if (regular === null) regular = [a];
    else regular.push(a);
  }

  if (apex !== null) {
    // The apex has no output parent: every namespace node in scope is rendered.
    decls = [];
    for (const [p, u] of scope) if (u !== '' && p !== 'xml') decls.push(p, u);
    if (apex.xmlAttrs.length > 0 || apex.bases.length > 0) {
      regular = regular === null ? [] : regular;
      for (let i = 0; i < apex.xmlAttrs.length; i++) regular.push(apex.xmlAttrs[i]!);
      if (apex.bases.length > 0) {
        const value = fixupXmlBase(apex.bases, ownBase === null ? undefined : ownBase.value);
        if (value !== '') regular.push({ name: 'xml:base', namespaceURI: XML_NS, localName: 'base', value });
      }
    }
  }

  openTag(st, name, decls, regular);

  const exclude = st.exclude;
  for (let c = el.firstChild; c !== null; c = c.nextSibling) {
    if (c === exclude) continue;
    if (c.nodeType === ELEMENT_NODE) renderInclusive(st, c as Element, scope, null, xmlInherit);
    else renderLeaf(st, c);
  }
  write(st, '</' + name + '>');
  if (undo !== null) restoreNs(scope, undo);
}

/** Canonical form of `apex` and its descendants, leaving out `exclude` and its subtree. */
export function canonicalizeSubtree(apex: Element, mode: SubtreeMode, exclude: Node | null): string {
  if (apex === exclude) return '';
  const st: State = { out: '', parts: [], seal: 0, comments: mode.comments, exclude, prefixList: mode.prefixList };
  if (mode.exclusive) {
    const inScope = mode.prefixList === null ? null : walkAncestors(apex, XML_INHERIT_NONE).inScope;
    renderExclusive(st, apex, new Map(), inScope);
  } else {
    const ctx = walkAncestors(apex, mode.xmlInherit);
    renderInclusive(st, apex, ctx.inScope, ctx, mode.xmlInherit);
  }
  if (st.parts.length === 0) return st.out;
  st.parts.push(st.out);
  return st.parts.join('');
}
