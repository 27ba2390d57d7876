import { describe, it, expect } from 'vitest';
import { parseXml, firstChild, type XmlElement } from '../../src/parsers/xml/index.js';
import { applyEdits, type TextEdit } from '../../src/engine/fix.js';
import { eolOf, escapeAttr, indentUnit, insertAfter, insertLastChild, quoteOf, removeElement, renameXmlName, replaceElement, setAttribute } from '../../src/edit/xml.js';
import { appendLines, deleteLine } from '../../src/edit/lines.js';
import { sourceFile } from '../../src/core/source.js';

/** The element at `names` below the root (the root itself for none). */
function el(text: string, ...names: string[]): XmlElement {
  const doc = parseXml(text);
  expect(doc.problems).toEqual([]);
  let e = doc.root!;
  for (const n of names) e = firstChild(e, n)!;
  return e;
}
const apply = (text: string, e: TextEdit) => applyEdits(text, [e]);

describe('XML edits keep the file as it is', () => {
  it('line endings: CRLF only when the first line ends with one', () => {
    expect(eolOf('<a>\r\n</a>')).toBe('\r\n');
    expect(eolOf('<a>\n</a>\r\n')).toBe('\n');
    expect(eolOf('\n<a/>')).toBe('\n');
    expect(eolOf('<a/>')).toBe('\n');
  });

  it('quotes: the first attribute found, depth first, else libvirt\'s single quote', () => {
    expect(quoteOf(el('<a x="1"/>'))).toBe('"');
    expect(quoteOf(el("<a><b y='1'/><c z=\"2\"/></a>"))).toBe("'");
    expect(quoteOf(el('<a><b><c z="2"/></b><d y=\'1\'/></a>'))).toBe('"');
    expect(quoteOf(el('<a><b/></a>'))).toBe("'");
  });

  it('indentation: the step from parent to child, else two spaces (a tab under a tab-indented parent)', () => {
    const text = '<domain>\n    <devices>\n        <disk/>\n    </devices>\n</domain>\n';
    expect(indentUnit(text, el(text, 'devices'))).toBe('    ');
    const tabs = '<domain>\n\t<devices>\n\t</devices>\n</domain>\n';
    expect(indentUnit(tabs, el(tabs, 'devices'))).toBe('\t');
    const flat = '<domain><devices/></domain>';
    expect(indentUnit(flat, el(flat))).toBe('  ');
  });

  it('insertLastChild after the last element, into an empty element, and into a self-closing one', () => {
    const text = "<domain>\n  <devices>\n    <disk/>\n    <!-- c -->\n  </devices>\n</domain>\n";
    expect(apply(text, insertLastChild('f', text, el(text, 'devices'), '<m/>'))).toBe("<domain>\n  <devices>\n    <disk/>\n    <m/>\n    <!-- c -->\n  </devices>\n</domain>\n");
    const empty = '<domain>\r\n  <devices>\r\n  </devices>\r\n</domain>\r\n';
    expect(apply(empty, insertLastChild('f', empty, el(empty, 'devices'), '<m/>'))).toBe('<domain>\r\n  <devices>\r\n    <m/>\r\n  </devices>\r\n</domain>\r\n');
    const self = "<domain>\n  <devices type='x' />\n</domain>\n";
    expect(apply(self, insertLastChild('f', self, el(self, 'devices'), '<m/>'))).toBe("<domain>\n  <devices type='x'>\n    <m/>\n  </devices>\n</domain>\n");
  });

  it('setAttribute replaces a value (escaped for its quote) or adds the attribute before the end of the start tag', () => {
    const text = `<cpu mode='custom'><feature policy="disable" name='topoext'/></cpu>`;
    expect(apply(text, setAttribute('f', text, el(text, 'feature'), 'policy', 'require'))).toBe(`<cpu mode='custom'><feature policy="require" name='topoext'/></cpu>`);
    expect(apply(text, setAttribute('f', text, el(text, 'feature'), 'name', "it's"))).toBe(`<cpu mode='custom'><feature policy="disable" name='it&apos;s'/></cpu>`);
    const bare = '<a>\n  <b  />\n  <c >x</c>\n</a>';
    expect(apply(bare, setAttribute('f', bare, el(bare, 'b'), 'k', 'v'))).toBe("<a>\n  <b k='v'  />\n  <c >x</c>\n</a>");
    expect(apply(bare, setAttribute('f', bare, el(bare, 'c'), 'k', 'v'))).toBe("<a>\n  <b  />\n  <c k='v' >x</c>\n</a>");
    expect(escapeAttr(`a&b<"'`, '"')).toBe('a&amp;b&lt;&quot;\'');
    expect(escapeAttr(`a&b<"'`, "'")).toBe('a&amp;b&lt;"&apos;');
  });

  it('insertAfter puts a sibling on its own line at the same indentation; replaceElement replaces the element only', () => {
    const text = '<domain>\n  <memory>1</memory>\n</domain>\n';
    expect(apply(text, insertAfter('f', text, el(text, 'memory'), '<x/>'))).toBe('<domain>\n  <memory>1</memory>\n  <x/>\n</domain>\n');
    expect(apply(text, replaceElement('f', el(text, 'memory'), '<y/>'))).toBe('<domain>\n  <y/>\n</domain>\n');
  });

  it('removeElement takes its whole line when it stands alone, else just the element', () => {
    const text = '<d>\n  <a/>  \n  <b/><c/>\n</d>';
    expect(apply(text, removeElement('f', text, el(text, 'a')))).toBe('<d>\n  <b/><c/>\n</d>');
    expect(apply(text, removeElement('f', text, el(text, 'b')))).toBe('<d>\n  <a/>  \n  <c/>\n</d>');
    const crlf = '<d>\r\n\t<a/>\r\n</d>';
    expect(apply(crlf, removeElement('f', crlf, el(crlf, 'a')))).toBe('<d>\r\n</d>');
    const last = '<d><a/></d>';
    expect(apply(last, removeElement('f', last, el(last, 'a')))).toBe('<d></d>');
  });
});

describe('line edits', () => {
  it('deleteLine takes the line with its break, or the break before a last line without one', () => {
    const s = (t: string) => sourceFile('f', t);
    const text = 'a\nbb\nc';
    expect(apply(text, deleteLine(s(text), { start: 3, end: 4 }))).toBe('a\nc');
    expect(apply(text, deleteLine(s(text), { start: 5, end: 6 }))).toBe('a\nbb');
    expect(apply('a\r\nb', deleteLine(s('a\r\nb'), { start: 3, end: 4 }))).toBe('a');
    expect(apply('only', deleteLine(s('only'), { start: 1, end: 2 }))).toBe('');
    expect(apply('a\nb\nc\n', deleteLine(s('a\nb\nc\n'), { start: 2, end: 5 }))).toBe('a\n');
  });

  it('appendLines adds a break first only when the file lacks one, in the file\'s line ending', () => {
    const s = (t: string) => sourceFile('f', t);
    expect(apply('a', appendLines(s('a'), ['x', 'y']))).toBe('a\nx\ny\n');
    expect(apply('a\n', appendLines(s('a\n'), ['x']))).toBe('a\nx\n');
    expect(apply('', appendLines(s(''), ['x']))).toBe('x\n');
    expect(apply('a\r\nb', appendLines(s('a\r\nb'), ['x']))).toBe('a\r\nb\r\nx\r\n');
  });
});

describe('renameXmlName', () => {
  const rename = (text: string, node: Parameters<typeof renameXmlName>[2], name: string) => {
    const edits = renameXmlName('f.xml', text, node, name);
    return edits && applyEdits(text, edits);
  };

  it('an element: the start and the end tag, leaving attributes, content and the end tag\'s spacing', () => {
    const text = "<features>\n  <hyprev mode='custom'>\n    <relaxed state='on'/>\n  </hyprev >\n</features>\n";
    const edits = renameXmlName('f.xml', text, el(text, 'hyprev'), 'hyperv')!;
    expect(edits).toHaveLength(2);
    expect(applyEdits(text, edits)).toBe("<features>\n  <hyperv mode='custom'>\n    <relaxed state='on'/>\n  </hyperv >\n</features>\n");
  });

  it('a self-closing element: its one tag', () => {
    const text = '<clock><timr name="hpet" present="no"/></clock>';
    const edits = renameXmlName('f.xml', text, el(text, 'timr'), 'timer')!;
    expect(edits).toHaveLength(1);
    expect(applyEdits(text, edits)).toBe('<clock><timer name="hpet" present="no"/></clock>');
  });

  it('a prefixed element keeps its place; a longer or shorter name shifts nothing else', () => {
    const text = '<a><q:cmdline xmlns:q="u">x</q:cmdline></a>';
    expect(rename(text, el(text, 'q:cmdline'), 'q:commandline')).toBe('<a><q:commandline xmlns:q="u">x</q:commandline></a>');
  });

  it('an attribute: its name only, whatever the spacing around =', () => {
    const text = "<feature polcy = 'disable' name='hypervisor'/>";
    const e = el(text);
    expect(rename(text, e.attributes[0]!, 'policy')).toBe("<feature policy = 'disable' name='hypervisor'/>");
  });

  it('nothing when the text does not hold the name where the tree says', () => {
    const text = '<a><b>x</b></a>';
    const b = el(text, 'b');
    expect(renameXmlName('f.xml', '<a><c>x</b></a>', b, 'd')).toBeUndefined();
    expect(renameXmlName('f.xml', '<a><b>x</c></a>', b, 'd')).toBeUndefined();
    const attrText = '<a x="1"/>';
    expect(renameXmlName('f.xml', '<a y="1"/>', el(attrText).attributes[0]!, 'z')).toBeUndefined();
  });
});

describe('removeElement: what counts as standing alone on its line', () => {
  const remove = (text: string, ...names: string[]) => apply(text, removeElement('f', text, el(text, ...names)));

  it('an element after another on its line goes alone, even when its line ends after it', () => {
    expect(remove('<d>\n  <b/><c/>\n</d>', 'c')).toBe('<d>\n  <b/>\n</d>');
  });

  it('an element followed by blanks and then another element is not alone, however many blanks', () => {
    expect(remove('<d>\n  <a/>   <b/>\n</d>', 'a')).toBe('<d>\n     <b/>\n</d>');
    expect(remove('<d>\n  <a/> <b/>\n</d>', 'a')).toBe('<d>\n   <b/>\n</d>');
  });

  it('takes trailing tabs with the line, and only its own line break (a blank line after it stays)', () => {
    expect(remove('<d>\n  <a/>\t \n  <b/>\n</d>', 'a')).toBe('<d>\n  <b/>\n</d>');
    expect(remove('<d>\n  <a/>\n\n  <b/>\n</d>', 'a')).toBe('<d>\n\n  <b/>\n</d>');
  });

  it('an element on the first line, and one on a last line without a line break', () => {
    expect(remove('<a/>  \n')).toBe('');
    expect(remove('<!-- x -->\n  <a/>')).toBe('<!-- x -->\n');
  });
});

describe('indentation and attribute edits in unusual layouts', () => {
  it('indentUnit ignores comments and text: only element children show the step', () => {
    const text = '<domain>\n  <devices>\n        <!-- deep comment -->\n    <disk/>\n  </devices>\n</domain>\n';
    expect(indentUnit(text, el(text, 'devices'))).toBe('  ');
  });

  it('indentUnit: a child indented with a different mix of blanks is no step from its parent', () => {
    const text = '<domain>\n  <devices>\n\t  <disk/>\n  </devices>\n</domain>\n';
    expect(indentUnit(text, el(text, 'devices'))).toBe('  ');
  });

  it('insertLastChild lines the new child up with the last one, even when the children disagree', () => {
    const text = '<d>\n  <a/>\n   <b/>\n</d>\n';
    expect(apply(text, insertLastChild('f', text, el(text), '<m/>'))).toBe('<d>\n  <a/>\n   <b/>\n   <m/>\n</d>\n');
    // A last child after another on its line has no indentation of its own: the step from the parent is used.
    const inline = '<d>\n  <e>\n    <a/><b/></e>\n</d>\n';
    expect(apply(inline, insertLastChild('f', inline, el(inline, 'e'), '<m/>'))).toBe('<d>\n  <e>\n    <a/><b/>\n    <m/></e>\n</d>\n');
  });

  it('insertLastChild into a self-closing element whose attribute holds "/>"', () => {
    const text = "<d>\n  <e v='a/>b'/>\n</d>\n";
    expect(apply(text, insertLastChild('f', text, el(text, 'e'), '<m/>'))).toBe("<d>\n  <e v='a/>b'>\n    <m/>\n  </e>\n</d>\n");
  });

  it('setAttribute on a self-closing element right before its parent\'s end tag', () => {
    const text = '<a><b/></a>';
    expect(apply(text, setAttribute('f', text, el(text, 'b'), 'k', 'v'))).toBe("<a><b k='v'/></a>");
  });

  it('renameXmlName refuses when the end tag does not start where the tree says', () => {
    const b = el('<a><b>x</b></a>', 'b');
    expect(renameXmlName('f.xml', '<a><b>x<!b></a>', b, 'd')).toBeUndefined();
  });
});
