/**
 * XML canonicalization: Exclusive XML Canonicalization 1.0, Canonical XML 1.0 and Canonical XML 1.1,
 * each with and without comments.
 *
 * - {@link canonicalize} — the fast path every signature check uses: an element and its descendants,
 *   optionally minus one enveloped descendant (the ds:Signature), without copying or touching the DOM.
 * - {@link canonicalizeDocument} — a whole document (prolog and epilog comments/PIs included).
 * - {@link canonicalizeNodeSet} — an arbitrary XPath node-set given as a predicate (conformance only).
 *
 * All return a JS string; the canonical octets are its UTF-8 encoding.
 *
 * @module
 */
import type { CharacterData, Document, Element, Node, ProcessingInstruction } from '@xmldom/xmldom';
import { SamlGuardError, quote } from '../errors.js';
import { canonicalizeNodeSetWith } from './nodeset.js';
import { COMMENT_NODE, ELEMENT_NODE, PROCESSING_INSTRUCTION_NODE, renderPI } from './shared.js';
import {
  type SubtreeMode,
  XML_INHERIT_ALL,
  XML_INHERIT_C14N11,
  XML_INHERIT_NONE,
  canonicalizeSubtree,
} from './subtree.js';

/** Algorithm URIs of the supported canonicalization methods. */
export const C14N = {
  EXC: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  EXC_WITH_COMMENTS: 'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  C14N10: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  C14N10_WITH_COMMENTS: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  C14N11: 'http://www.w3.org/2006/12/xml-c14n11',
  C14N11_WITH_COMMENTS: 'http://www.w3.org/2006/12/xml-c14n11#WithComments',
} as const;

/** One of the {@link C14N} algorithm URIs. */
export type C14nAlgorithm = (typeof C14N)[keyof typeof C14N];

/** Options of {@link canonicalize} and {@link canonicalizeDocument}. */
export interface C14nOptions {
  /** A descendant (the enveloped ds:Signature) left out of the output with its whole subtree. */
  exclude?: Node | null;
  /**
   * Exclusive c14n only: the InclusiveNamespaces PrefixList, already split on whitespace (`#default`
   * names the default namespace). Ignored by the inclusive algorithms, which render every namespace.
   */
  inclusivePrefixes?: readonly string[];
}

/** Options of {@link canonicalizeNodeSet}. */
export interface NodeSetOptions {
  /** Exclusive c14n only: the InclusiveNamespaces PrefixList (`#default` names the default namespace). */
  inclusivePrefixes?: readonly string[];
  /**
   * Whether the namespace node binding `prefix` ('' for the default namespace) on `element` is in the
   * node-set. XPath namespace nodes are not DOM nodes, so they get their own predicate; by default a
   * namespace node is in the node-set exactly when its element is.
   */
  isNamespaceIncluded?: (element: Element, prefix: string) => boolean;
}

const ALGORITHMS: readonly string[] = Object.values(C14N);

/** True when `uri` is one of the supported canonicalization algorithm URIs. */
export function isC14nAlgorithm(uri: string): uri is C14nAlgorithm {
  return ALGORITHMS.includes(uri);
}

function modeOf(algorithm: C14nAlgorithm, prefixes: readonly string[] | undefined): SubtreeMode {
  switch (algorithm) {
    case C14N.EXC:
    case C14N.EXC_WITH_COMMENTS:
      return {
        exclusive: true,
        comments: algorithm === C14N.EXC_WITH_COMMENTS,
        xmlInherit: XML_INHERIT_NONE,
        prefixList: normalizePrefixList(prefixes),
      };
    case C14N.C14N10:
    case C14N.C14N10_WITH_COMMENTS:
      return { exclusive: false, comments: algorithm === C14N.C14N10_WITH_COMMENTS, xmlInherit: XML_INHERIT_ALL, prefixList: null };
    case C14N.C14N11:
    case C14N.C14N11_WITH_COMMENTS:
      return { exclusive: false, comments: algorithm === C14N.C14N11_WITH_COMMENTS, xmlInherit: XML_INHERIT_C14N11, prefixList: null };
    default:
      // Unreachable for typed callers; guards plain-JS callers and unchecked casts.
      throw new SamlGuardError('ALGORITHM_NOT_ALLOWED', `Canonicalization ${quote(String(algorithm))} is not supported.`);
  }
}

/** '#default' → '' (the default namespace); the xml and xmlns prefixes are never declared, so drop them. */
function normalizePrefixList(prefixes: readonly string[] | undefined): readonly string[] | null {
  if (prefixes === undefined || prefixes.length === 0) return null;
  const out: string[] = [];
  for (const raw of prefixes) {
    if (raw === '' || raw === 'xml' || raw === 'xmlns') continue;
    const p = raw === '#default' ? '' : raw;
    if (!out.includes(p)) out.push(p);
  }
  return out.length === 0 ? null : out;
}

/**
 * Canonicalize the document subset made of `node` and all its descendants (the apex and its subtree),
 * leaving out `options.exclude` and everything below it.
 *
 * The inclusive algorithms render, on the apex, every namespace in scope there (declared on it or on
 * an ancestor) and the xml:* attributes it inherits from its ancestors (Canonical XML 1.0: all of
 * them; 1.1: xml:lang and xml:space, plus the joined xml:base). Exclusive c14n renders only visibly
 * utilized namespaces and those named in `options.inclusivePrefixes`, and inherits nothing.
 *
 * The DOM is neither copied nor modified. Throws {@link SamlGuardError} `XML_FORBIDDEN_CONSTRUCT` on a
 * node type canonical XML has no rendering for (an entity reference) and `ALGORITHM_NOT_ALLOWED` on an
 * unknown algorithm.
 *
 * @returns the canonical form as a string; its UTF-8 encoding is the octet stream to digest.
 */
export function canonicalize(node: Element, algorithm: C14nAlgorithm, options: C14nOptions = {}): string {
  return canonicalizeSubtree(node, modeOf(algorithm, options.inclusivePrefixes), options.exclude ?? null);
}

/**
 * Canonicalize a whole document: the document element's subtree (as {@link canonicalize}) plus the
 * comments (WithComments variants only) and processing instructions before and after it, each
 * separated from the document element by a line feed as C14N 1.0 §2.3 requires. The XML declaration
 * and the DOCTYPE are not part of the output. `options.exclude` may name any node of the document.
 */
export function canonicalizeDocument(doc: Document, algorithm: C14nAlgorithm, options: C14nOptions = {}): string {
  const mode = modeOf(algorithm, options.inclusivePrefixes);
  const exclude = options.exclude ?? null;
  let out = '';
  let afterRoot = false;
  for (let c = doc.firstChild; c !== null; c = c.nextSibling) {
    if (c === exclude) {
      // Top-level nodes after the document element keep their leading line feed even when it is left out.
      if (c.nodeType === ELEMENT_NODE) afterRoot = true;
      continue;
    }
    let rendered: string;
    switch (c.nodeType) {
      case ELEMENT_NODE:
        out += canonicalizeSubtree(c as Element, mode, exclude);
        afterRoot = true;
        continue;
      case PROCESSING_INSTRUCTION_NODE: {
        const { target, data } = c as ProcessingInstruction;
        // xmldom reports the XML declaration as a PI named "xml"; it is not a node of the data model.
        if (target.toLowerCase() === 'xml') continue;
        rendered = renderPI(target, data);
        break;
      }
      case COMMENT_NODE:
        if (!mode.comments) continue;
        rendered = '<!--' + (c as CharacterData).data + '-->';
        break;
      default:
        // DOCTYPE, and whitespace text xmldom keeps outside the document element: not in the data model.
        continue;
    }
    out += afterRoot ? '\n' + rendered : rendered + '\n';
  }
  return out;
}

/**
 * Canonicalize an XPath node-set: the nodes at or below `root` for which `isIncluded` returns true
 * (attributes are asked too; namespace declarations are namespace nodes, see
 * {@link NodeSetOptions.isNamespaceIncluded}). With a Document as `root`, top-level comments and PIs
 * get the line feeds of C14N 1.0 §2.3.
 *
 * This follows the specs' general processing model, including the odd parts (attributes and
 * namespace nodes of omitted elements are still rendered). Signature verification never needs it —
 * use {@link canonicalize} — and it is not tuned for speed.
 */
export function canonicalizeNodeSet(
  root: Document | Element,
  algorithm: C14nAlgorithm,
  isIncluded: (node: Node) => boolean,
  options: NodeSetOptions = {},
): string {
  return canonicalizeNodeSetWith(root, modeOf(algorithm, options.inclusivePrefixes), isIncluded, options.isNamespaceIncluded);
}

/**
 * The same algorithm without comments. A same-document reference ("#id" or "") yields a node-set with
 * no comment nodes (XML-DSig core §4.3.3.3), so a #WithComments transform there has nothing to keep.
 */
export function withoutComments(algorithm: C14nAlgorithm): C14nAlgorithm {
  switch (algorithm) {
    case C14N.EXC_WITH_COMMENTS:
      return C14N.EXC;
    case C14N.C14N10_WITH_COMMENTS:
      return C14N.C14N10;
    case C14N.C14N11_WITH_COMMENTS:
      return C14N.C14N11;
    default:
      return algorithm;
  }
}
