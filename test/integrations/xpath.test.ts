import { describe, expect, it } from 'vitest';
import { defineRule, evaluateXPath, lintText, selectNodes, XPathError, type DomainInput, type XPathMatch } from '../../src/index.js';

/** Parse a domain the way rules see it: through the engine, captured by a rule. */
async function domainOf(text: string): Promise<DomainInput> {
  let captured: DomainInput | undefined;
  const capture = defineRule({
    meta: { id: 'test/capture', description: 'captures the domain', category: 'style', severity: 'info', scope: 'domain', requires: ['domain'], messages: {} },
    check(ctx) {
      captured = ctx.domain;
    },
  });
  await lintText(text, { filePath: '/vm/test.xml', config: false, customRules: [capture] });
  if (!captured) throw new Error('the domain did not parse');
  return captured;
}

/** The source text each match points at, so expectations read as the file does. */
const at = (text: string, m: XPathMatch) => text.slice(m.loc.start, m.loc.end);
const inside = (text: string, m: XPathMatch) => (m.valueLoc ? text.slice(m.valueLoc.start, m.valueLoc.end) : undefined);

const DOMAIN = `<?xml version="1.0"?>
<!-- a prolog comment -->
<domain type='kvm' xmlns:qemu="http://libvirt.org/schemas/domain/qemu/1.0">
  <name>win&amp;11</name>
  <devices>
    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
    </hostdev>
    <!-- second GPU function -->
    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x1'/></source>
    </hostdev>
    <memballoon model="none"/>
  </devices>
  <description><![CDATA[a <b>bold</b> note]]></description>
  <qemu:commandline>
    <qemu:arg value='-cpu'/>
  </qemu:commandline>
</domain>
`;

describe('XPath queries for custom rules', () => {
  it('maps elements to their start tags and their content, attributes to the attribute and its value', async () => {
    const d = await domainOf(DOMAIN);
    const hostdevs = selectNodes(d, '//hostdev');
    expect(hostdevs.map((m) => [m.type, m.name, at(DOMAIN, m)])).toEqual([
      ['element', 'hostdev', "<hostdev mode='subsystem' type='pci'>"],
      ['element', 'hostdev', "<hostdev mode='subsystem' type='pci'>"],
    ]);
    // The second one really is the second (the comment between them does not shift the pairing).
    expect(hostdevs[1]!.loc.start).toBe(DOMAIN.indexOf("<hostdev", DOMAIN.indexOf('second GPU')));
    expect(inside(DOMAIN, hostdevs[0]!)).toBe("\n      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>\n    ");
    const fns = selectNodes(d, '//hostdev/source/address/@function');
    expect(fns.map((m) => [m.type, m.value, at(DOMAIN, m), inside(DOMAIN, m), m.element?.name])).toEqual([
      ['attribute', '0x0', "function='0x0'", '0x0', 'address'],
      ['attribute', '0x1', "function='0x1'", '0x1', 'address'],
    ]);
    expect(fns[1]!.loc.path).toBe('/vm/test.xml');
  });

  it('maps text (entity-decoded value, raw range), comments, CDATA and the document', async () => {
    const d = await domainOf(DOMAIN);
    const [name] = selectNodes(d, '/domain/name/text()');
    expect([name!.type, name!.value, at(DOMAIN, name!)]).toEqual(['text', 'win&11', 'win&amp;11']);
    const comments = selectNodes(d, '//comment()');
    expect(comments.map((m) => [m.value, at(DOMAIN, m), inside(DOMAIN, m)])).toEqual([
      [' a prolog comment ', '<!-- a prolog comment -->', ' a prolog comment '],
      [' second GPU function ', '<!-- second GPU function -->', ' second GPU function '],
    ]);
    const [cdata] = selectNodes(d, '/domain/description/node()');
    expect([cdata!.type, cdata!.value, inside(DOMAIN, cdata!)]).toEqual(['cdata', 'a <b>bold</b> note', 'a <b>bold</b> note']);
    const [doc] = selectNodes(d, '/');
    expect([doc!.type, doc!.loc.start, doc!.loc.end]).toEqual(['document', 0, DOMAIN.length]);
  });

  it("knows the root element's namespace prefixes; others can be given", async () => {
    const d = await domainOf(DOMAIN);
    const args = selectNodes(d, '//qemu:commandline/qemu:arg/@value');
    expect(args.map((m) => [m.value, at(DOMAIN, m)])).toEqual([['-cpu', "value='-cpu'"]]);
    expect(selectNodes(d, '//q:arg', { namespaces: { q: 'http://libvirt.org/schemas/domain/qemu/1.0' } }).map((m) => m.name)).toEqual(['qemu:arg']);
  });

  it('returns numbers, strings and booleans as they are; variables can be passed', async () => {
    const d = await domainOf(DOMAIN);
    expect(evaluateXPath(d, "count(//hostdev[@type='pci'])")).toBe(2);
    expect(evaluateXPath(d, 'string(/domain/name)')).toBe('win&11');
    expect(evaluateXPath(d, "//memballoon/@model = 'none'")).toBe(true);
    expect(evaluateXPath(d, 'count(//address[@function = $f])', { variables: { f: '0x1' } })).toBe(1);
  });

  it('says what is wrong with a bad expression, or with one that gives no nodes to selectNodes', async () => {
    const d = await domainOf(DOMAIN);
    expect(() => selectNodes(d, '//hostdev[')).toThrow(XPathError);
    expect(() => selectNodes(d, '//hostdev[')).toThrow(/^XPath "\/\/hostdev\[" does not parse: /);
    expect(() => selectNodes(d, 'count(//hostdev)')).toThrow('XPath "count(//hostdev)" gives a number, not nodes; use evaluateXPath for values');
    expect(() => selectNodes(d, '//nope:x')).toThrow(/^XPath "\/\/nope:x": .*nope/);
  });

  it('a rule whose query throws is reported as a failed rule, not a crash', async () => {
    const broken = defineRule({
      meta: { id: 'test/broken-query', description: 'bad XPath', category: 'style', severity: 'info', scope: 'domain', requires: ['domain'], messages: {} },
      check(ctx) {
        selectNodes(ctx.domain!, '//[');
      },
    });
    const report = await lintText(DOMAIN, { filePath: '/vm/test.xml', config: false, customRules: [broken] });
    expect(report.failures.map((f) => [f.ruleId, f.message.split(':')[0]])).toEqual([['test/broken-query', 'XPath "//[" does not parse']]);
  });

  it('works on a file with CRLF line ends and characters outside the BMP (offsets are UTF-16 units)', async () => {
    const text = "<domain type='kvm'>\r\n  <name>vm-😀</name>\r\n  <title>😀 x</title>\r\n</domain>\r\n";
    const d = await domainOf(text);
    const [title] = selectNodes(d, '/domain/title');
    expect(at(text, title!)).toBe('<title>');
    expect(inside(text, title!)).toBe('😀 x');
    expect(title!.loc.start).toBe(text.indexOf('<title>'));
  });
});
