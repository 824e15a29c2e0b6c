import type { Element, Node } from '@xmldom/xmldom';
import { SamlGuardError, type ErrorCode } from '../errors.js';

/** Numeric DOM node types (xmldom follows the W3C values). */
export const NodeType = {
  ELEMENT: 1,
  ATTRIBUTE: 2,
  TEXT: 3,
  CDATA: 4,
  PROCESSING_INSTRUCTION: 7,
  COMMENT: 8,
  DOCUMENT: 9,
} as const;

/** The element children of `el`, in document order. */
export function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === NodeType.ELEMENT) out.push(n as Element);
  return out;
}

/** True when `el` is `{ns}local`. Elements are matched by namespace URI and local name, never by prefix. */
export function isNS(el: Element, ns: string, local: string): boolean {
  return el.localName === local && el.namespaceURI === ns;
}

/** Child elements of `el` named `{ns}local`. */
export function childrenNS(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === NodeType.ELEMENT && isNS(n as Element, ns, local)) out.push(n as Element);
  }
  return out;
}

/** The first child element `{ns}local` of `el`, or undefined. */
export function firstChildNS(el: Element, ns: string, local: string): Element | undefined {
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === NodeType.ELEMENT && isNS(n as Element, ns, local)) return n as Element;
  }
  return undefined;
}

/**
 * The single child `{ns}local` of `el`. Zero (unless optional) or several raise `code`:
 * counting before reading is what defeats "which of the two Issuers did you read?" attacks.
 */
export function onlyChildNS(el: Element, ns: string, local: string, code: ErrorCode, optional: true): Element | undefined;
export function onlyChildNS(el: Element, ns: string, local: string, code: ErrorCode, optional?: false): Element;
export function onlyChildNS(el: Element, ns: string, local: string, code: ErrorCode, optional = false): Element | undefined {
  const found = childrenNS(el, ns, local);
  if (found.length > 1) {
    throw new SamlGuardError(code, `<${el.localName}> has ${found.length} <${local}> children; exactly one is allowed.`, { path: pathOf(el), details: { child: local, count: found.length } });
  }
  if (found.length === 0 && !optional) {
    throw new SamlGuardError(code, `<${el.localName}> has no <${local}> child.`, { path: pathOf(el), details: { child: local, count: 0 } });
  }
  return found[0];
}

/**
 * All character data below `el` (text and CDATA of every descendant), concatenated. Comments are left
 * out, exactly as canonicalization without comments leaves them out of the digest: reading every text
 * node means a comment cannot truncate a value (the "NameID comment injection" attack reads only the
 * first text node).
 */
export function textOf(el: Element): string {
  const first = el.firstChild;
  // Fast path: a single text node.
  if (first !== null && first.nextSibling === null && first.nodeType === NodeType.TEXT) return (first as unknown as { data: string }).data;
  let out = '';
  const walk = (node: Node): void => {
    for (let n = node.firstChild; n !== null; n = n.nextSibling) {
      if (n.nodeType === NodeType.TEXT || n.nodeType === NodeType.CDATA) out += (n as unknown as { data: string }).data;
      else if (n.nodeType === NodeType.ELEMENT) walk(n);
    }
  };
  walk(el);
  return out;
}

/** True when `el` has element children. */
export function hasElementChildren(el: Element): boolean {
  for (let n = el.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === NodeType.ELEMENT) return true;
  return false;
}

/** A short path such as `Response/Assertion/Conditions`, for error messages. */
export function pathOf(node: Node | null | undefined): string {
  const parts: string[] = [];
  for (let n = node; n != null && n.nodeType === NodeType.ELEMENT; n = n.parentNode) {
    parts.push((n as Element).localName ?? (n as Element).nodeName);
  }
  return parts.reverse().join('/');
}

/** An attribute without namespace, or undefined when absent (xmldom returns '' or null inconsistently). */
export function attr(el: Element, name: string): string | undefined {
  const a = el.getAttributeNode(name);
  return a === null || a === undefined ? undefined : a.value;
}
