// Edges of the parser found by mutation testing: each case fails if the rule it names is weakened.
import { describe, expect, it } from 'vitest';
import { SamlGuardError, type ErrorCode } from '../../src/errors.js';
import { parseWithLane, parseXml, resolveLimits, type ParsedXml } from '../../src/xml/parse.js';
import { parseWithXmldom } from '../../src/xml/parse-xmldom.js';

const LIMITS = resolveLimits(undefined);
const utf8 = (s: string) => new TextEncoder().encode(s);

function refusal(run: () => unknown): SamlGuardError {
  try {
    run();
  } catch (err) {
    if (err instanceof SamlGuardError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each([
  ['parser lane', parseWithLane],
  ['xmldom lane', parseWithXmldom],
] as const)('%s', (_lane, parse) => {
  const code = (input: string | Uint8Array): ErrorCode => refusal(() => parse(input, LIMITS)).code;

  it('bytes that only resemble a UTF-16/32 byte-order mark are invalid UTF-8, not another encoding', () => {
    expect(code(new Uint8Array([0xfe, ...utf8('<r/>')]))).toBe('XML_MALFORMED');
    expect(code(new Uint8Array([0xff, ...utf8('<r/>')]))).toBe('XML_MALFORMED');
    expect(code(new Uint8Array([...utf8('<'), 0xff, ...utf8('r/>')]))).toBe('XML_MALFORMED');
    expect(code(new Uint8Array([...utf8('<'), 0xfe, ...utf8('r/>')]))).toBe('XML_MALFORMED');
    // A NUL first or second is a forbidden character, not UTF-32.
    expect(code(new Uint8Array([0, ...utf8('<r/>')]))).toBe('XML_MALFORMED');
    expect(code(new Uint8Array([...utf8('<'), 0, ...utf8('r/>')]))).toBe('XML_MALFORMED');
    expect(parse(utf8('<r/>'), LIMITS).root.localName).toBe('r');
  });

  it('an XML declaration cut short is malformed, not a processing instruction', () => {
    expect(code('<?xml')).toBe('XML_MALFORMED');
  });

  it('a CR anywhere, even second, is a line end', () => {
    expect(parse(' \r<r>a\rb</r>', LIMITS).root.textContent).toBe('a\nb');
  });

  it('a comment or reference right after the first character is scanned once', () => {
    expect(parse(' <!--c--><r/>', LIMITS).root.localName).toBe('r');
    expect(code('<&amp;/>')).toBe('XML_MALFORMED');
  });

  it('limit and duplicate-ID refusals name the element in `path`', () => {
    const many = refusal(() => parse(`<r><big ${Array.from({ length: 65 }, (_, i) => `a${i}="1"`).join(' ')}/></r>`, LIMITS));
    expect(many.code).toBe('XML_LIMIT_EXCEEDED');
    expect(many.path).toBe('big');
    const dup = refusal(() => parse('<r ID="x"><c ID="x"/></r>', LIMITS));
    expect(dup.code).toBe('DUPLICATE_ID');
    expect(dup.path).toBe('c');
  });

  it('only unqualified ID/Id and xml:id are IDs: not p:id, not other xml:* attributes', () => {
    expect(parse('<r xmlns:p="urn:p" p:id="a"><c p:id="a"/></r>', LIMITS).ids.size).toBe(0);
    expect(parse('<r xml:lang="en"><c xml:lang="en"/></r>', LIMITS).ids.size).toBe(0);
    expect(parse('<r xml:id="a"/>', LIMITS).ids.has('a')).toBe(true);
  });

  it('an explicitly undefined limit means its default', () => {
    expect(parseXml('<r/>', { maxDepth: undefined, maxBytes: undefined }).root.localName).toBe('r');
  });
});

describe('parser lane', () => {
  const parse = (xml: string): ParsedXml => parseWithLane(xml, LIMITS);
  const code = (xml: string): ErrorCode => refusal(() => parse(xml)).code;

  it('ASCII names: letters (Z and z included), digits, _ - . : and nothing else', () => {
    expect(parse('<aZz_-.9 bZ="1"/>').root.localName).toBe('aZz_-.9');
    expect(parse('<Zr/>').root.localName).toBe('Zr');
    for (const c of ['{', '|', '}', '~', '[', '\\', ']', '^', '`', '@', '!', '#', '$', '%', '(', ')', '*', '+', ',', ';', '\u007f']) {
      expect(code(`<a${c}b/>`), `name character ${JSON.stringify(c)}`).toBe('XML_MALFORMED');
      expect(code(`<r a${c}b="1"/>`), `attribute name character ${JSON.stringify(c)}`).toBe('XML_MALFORMED');
    }
  });

  it('a name may go on past ASCII, and a non-ASCII character that is no NameChar ends it', () => {
    expect(parse('<aé\u00b7b/>').root.localName).toBe('aé\u00b7b');
    expect(code('<a\u00d7b/>')).toBe('XML_MALFORMED'); // × is not a NameChar
  });

  it("a QName's local part must start with a NameStartChar, also beyond ASCII", () => {
    expect(code('<r xmlns:p="urn:p"><p:\u00b7a/></r>')).toBe('XML_MALFORMED');
    expect(code('<r xmlns:p="urn:p" p:\u00b7a="1"/>')).toBe('XML_MALFORMED');
    expect(parse('<r xmlns:p="urn:p"><p:éa/></r>').root.firstChild).toMatchObject({ localName: 'éa', prefix: 'p' });
  });

  it('an attribute named xmlnsfoo is an attribute, not a declaration', () => {
    expect(code('<r xmlnsfoo="urn:x"><oo:c/></r>')).toBe('XML_MALFORMED');
    const r = parse('<r xmlnsfoo="urn:x"/>').root;
    expect(r.getAttribute('xmlnsfoo')).toBe('urn:x');
    expect(r.namespaceURI).toBeNull();
  });

  it('TAB, LF and CR separate attributes as a space does', () => {
    expect(parse('<r\ta="1"\nb="2"\t/>').root.attributes.length).toBe(2);
    expect(parse('<r a\t=\t"1"/>').root.getAttribute('a')).toBe('1');
  });

  it('the document reads as a DOM document does', () => {
    expect(parse('<r/>').document.textContent).toBeNull();
  });

  it('a refusal carries its offset in details', () => {
    const err = refusal(() => parse('<r><c></d></r>'));
    expect(err.code).toBe('XML_MALFORMED');
    expect(err.details).toEqual({ offset: 6 });
  });

  it('the ID index rides on the document and cannot be replaced or listed', () => {
    const { document } = parse('<r ID="a"/>');
    const [sym] = Object.getOwnPropertySymbols(document);
    const d = Object.getOwnPropertyDescriptor(document, sym!)!;
    expect(d).toMatchObject({ enumerable: false, writable: false, configurable: false });
  });
});
