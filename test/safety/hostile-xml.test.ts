import { beforeAll, describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCli } from '../helpers/cli.js';
import { expectNoCrash, runJson, useTempDirs, type JsonResult } from './helpers.js';

const tempDir = useTempDirs('xml');

/** A passed-through GPU and an active balloon: memballoon-present fires on the balloon, so a finding proves the file was read whole. */
const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";

function one(dir: string, name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** The one fatal finding of a one-file run, checked to be the only message, with exit 1 and no crash. */
function onlyFatal(results: JsonResult[]) {
  expect(results).toHaveLength(1);
  const msgs = results[0]!.messages;
  expect(msgs, JSON.stringify(msgs)).toHaveLength(1);
  expect(msgs[0]!.fatal).toBe(true);
  expect(msgs[0]!.ruleId).toBeNull();
  return msgs[0]!;
}

describe('malformed XML: one fatal finding at the offending place, exit 1', () => {
  // [name, content, line, column (undefined: not pinned, see the note), what the message must say]
  const cases: Array<[string, string, number, number | undefined, RegExp]> = [
    ['root never closed', '<domain type="kvm">\n  <name>x</name>\n', 3, 1, /ends before <domain> \(line 1\) is closed/],
    ['mismatched end tag', '<domain type="kvm">\n  <name>x</nam>\n</domain>\n', 2, 10, /<\/nam>.*<name>/],
    ['two root elements', '<domain type="kvm"/>\n<domain type="kvm"/>\n', 2, 1, /second root element/],
    ['text after the root', '<domain type="kvm"/>\ntrailing\n', 2, 1, /text after the root element/],
    ['text before the root', 'hello\n<domain type="kvm"/>\n', 1, 1, /text before the root element/],
    ['no root element at all', '<?xml version="1.0"?>\n<!-- only a comment -->\n', 3, 1, /no root element/],
    ['unquoted attribute value', '<domain type=kvm>\n</domain>\n', 1, 14, /quoted/],
    ['duplicate attribute', '<domain type="kvm" type="qemu">\n</domain>\n', 1, 20, /duplicate attribute 'type'/],
    ["'<' in an attribute value", '<domain type="a<b">\n</domain>\n', 1, 16, /'<'.*attribute value/],
    ['comment never closed', '<domain type="kvm">\n<!-- never closed\n</domain>\n', 4, 1, /ends inside a comment that starts on line 2/],
    ['CDATA never closed', '<domain type="kvm">\n<![CDATA[ never closed\n</domain>\n', 4, 1, /ends inside a CDATA section that starts on line 2/],
    ['start tag never closed', '<domain type="kvm">\n  <name\n', 3, 1, /ends inside a start tag that starts on line 2/],
    ['undefined entity', '<domain type="kvm">\n  <name>&foo;</name>\n</domain>\n', 2, 9, /undefined entity &foo;/],
    ["bare '&'", '<domain type="kvm">\n  <name>a & b</name>\n</domain>\n', 2, 11, /'&'/],
    ['character reference to U+0000', '<domain type="kvm">\n  <name>&#0;</name>\n</domain>\n', 2, 9, /&#0;/],
    ['element name starting with a digit', '<domain type="kvm">\n  <1name/>\n</domain>\n', 2, 3, /'<'/],
    ['end tag with no start tag', '</domain>\n', 1, 1, /<\/domain> has no matching start tag/],
    ['whitespace only', '   \n\t\n', 1, 1, /only whitespace/],
    ['empty file', '', 1, 1, /empty/],
    ['raw NUL byte', '<domain type="kvm"><name>a\0b</name></domain>', 1, 27, /U\+0000/],
    // Pinned to the line only: the column points past the start of the offending token (reported to the XML parser's owner).
    ['XML declaration not at the start', '\n<?xml version="1.0"?>\n<domain type="kvm"/>\n', 2, undefined, /XML declaration/],
    ["']]>' in text", '<domain type="kvm">\n  <name>]]></name>\n</domain>\n', 2, undefined, /\]\]>/],
  ];
  // One run over a folder holding every case: each file is its own result.
  let run: ReturnType<typeof runJson>;
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    cases.forEach(([, content], i) => one(dir, `case${String(i).padStart(2, '0')}.xml`, content));
    run = runJson([dir]);
  });

  it('the run: exit 1, no crash, one result per file', () => {
    expectNoCrash(run);
    expect(run.code).toBe(1);
    expect(run.results.map((r) => r.filePath).sort()).toEqual(cases.map((_, i) => join(dir, `case${String(i).padStart(2, '0')}.xml`)));
  });
  cases.forEach(([name, , line, column, says], i) => {
    it(name, () => {
      const m = onlyFatal(run.results.filter((r) => r.filePath === join(dir, `case${String(i).padStart(2, '0')}.xml`)));
      expect(m.message).toMatch(says);
      expect(m.message).not.toContain('\n');
      expect(m.line).toBe(line);
      if (column !== undefined) expect(m.column).toBe(column);
    });
  });
});

describe('entities: never expanded, never fetched', () => {
  it('a DOCTYPE with an internal entity is refused at the declaration', () => {
    const dir = tempDir();
    one(dir, 'd.xml', '<?xml version="1.0"?>\n<!DOCTYPE domain [<!ENTITY a "hello">]>\n<domain type="kvm"><name>&a;</name></domain>\n');
    const r = runJson(['d.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = onlyFatal(r.results);
    expect([m.line, m.column]).toEqual([2, 19]);
    expect(m.message).toMatch(/entity declarations are not supported/);
  });

  it('an external entity naming a real file: its content appears in no output format, and --fix writes nothing', () => {
    const dir = tempDir();
    const token = `SECRET-${randomBytes(8).toString('hex')}`;
    const secret = one(dir, 'secret.txt', `${token}\n`);
    const xml =
      `<?xml version="1.0"?>\n<!DOCTYPE domain [<!ENTITY x SYSTEM "file://${secret}">]>\n` +
      `<domain type="kvm" xmlns:xi="http://www.w3.org/2001/XInclude"><name>&x;</name><description title="&x;"/>` +
      `<xi:include href="${secret}" parse="text"/><devices>${HOSTDEV}<memballoon model="virtio"/></devices></domain>\n`;
    const file = one(dir, 'ext.xml', xml);
    for (const args of [['--format', 'stylish'], ['--format', 'json'], ['--format', 'sarif'], ['--format', 'github'], ['--fix-dry-run'], ['--fix', '--fix-suggestions'], ['--debug']]) {
      const r = runCli([...args, '--no-config', 'ext.xml'], { cwd: dir });
      expectNoCrash(r);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain(token);
    }
    const r = runJson(['ext.xml'], { cwd: dir });
    const m = onlyFatal(r.results);
    expect([m.line, m.column]).toEqual([2, 19]);
    expect(readFileSync(file, 'utf8')).toBe(xml);
  });

  it('an external DTD is not fetched: the document is linted as if it were not there', () => {
    const dir = tempDir();
    const token = `SECRET-${randomBytes(8).toString('hex')}`;
    const dtd = one(dir, 'evil.dtd', `<!ENTITY leak "${token}">\n`);
    one(dir, 'd.xml', `<?xml version="1.0"?>\n<!DOCTYPE domain SYSTEM "file://${dtd}">\n<domain type="kvm"><name>x</name><devices>${HOSTDEV}<memballoon model="virtio"/></devices></domain>\n`);
    const r = runJson(['d.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.stdout + r.stderr).not.toContain(token);
    expect(r.results[0]!.messages.map((m) => m.ruleId)).toEqual(['memballoon-present']);
  });

  it('billion laughs: refused at the first entity declaration, nothing expanded', () => {
    const dir = tempDir();
    let decls = '<!ENTITY lol "lol">\n';
    for (let i = 1; i <= 9; i++) decls += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">\n`;
    one(dir, 'lol.xml', `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${decls}]>\n<domain>&lol9;</domain>\n`);
    const r = runJson(['lol.xml'], { cwd: dir, timeout: 30_000 });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = onlyFatal(r.results);
    expect([m.line, m.column]).toEqual([3, 1]);
    expect(m.message).toMatch(/entity declarations are not supported/);
    expect(r.stdout).not.toContain('lollol');
  });
});

describe('size and depth', () => {
  it('20,000 nested elements inside a domain: parsed without recursion, rules still run, the fix still applies', () => {
    const dir = tempDir();
    const deep = `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`;
    one(dir, 'deep.xml', `<domain type='kvm'>\n<name>x</name>\n<metadata>${deep}</metadata>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`);
    const r = runJson(['deep.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    const m = r.results[0]!.messages;
    expect(m.map((x) => [x.ruleId, x.line, x.column])).toEqual([['memballoon-present', 6, 13]]);
    const fixed = runCli(['--fix', '--no-config', 'deep.xml'], { cwd: dir });
    expectNoCrash(fixed);
    expect(readFileSync(join(dir, 'deep.xml'), 'utf8')).toContain(`${deep}</metadata>\n<devices>\n${HOSTDEV}\n<memballoon model='none'/>\n`);
  });

  it('20,000 unclosed elements: one fatal finding at the end of the file', () => {
    const dir = tempDir();
    one(dir, 'open.xml', `<domain>${'<a>'.repeat(20_000)}`);
    const r = runJson(['open.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = onlyFatal(r.results);
    // 8 characters of <domain>, 60,000 of <a>: the end is column 60,009 of line 1.
    expect([m.line, m.column]).toEqual([1, 60_009]);
    expect(m.message).toMatch(/ends before <a>/);
  });

  it('a 50 MB domain XML is refused by its size before it is read', () => {
    const dir = tempDir();
    const size = 50 * 1024 * 1024;
    const head = `<domain type='kvm'>\n<name>big</name>\n<description>`;
    const tail = '</description>\n</domain>\n';
    const body = Buffer.alloc(size, 'x');
    body.write(head, 0);
    body.write(tail, size - tail.length);
    one(dir, 'big.xml', body);
    const r = runJson(['big.xml'], { cwd: dir, timeout: 30_000 });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = onlyFatal(r.results);
    expect([m.line, m.column]).toEqual([1, 1]);
    expect(m.message).toBe(`is too large (${size} bytes; the limit is ${16 * 1024 * 1024})`);
  });

  it('a 15 MB domain XML (under the limit) is linted whole: the finding after the bulk is found', () => {
    const dir = tempDir();
    const lines = 15 * 1024 * 1024 / 64;
    const filler = `${'x'.repeat(63)}\n`.repeat(lines);
    one(dir, 'large.xml', `<domain type='kvm'>\n<name>large</name>\n<description>\n${filler}</description>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`);
    const r = runJson(['large.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(0);
    // 3 lines of head, `lines` of filler, then </description>, <devices>, the hostdev, and the balloon.
    expect(r.results[0]!.messages.map((x) => [x.ruleId, x.line, x.column])).toEqual([['memballoon-present', 3 + lines + 4, 13]]);
  });
});

describe('bytes that are not UTF-8 text', () => {
  it('invalid UTF-8: a fatal finding at the bad byte, with its line and column', () => {
    const dir = tempDir();
    // Line 1 is 20 bytes with its newline; on line 2, two spaces, <name> and "caf" come before the Latin-1 é (byte 31).
    one(dir, 'latin1.xml', Buffer.concat([Buffer.from('<domain type="kvm">\n  <name>caf'), Buffer.from([0xe9]), Buffer.from('</name>\n</domain>\n')]));
    const r = runJson(['latin1.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = onlyFatal(r.results);
    expect([m.line, m.column, m.message]).toEqual([2, 12, 'not valid UTF-8 (at byte 31)']);
  });

  it('invalid UTF-8 after a UTF-8 BOM: the byte counts the BOM, the column does not', () => {
    const dir = tempDir();
    one(dir, 'bom.xml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<domain type="kvm">\n  <name>caf'), Buffer.from([0xe9]), Buffer.from('</name>\n</domain>\n')]));
    const m = onlyFatal(runJson(['bom.xml'], { cwd: dir }).results);
    expect([m.line, m.column, m.message]).toEqual([2, 12, 'not valid UTF-8 (at byte 34)']);
  });

  it('a binary file named .xml: fatal at the first byte that is not UTF-8', () => {
    const dir = tempDir();
    // An ELF header: 0x7f 'E' 'L' 'F' 2 1 1 0 0 0 are all valid UTF-8; 0xff (byte 10) is not.
    one(dir, 'blob.xml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]));
    const r = runJson(['blob.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(1);
    const m = onlyFatal(r.results);
    expect([m.line, m.column, m.message]).toEqual([1, 11, 'not valid UTF-8 (at byte 10)']);
  });

  it('a truncated UTF-16 file (odd byte count): fatal at its end', () => {
    const dir = tempDir();
    one(dir, 'odd.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<domain/>', 'utf16le'), Buffer.from([0x41])]));
    const m = onlyFatal(runJson(['odd.xml'], { cwd: dir }).results);
    // 2 + 18 + 1 = 21 bytes; the last whole character ends at column 10.
    expect([m.line, m.column, m.message]).toEqual([1, 10, 'truncated UTF-16LE text (at byte 20)']);
  });

  for (const [encoding, bom] of [['utf-16le', [0xff, 0xfe]], ['utf-16be', [0xfe, 0xff]]] as const) {
    it(`${encoding.toUpperCase()} with a BOM: linted like UTF-8 (same positions), and --fix writes it back in ${encoding.toUpperCase()} with its BOM`, () => {
      const dir = tempDir();
      const text = `<domain type='kvm'>\n<name>wide ☃</name>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`;
      const encode = (s: string) => {
        const le = Buffer.from(s, 'utf16le');
        if (encoding === 'utf-16be') le.swap16();
        return Buffer.concat([Buffer.from(bom), le]);
      };
      const file = one(dir, 'wide.xml', encode(text));
      const r = runJson(['wide.xml'], { cwd: dir });
      expectNoCrash(r);
      expect(r.results[0]!.messages.map((x) => [x.ruleId, x.line, x.column])).toEqual([['memballoon-present', 5, 13]]);
      const fixed = runCli(['--fix', '--no-config', 'wide.xml'], { cwd: dir });
      expectNoCrash(fixed);
      expect(fixed.code).toBe(0);
      expect(readFileSync(file).equals(encode(text.replace("model='virtio'", "model='none'")))).toBe(true);
    });
  }

  it('CRLF and mixed line endings: lines count \\n, \\r\\n and a lone \\r, and --fix keeps each line ending', () => {
    const dir = tempDir();
    const text = `<domain type='kvm'>\n<name>x</name>\r\n<devices>\r${HOSTDEV}\n<memballoon model='virtio'/>\r\n</devices>\n</domain>\r\n`;
    const file = one(dir, 'mixed.xml', text);
    const r = runJson(['mixed.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.results[0]!.messages.map((x) => [x.ruleId, x.line, x.column])).toEqual([['memballoon-present', 5, 13]]);
    runCli(['--fix', '--no-config', 'mixed.xml'], { cwd: dir });
    expect(readFileSync(file, 'utf8')).toBe(text.replace("model='virtio'", "model='none'"));
  });

  it('an all-CRLF domain: the inserted line ends in CRLF too', () => {
    const dir = tempDir();
    const cpu = "<cpu mode='host-model'>\r\n    <topology sockets='1' cores='4' threads='2'/>\r\n  </cpu>";
    const file = one(dir, 'crlf.xml', `<domain type='kvm'>\r\n  <name>x</name>\r\n  ${cpu}\r\n</domain>\r\n`);
    one(dir, 'caps.xml', readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'desktop', 'capabilities.xml')));
    runCli(['--fix', '--fix-suggestions', '--no-config', 'crlf.xml', 'caps.xml'], { cwd: dir });
    const out = readFileSync(file, 'utf8');
    expect(out).toContain("<feature policy='require' name='topoext'/>\r\n");
    expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});
