// The general path: canonical form of an arbitrary XPath node-set, given as a membership predicate.
// Only needed for XPath-subset conformance vectors (SAML References are always subtrees, see
// subtree.ts); it follows the specs' processing model literally — including rendering the attributes
// and namespace nodes of omitted elements ("orphans") — and is not tuned for speed.

import type { Attr, CharacterData, Document, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';
import { escapeText } from './escape.js';
import * as shared from './shared.js';
import type { AttrLike, NsMap } from './shared.js';
import { type SubtreeMode, type XmlInherit, XML_INHERIT_C14N11, XML_INHERIT_NONE } from './subtree.js';
import { fixupXmlBase } from './xmlbase.js';

interface Ctx {
  out: string;
  readonly mode: SubtreeMode;
  readonly isIncluded: (node: Node) => boolean;
  readonly nsIncluded: (element: Element, prefix: string) => boolean;
  /** Parent of the traversal root: it and everything above it are outside the node-set. */
  readonly rootParent: Node | null;
}

interface NsState {
  /** Namespaces in scope at the parent (declarations, whether or not in the node-set). */
  readonly inScope: NsMap;
  /** Namespace nodes in the node-set of the nearest output ancestor; null when there is none. */
  readonly outNs: NsMap | null;
  /** Exclusive c14n: namespaces rendered by output ancestors. */
  readonly rendered: NsMap;
  readonly parentIncluded: boolean;
}

function addDecl(decls: string[], p: string, u: string): void {
  for (let i = 0; i < decls.length; i += 2) if (decls[i] === p) return;
  decls.push(p, u);
}

function isOmitted(ctx: Ctx, el: Node, outside: boolean): boolean {
  return outside || !ctx.isIncluded(el);
}

/**
 * xml:* attributes an included element with an omitted parent takes from its ancestors (C14N 1.0 and
 * 1.1 §2.4), merged into `attrs`. `ownXml` are the element's own xml:* attributes, in the node-set or not.
 */
function inheritXmlAttrs(ctx: Ctx, el: Element, attrs: AttrLike[], ownXml: AttrLike[], xmlInherit: XmlInherit): void {
  const nearest = new Map<string, AttrLike>();
  const innerToOuter: string[] = [];
  let contiguous = true;
  let outside = false;
  for (let a = el.parentNode; a !== null && a.nodeType === shared.ELEMENT_NODE; a = a.parentNode) {
    if (a === ctx.rootParent) outside = true;
    if (contiguous && !isOmitted(ctx, a, outside)) contiguous = false;
    const list = (a as Element).attributes;
    for (let i = 0; i < list.length; i++) {
      const attr = list[i]!;
      if (attr.namespaceURI !== shared.XML_NS) continue;
      const local = attr.localName ?? '';
      if (xmlInherit === XML_INHERIT_C14N11) {
        if (local === 'base') {
          if (contiguous) innerToOuter.push(attr.value);
          continue;
        }
        if (local !== 'lang' && local !== 'space') continue;
      }
      if (!nearest.has(local)) nearest.set(local, attr);
    }
  }
  let ownBase: AttrLike | undefined;
  for (const own of ownXml) {
    nearest.delete(own.localName ?? '');
    if (own.localName === 'base') ownBase = own;
  }
  for (const attr of nearest.values()) attrs.push(attr);
  if (xmlInherit === XML_INHERIT_C14N11 && innerToOuter.length > 0) {
    if (ownBase !== undefined) {
      const at = attrs.indexOf(ownBase);
      if (at >= 0) attrs.splice(at, 1);
    }
    const value = fixupXmlBase(innerToOuter.reverse(), ownBase?.value);
    if (value !== '') attrs.push({ name: 'xml:base', namespaceURI: shared.XML_NS, localName: 'base', value });
  }
}

function processElement(ctx: Ctx, el: Element, st: NsState): void {
  const mode = ctx.mode;
  const included = ctx.isIncluded(el);
  const list = el.attributes;
  let scope = st.inScope;
  const inSetAttrs: Attr[] = [];
  const ownXml: AttrLike[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    if (a.namespaceURI === shared.XMLNS_NS) {
      if (scope === st.inScope) scope = new Map(st.inScope);
      scope.set(shared.declaredPrefix(a), a.value);
      continue;
    }
    if (a.namespaceURI === shared.XML_NS) ownXml.push(a);
    if (ctx.isIncluded(a)) inSetAttrs.push(a);
  }
  const attrs: AttrLike[] = inSetAttrs.slice();

  // The element's namespace nodes that are in the node-set. Every element has an xml namespace node,
  // which is never rendered, and an empty default is no namespace node at all.
  const nsInSet: NsMap = new Map();
  for (const [p, u] of scope) if (u !== '' && p !== 'xml' && ctx.nsIncluded(el, p)) nsInSet.set(p, u);

  const outNs = st.outNs;
  const decls: string[] = [];
  let rendered = st.rendered;
  if (!mode.exclusive) {
    for (const [p, u] of nsInSet) if (outNs === null || outNs.get(p) !== u) decls.push(p, u);
    if (included && !nsInSet.has('') && outNs !== null && (outNs.get('') ?? '') !== '') decls.push('', '');
  } else if (included) {
    const prefixList = mode.prefixList ?? [];
    const visible: string[] = [el.prefix ?? '', el.namespaceURI ?? ''];
    for (const a of inSetAttrs) if (a.prefix && a.prefix !== 'xml') visible.push(a.prefix, a.namespaceURI ?? '');
    for (let i = 0; i < visible.length; i += 2) {
      const p = visible[i]!;
      const u = visible[i + 1]!;
      if (prefixList.includes(p)) continue;
      if (u === '') {
        if ((rendered.get('') ?? '') !== '') addDecl(decls, '', '');
      } else if (nsInSet.get(p) === u && rendered.get(p) !== u) {
        addDecl(decls, p, u);
      }
    }
    // PrefixList prefixes are rendered per Canonical XML, against the output ancestor's namespace nodes.
    for (const p of prefixList) {
      const u = nsInSet.get(p);
      if (u !== undefined) {
        if (outNs === null || outNs.get(p) !== u) addDecl(decls, p, u);
      } else if (p === '' && outNs !== null && (outNs.get('') ?? '') !== '') {
        addDecl(decls, '', '');
      }
    }
    if (decls.length > 0) {
      rendered = new Map(rendered);
      for (let i = 0; i < decls.length; i += 2) rendered.set(decls[i]!, decls[i + 1]!);
    }
  }

  if (included && !mode.exclusive && !st.parentIncluded && mode.xmlInherit !== XML_INHERIT_NONE) {
    inheritXmlAttrs(ctx, el, attrs, ownXml, mode.xmlInherit);
  }

  shared.sortAttrs(attrs);
  const name = el.nodeName;
  let out = included ? '<' + name : '';
  if (decls.length > 0) out += shared.renderNsDecls(decls);
  out += shared.renderAttrs(attrs);
  ctx.out += included ? out + '>' : out;

  const child: NsState = {
    inScope: scope,
    outNs: included ? nsInSet : outNs,
    rendered,
    parentIncluded: included,
  };
  for (let c = el.firstChild; c !== null; c = c.nextSibling) processNode(ctx, c, child, false);
  if (included) ctx.out += '</' + name + '>';
}

/** `atTop`: a child of the document, where comments and PIs get the newlines of C14N 1.0 §2.3. */
function processNode(ctx: Ctx, node: Node, st: NsState, atTop: boolean, afterRoot = false): void {
  switch (node.nodeType) {
    case shared.ELEMENT_NODE:
      processElement(ctx, node as Element, st);
      return;
    case shared.TEXT_NODE:
    case shared.CDATA_SECTION_NODE:
      // Text outside the document element is not part of the data model.
      if (!atTop && ctx.isIncluded(node)) ctx.out += escapeText((node as CharacterData).data);
      return;
    case shared.COMMENT_NODE:
      if (ctx.mode.comments && ctx.isIncluded(node)) ctx.out += top('<!--' + (node as CharacterData).data + '-->', atTop, afterRoot);
      return;
    case shared.PROCESSING_INSTRUCTION_NODE: {
      const pi = node as ProcessingInstruction;
      // xmldom reports the XML declaration as a PI named "xml"; it is not a node of the data model.
      if (atTop && pi.target.toLowerCase() === 'xml') return;
      if (ctx.isIncluded(node)) ctx.out += top(shared.renderPI(pi.target, pi.data), atTop, afterRoot);
      return;
    }
    default:
      if (atTop) return; // DOCTYPE and the like
      shared.unsupportedNode(node);
  }
}

function top(rendered: string, atTop: boolean, afterRoot: boolean): string {
  if (!atTop) return rendered;
  return afterRoot ? '\n' + rendered : rendered + '\n';
}

function ancestorScope(el: Element): NsMap {
  const inScope: NsMap = new Map();
  for (let a = el.parentNode; a !== null && a.nodeType === shared.ELEMENT_NODE; a = a.parentNode) {
    const attrs = (a as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs[i]!;
      if (attr.namespaceURI !== shared.XMLNS_NS) continue;
      const p = shared.declaredPrefix(attr);
      if (!inScope.has(p)) inScope.set(p, attr.value);
    }
  }
  return inScope;
}

export function canonicalizeNodeSetWith(
  root: Document | Element,
  mode: SubtreeMode,
  isIncluded: (node: Node) => boolean,
  nsIncluded: ((element: Element, prefix: string) => boolean) | undefined,
): string {
  const ctx: Ctx = {
    out: '',
    mode,
    isIncluded,
    nsIncluded: nsIncluded ?? ((element) => isIncluded(element)),
    rootParent: root.parentNode,
  };
  if (root.nodeType === shared.DOCUMENT_NODE) {
    const st: NsState = { inScope: new Map(), outNs: null, rendered: new Map(), parentIncluded: false };
    let afterRoot = false;
    for (let c = root.firstChild; c !== null; c = c.nextSibling) {
      processNode(ctx, c, st, true, afterRoot);
      if (c.nodeType === shared.ELEMENT_NODE) afterRoot = true;
    }
  } else {
    const st: NsState = { inScope: ancestorScope(root as Element), outNs: null, rendered: new Map(), parentIncluded: false };
    processElement(ctx, root as Element, st);
  }
  return ctx.out;
}
