import type { Node } from '@xmldom/xmldom';
import { SamlGuardError } from '../errors.js';
import { escapeAttr } from './escape.js';

export { XMLNS_NS, XML_NS } from '../xml/ns.js';

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const PROCESSING_INSTRUCTION_NODE = 7;
export const COMMENT_NODE = 8;
export const DOCUMENT_NODE = 9;
export const DOCUMENT_TYPE_NODE = 10;

/** prefix ('' = default namespace) → namespace URI ('' = no namespace / undeclared). */
export type NsMap = Map<string, string>;

/**
 * The part of an attribute canonicalization reads. xmldom's Attr satisfies it; the inherited or
 * fixed-up xml:* attributes of an apex element are synthesized as plain objects.
 */
export interface AttrLike {
  readonly name: string;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly value: string;
}

/**
 * Order strings by Unicode code point, which is what the specs mean by "lexicographic" (C14N 1.0 §2.2:
 * equivalent to comparing UTF-8 bytes). JS `<` compares UTF-16 code units, which puts astral
 * characters (surrogate pairs, D800–DFFF) before U+E000–U+FFFF; remap the first differing unit.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

function compareAttrs(a: AttrLike, b: AttrLike): number {
  const byNs = compareCodePoints(a.namespaceURI ?? '', b.namespaceURI ?? '');
  return byNs !== 0 ? byNs : compareCodePoints(a.localName ?? a.name, b.localName ?? b.name);
}

/** Sort in place by (namespace URI, local name); attributes in no namespace sort first. */
export function sortAttrs(attrs: AttrLike[]): void {
  if (attrs.length > 1) attrs.sort(compareAttrs);
}

/** ` name="value"` for each attribute, in the given order. */
export function renderAttrs(attrs: readonly AttrLike[]): string {
  let out = '';
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    out += ' ' + a.name + '="' + escapeAttr(a.value) + '"';
  }
  return out;
}

/**
 * Render namespace declarations given as a flat [prefix, uri, prefix, uri, …] list, sorted by prefix
 * (the default namespace, prefix '', sorts first). Prefixes in one list are distinct.
 */
export function renderNsDecls(flat: string[]): string {
  const count = flat.length >> 1;
  if (count > SMALL_SORT) return renderSortedNsDecls(flat, count);
  if (count > 1) {
    // Insertion sort over pairs: almost every list is one to three entries long. Longer lists take
    // the O(n log n) path above, so an attacker's thousands of declarations never cost n².
    for (let i = 1; i < count; i++) {
      const p = flat[2 * i]!;
      const u = flat[2 * i + 1]!;
      let j = i - 1;
      while (j >= 0 && compareCodePoints(flat[2 * j]!, p) > 0) {
        flat[2 * j + 2] = flat[2 * j]!;
        flat[2 * j + 3] = flat[2 * j + 1]!;
        j--;
      }
      flat[2 * j + 2] = p;
      flat[2 * j + 3] = u;
    }
  }
  let out = '';
  for (let i = 0; i < flat.length; i += 2) out += renderNsDecl(flat[i]!, flat[i + 1]!);
  return out;
}

/** Above this many declarations the insertion sort gives way to Array.prototype.sort (a merge sort). */
const SMALL_SORT = 8;

function renderSortedNsDecls(flat: string[], count: number): string {
  const order: number[] = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = 2 * i;
  order.sort((a, b) => compareCodePoints(flat[a]!, flat[b]!));
  let out = '';
  for (let i = 0; i < count; i++) out += renderNsDecl(flat[order[i]!]!, flat[order[i]! + 1]!);
  return out;
}

function renderNsDecl(prefix: string, uri: string): string {
  return (prefix === '' ? ' xmlns="' : ' xmlns:' + prefix + '="') + escapeAttr(uri) + '"';
}

/**
 * Undo what one element did to a namespace map kept for a whole walk: `undo` is
 * [prefix, previous value, …] in the order the changes were made (`undefined`: the prefix was unbound).
 * Walks set and restore one map instead of copying it per element, which would cost
 * O(elements × prefixes in scope): quadratic in a document that declares many namespaces. An unbound
 * prefix is restored as '' rather than deleted: every reader treats a missing entry and '' alike
 * (`?? ''`), and never deleting keeps the Map out of V8's slow rehashing path on every element.
 */
export function restoreNs(map: NsMap, undo: Array<string | undefined>): void {
  for (let i = undo.length - 2; i >= 0; i -= 2) map.set(undo[i]!, undo[i + 1] ?? '');
}

/** Prefix a namespace-declaration attribute binds: '' for `xmlns`, `p` for `xmlns:p`. */
export function declaredPrefix(attr: AttrLike): string {
  return attr.name === 'xmlns' ? '' : (attr.localName ?? attr.name.slice(6));
}

/** `<?target data?>`; the space is only there when the data is not empty. */
export function renderPI(target: string, data: string): string {
  return data === '' ? '<?' + target + '?>' : '<?' + target + ' ' + data + '?>';
}

/**
 * Refuse node types the canonical forms have no rendering for (entity references can only appear when
 * a DTD declared entities, which samlguard never lets through). Silently dropping them would sign or
 * verify something other than what the document says.
 */
export function unsupportedNode(node: Node): never {
  throw new SamlGuardError(
    'XML_FORBIDDEN_CONSTRUCT',
    `Canonicalization cannot render a node of type ${node.nodeType} (${node.nodeName}).`,
    { details: { nodeType: node.nodeType } },
  );
}
