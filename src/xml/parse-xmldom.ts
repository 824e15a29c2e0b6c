// The xmldom lane: the same guards as the parser lane, through @xmldom/xmldom with a guarded DOM handler.
// It is samlguard's former parser, kept as the reference the strict lane is differentially tested
// against (test/xml/lane.differential.test.ts, test/fuzz). Nothing on the verify path imports it, so
// xmldom is not loaded at run time.
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { __DOMHandler } from '@xmldom/xmldom/lib/dom-parser.js';
import { SamlGuardError, quote } from '../errors.js';
import { XMLNS_NS } from './ns.js';
import { depthAndCount, fail, guardElement, indexed, inputText, lexicalScan, newState, normalizeXml10LineEndings, type ParseLimits, type ParseState, type ParsedXml } from './parse.js';
import { speedUpXmldom } from './xmldom-speedup.js';

speedUpXmldom();

// The state of the parse in progress. Parsing is synchronous, so one slot suffices; it is set and
// cleared around each parseFromString call and never observed across calls.
let current: XmldomState | undefined;

/** The parser lane tracks depth and scope itself; xmldom's SAX events leave that to the handler. */
interface XmldomState extends ParseState {
  depth: number;
  sawRoot: boolean;
  /** prefix → how many open elements declare it; its size is the number of prefixes in scope. */
  nsOpen: Map<string, number>;
  /** Per open element (index depth-1): the prefixes it declared, or null (most elements declare none). */
  nsStack: Array<string[] | null>;
}

/** xmldom's DOM builder, extended to enforce limits, refuse DTDs and PIs, and index IDs while parsing. */
class GuardedHandler extends __DOMHandler {
  override startElement(ns: string | null, local: string, qName: string, attrs: unknown): void {
    const st = current!;
    depthAndCount(st, ++st.depth);
    if (st.depth === 1) {
      if (st.sawRoot) fail(current!, new SamlGuardError('XML_MALFORMED', 'The document has more than one root element.'));
      st.sawRoot = true;
    }
    super.startElement(ns, local, qName, attrs);
    const el = this.currentElement as Element;
    const list = el.attributes;
    let plain = 0;
    let declared: string[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const attr = list[i]!;
      if (attr.namespaceURI === XMLNS_NS) {
        if (attr.prefix === 'xmlns' && attr.value === '') {
          // Namespaces in XML 1.0 forbids undeclaring a prefix; xmldom would accept it.
          fail(current!, new SamlGuardError('XML_MALFORMED', `<${el.localName}> undeclares prefix ${quote(attr.localName)} (xmlns:${attr.localName}=""), which XML 1.0 forbids.`));
        }
        const prefix = attr.prefix === 'xmlns' ? (attr.localName ?? '') : '';
        if (declared === null) declared = [prefix];
        else declared.push(prefix);
      } else plain++;
    }
    st.nsStack.push(declared);
    if (declared !== null) {
      const open = st.nsOpen;
      for (let i = 0; i < declared.length; i++) open.set(declared[i]!, (open.get(declared[i]!) ?? 0) + 1);
    }
    guardElement(st, el, declared?.length ?? 0, plain, st.nsOpen.size);
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
    fail(current!, new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', `Processing instruction <?${quote(target).slice(1, -1)} …?> is refused.`));
  }
  override startDTD(): void {
    fail(current!, new SamlGuardError('XML_FORBIDDEN_CONSTRUCT', 'DOCTYPE declarations are refused (no DTDs, no entities).'));
  }
}

/** The same parse through @xmldom/xmldom with the guarded handler: the reference the lane is tested against. */
export function parseWithXmldom(input: string | Uint8Array, lim: Readonly<Required<ParseLimits>>): ParsedXml {
  const text = inputText(input, lim);
  lexicalScan(text);
  const state: XmldomState = { ...newState(lim), depth: 0, sawRoot: false, nsOpen: new Map(), nsStack: [] };
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
        fail(state, new SamlGuardError('XML_MALFORMED', `The XML is not well-formed: ${level}: ${truncate(message)}`));
      },
    }).parseFromString(text, 'text/xml');
  } catch (cause) {
    if (state.failure) throw state.failure;
    throw new SamlGuardError('XML_MALFORMED', `The XML is not well-formed: ${truncate(cause instanceof Error ? cause.message : String(cause))}`, { cause });
  } finally {
    current = undefined;
  }
  if (state.failure) throw state.failure;
  if (!doc.documentElement) throw new SamlGuardError('XML_MALFORMED', 'The document has no root element.');
  return indexed(doc, state.ids);
}

function truncate(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  // The parser's messages may quote input (tag names, attribute names): keep them as bounded as quote().
  return oneLine.length > 80 ? `${oneLine.slice(0, 80)}…` : oneLine;
}
