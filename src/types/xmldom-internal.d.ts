// xmldom's DOM builder is documented as the base for the `domHandler` option but only exported from
// its internal module; we extend it to enforce limits and forbidden constructs while parsing.
declare module '@xmldom/xmldom/lib/dom-parser.js' {
  import type { Document, Element } from '@xmldom/xmldom';
  export class __DOMHandler {
    constructor(options: unknown);
    doc: Document;
    currentElement: Element | undefined;
    startElement(namespaceURI: string | null, localName: string, qName: string, attrs: unknown): void;
    endElement(namespaceURI: string | null, localName: string, qName: string): void;
    processingInstruction(target: string, data: string): void;
    startDTD(name: string, publicId: string, systemId: string, internalSubset: string): void;
    characters(chars: string, start: number, length: number): void;
  }
}
declare module '@xmldom/xmldom/lib/grammar.js' {
  const grammar: Record<string, unknown>;
  export default grammar;
}
