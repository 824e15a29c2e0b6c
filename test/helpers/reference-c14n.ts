/**
 * An INDEPENDENT canonicalizer (xml-crypto's) used as an oracle to cross-check signatures made with
 * the project's own c14n. Limits, fine for our test documents but not in general:
 *  - no c14n 1.1: it is mapped to c14n 1.0, which gives the same bytes as long as no ancestor of
 *    the apex carries xml:* attributes;
 *  - inclusive c14n does not inherit ancestors' xml:* attributes either.
 */
import type { Element, Node } from '@xmldom/xmldom';
import {
  C14nCanonicalization,
  C14nCanonicalizationWithComments,
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
} from 'xml-crypto';

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const ELEMENT_NODE = 1;

const CANONICALIZERS = {
  'http://www.w3.org/2001/10/xml-exc-c14n#': () => new ExclusiveCanonicalization(),
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': () => new ExclusiveCanonicalizationWithComments(),
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': () => new C14nCanonicalization(),
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': () => new C14nCanonicalizationWithComments(),
  'http://www.w3.org/2006/12/xml-c14n11': () => new C14nCanonicalization(),
  'http://www.w3.org/2006/12/xml-c14n11#WithComments': () => new C14nCanonicalizationWithComments(),
} as const;

export type ReferenceC14nAlgorithm = keyof typeof CANONICALIZERS;

export function isExclusive(algorithm: string): boolean {
  return algorithm.startsWith('http://www.w3.org/2001/10/xml-exc-c14n#');
}

/** Namespace bindings in scope at `element` from its ancestors (nearest wins), as inclusive c14n imports them. */
function ancestorNamespaces(element: Element): { prefix: string; namespaceURI: string }[] {
  const seen = new Map<string, string>();
  for (let node = element.parentNode; node && node.nodeType === ELEMENT_NODE; node = node.parentNode) {
    const ancestor = node as Element;
    for (let i = 0; i < ancestor.attributes.length; i++) {
      const attr = ancestor.attributes.item(i);
      if (!attr || attr.namespaceURI !== XMLNS) continue;
      const prefix = attr.prefix === 'xmlns' ? attr.localName : '';
      if (prefix !== null && !seen.has(prefix)) seen.set(prefix, attr.value);
    }
  }
  return [...seen]
    .filter(([, namespaceURI]) => namespaceURI !== '') // an undeclaration is not a namespace node
    .map(([prefix, namespaceURI]) => ({ prefix, namespaceURI }));
}

/** Child-index path from the document to `node`, to find the same node in a clone. */
function pathOf(node: Node): number[] {
  const path: number[] = [];
  for (let current = node; current.parentNode; current = current.parentNode) {
    let index = 0;
    for (let sibling = current.previousSibling; sibling; sibling = sibling.previousSibling) index++;
    path.unshift(index);
  }
  return path;
}

function follow(root: Node, path: readonly number[]): Node {
  let node = root;
  for (const index of path) {
    const child = node.childNodes.item(index);
    if (!child) throw new Error('reference c14n: path not found in clone');
    node = child;
  }
  return node;
}

export function referenceCanonicalize(
  element: Element,
  algorithm: ReferenceC14nAlgorithm,
  options: { exclude?: Node | null; inclusivePrefixes?: readonly string[] } = {},
): string {
  // xml-crypto cannot skip a subtree and writes namespace declarations into the DOM it
  // canonicalizes, so it works on a throwaway copy of the whole document.
  const doc = element.ownerDocument;
  if (!doc) throw new Error('reference c14n: element has no owner document');
  const copy = doc.cloneNode(true);
  const apex = follow(copy, pathOf(element)) as Element;
  if (options.exclude) {
    const excluded = follow(copy, pathOf(options.exclude));
    excluded.parentNode?.removeChild(excluded);
  }
  const result = CANONICALIZERS[algorithm]().process(apex as never, {
    ancestorNamespaces: ancestorNamespaces(apex),
    inclusiveNamespacesPrefixList: isExclusive(algorithm) ? [...(options.inclusivePrefixes ?? [])] : [],
  });
  if (typeof result !== 'string') throw new Error('reference c14n: expected a string');
  return result;
}
