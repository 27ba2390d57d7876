import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import { parseModprobe, logicalLines, normalizeModuleName, sameModule } from '../../src/parsers/modprobe/index.js';
import type { ModprobeCommand, ModprobeFile } from '../../src/parsers/modprobe/index.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

type Ranged = { start: number; end: number };

function isRanged(v: unknown): v is Ranged & Record<string, unknown> {
  return typeof v === 'object' && v !== null && typeof (v as Ranged).start === 'number' && typeof (v as Ranged).end === 'number';
}

/**
 * Walk a command: every ranged node is in bounds and inside its parent; a node marked
 * verbatim slices to its text (`raw` for kernel params, `text` for words).
 */
function checkNode(src: string, node: Ranged & Record<string, unknown>, parent: Ranged): void {
  expect(0).toBeLessThanOrEqual(node.start);
  expect(node.start).toBeLessThanOrEqual(node.end);
  expect(node.end).toBeLessThanOrEqual(src.length);
  expect(parent.start).toBeLessThanOrEqual(node.start);
  expect(node.end).toBeLessThanOrEqual(parent.end);
  if (node.verbatim === true) {
    const own = typeof node.raw === 'string' ? node.raw : node.text;
    expect(src.slice(node.start, node.end)).toBe(own);
  }
  if (typeof node.nameStart === 'number') {
    const n = node as unknown as { nameStart: number; nameEnd: number; valueStart: number; valueEnd: number };
    expect(node.start <= n.nameStart && n.nameStart <= n.nameEnd && n.nameEnd <= n.valueStart && n.valueStart <= n.valueEnd && n.valueEnd <= node.end).toBe(true);
  }
  for (const v of Object.values(node)) {
    const kids = Array.isArray(v) ? v : [v];
    for (const k of kids) if (isRanged(k)) checkNode(src, k, node);
  }
}

function checkFile(src: string, f: ModprobeFile): void {
  const whole = { start: 0, end: src.length };
  let prev = 0;
  for (const c of f.commands) {
    checkNode(src, c as unknown as Ranged & Record<string, unknown>, whole);
    expect(c.start).toBeGreaterThanOrEqual(prev);
    prev = c.end;
  }
  for (const c of f.comments) checkNode(src, c as unknown as Ranged & Record<string, unknown>, whole);
  for (const p of f.problems) checkNode(src, p as unknown as Ranged & Record<string, unknown>, whole);
}

const one = (src: string): ModprobeCommand => {
  const f = parseModprobe(src);
  expect(f.commands).toHaveLength(1);
  return f.commands[0]!;
};
const codes = (src: string) => parseModprobe(src).problems.map((p) => [p.code, p.start, p.end]);

describe('logical lines (kmod freadline_wrapped)', () => {
  it('joins backslash-newline with no space and maps every character back', () => {
    const [l] = logicalLines('ab\\\ncd\n');
    expect(l!.text).toBe('abcd');
    expect([l!.start, l!.end]).toEqual([0, 6]);
    expect([0, 1, 2, 3].map((i) => l!.origin(i))).toEqual([0, 1, 4, 5]);
  });

  it('turns backslash-other into the other character and drops a backslash at EOF', () => {
    expect(logicalLines('a\\b\\\\c\\').map((l) => l.text)).toEqual(['ab\\c']);
  });

  it('keeps a carriage return (kmod does not strip it)', () => {
    expect(logicalLines('x\r\ny').map((l) => l.text)).toEqual(['x\r', 'y']);
  });
});

describe('parseModprobe: options', () => {
  it('joins a continuation inside a value: ids=1\\<NL>0de:1b80 is ids=10de:1b80', () => {
    const src = 'options vfio-pci ids=1\\\n0de:1b80\n';
    const c = one(src);
    expect(c.type).toBe('options');
    if (c.type !== 'options') return;
    expect(c.start).toBe(0);
    expect(c.end).toBe(32);
    expect(c.module).toMatchObject({ text: 'vfio-pci', name: 'vfio_pci', start: 8, end: 16, verbatim: true });
    expect(c.args).toMatchObject({ text: 'ids=10de:1b80', start: 17, end: 32, verbatim: false });
    expect(c.params).toHaveLength(1);
    expect(c.params[0]).toMatchObject({ raw: 'ids=10de:1b80', name: 'ids', value: '10de:1b80', start: 17, end: 32, nameEnd: 20, valueStart: 21, valueEnd: 32, verbatim: false });
    expect(c.accepted).toBe(true);
    checkFile(src, parseModprobe(src));
  });

  it('tokenizes options like the kernel (quotes stripped, several params)', () => {
    const src = 'options vfio-pci ids="10de:1b80,10de:10f0" disable_vga=1';
    const c = one(src);
    if (c.type !== 'options') throw new Error('not options');
    expect(c.params.map((p) => [p.key, p.value, p.valueStart, p.valueEnd])).toEqual([
      ['ids', '10de:1b80,10de:10f0', 22, 41],
      ['disable_vga', '1', 55, 56],
    ]);
  });

  it('accepts tabs and leading whitespace before the command', () => {
    const c = one('  options\tvfio-pci\tids=1');
    if (c.type !== 'options') throw new Error('not options');
    expect(c.keyword).toMatchObject({ text: 'options', start: 2, end: 9 });
    expect(c.module).toMatchObject({ start: 10, end: 18 });
    expect(c.args).toMatchObject({ text: 'ids=1', start: 19, end: 24 });
  });

  it('flags a trailing comment: it becomes module parameters', () => {
    const src = 'options bluetooth disable_ertm=1 #xbox';
    const c = one(src);
    if (c.type !== 'options') throw new Error('not options');
    expect(c.params.map((p) => p.raw)).toEqual(['disable_ertm=1', '#xbox']);
    expect(codes(src)).toEqual([['modprobe-trailing-comment', 33, 38]]);
  });

  it('options with the module name missing: the parameter is read as the module', () => {
    const src = 'options ignore_msrs=1';
    const c = one(src);
    expect(c).toMatchObject({ type: 'options', accepted: false, args: undefined, params: [] });
    expect(codes(src)).toEqual([['modprobe-missing-module', 8, 21]]);
    // With more words, kmod accepts the line for a module literally named "ids=1".
    const d = one('options ids=1 disable_vga=1');
    expect(d.accepted).toBe(true);
    expect(codes('options ids=1 disable_vga=1')).toEqual([['modprobe-missing-module', 8, 13]]);
  });

  it('options without parameters', () => {
    expect(one('options vfio-pci').accepted).toBe(false);
    expect(codes('options vfio-pci')).toEqual([['modprobe-missing-args', 0, 16]]);
    // One trailing delimiter leaves kmod an empty rest: still rejected.
    expect(one('options vfio-pci ').accepted).toBe(false);
    // Two leave it a blank rest: kmod keeps the line, but there is nothing in it.
    expect(one('options vfio-pci  ').accepted).toBe(true);
    expect(codes('options vfio-pci  ')).toEqual([['modprobe-missing-args', 17, 18]]);
    expect(codes('options')).toEqual([['modprobe-missing-module', 0, 7]]);
  });
});

describe('parseModprobe: comments and bad lines', () => {
  it('a comment needs # in column 0; an indented # is a bad line', () => {
    const src = '# ok\n  # x\n';
    const f = parseModprobe(src);
    expect(f.comments).toEqual([
      { start: 0, end: 4, body: ' ok' },
      { start: 7, end: 10, body: ' x' },
    ]);
    expect(f.commands).toHaveLength(1);
    expect(f.commands[0]).toMatchObject({ type: 'unknown', accepted: false, keyword: { text: '#', start: 7, end: 8 } });
    expect(codes(src)).toEqual([['modprobe-bad-line', 7, 10]]);
  });

  it('a comment ending in a backslash swallows the next line', () => {
    const f = parseModprobe('# a \\\noptions x y=1\n');
    expect(f.commands).toEqual([]);
    expect(f.comments).toEqual([{ start: 0, end: 19, body: ' a options x y=1' }]);
  });

  it('an escaped # at the start still makes a comment', () => {
    expect(parseModprobe('\\#foo').comments).toEqual([{ start: 0, end: 5, body: 'foo' }]);
  });

  it('unknown and deprecated commands', () => {
    const src = 'add_drivers+="vfio_pci"\ninclude /etc/foo\n';
    const f = parseModprobe(src);
    expect(f.commands.map((c) => [c.type, c.accepted])).toEqual([
      ['unknown', false],
      ['deprecated', false],
    ]);
    expect(f.problems.map((p) => [p.code, p.severity, p.start, p.end])).toEqual([
      ['modprobe-unknown-command', 'error', 0, 23],
      ['modprobe-deprecated-command', 'warning', 24, 40],
    ]);
  });

  it('reports a CRLF file once; the \\r stays in the last word', () => {
    const src = 'blacklist nouveau\r\nblacklist nvidia\r\n';
    const f = parseModprobe(src);
    expect(f.commands.map((c) => (c.type === 'blacklist' ? c.module?.text : ''))).toEqual(['nouveau\r', 'nvidia\r']);
    expect(codes(src)).toEqual([['modprobe-crlf', 17, 18]]);
  });
});

describe('parseModprobe: blacklist, alias, install', () => {
  it('blacklist with extra words: only the first counts; a trailing # note is harmless', () => {
    const c = one('blacklist nouveau nvidia');
    expect(c).toMatchObject({ type: 'blacklist', module: { name: 'nouveau', start: 10, end: 17 } });
    expect(codes('blacklist nouveau nvidia')).toEqual([['modprobe-extra-words', 18, 24]]);
    expect(codes('blacklist nouveau # gpu')).toEqual([]);
    expect(codes('blacklist')).toEqual([['modprobe-missing-module', 0, 9]]);
  });

  it('backslash escapes inside a word keep the word range', () => {
    const c = one('blacklist no\\uveau');
    expect(c).toMatchObject({ module: { text: 'nouveau', start: 10, end: 18, verbatim: false } });
    const d = one('blacklist foo\\');
    expect(d).toMatchObject({ module: { text: 'foo', start: 10, end: 13, verbatim: true } });
  });

  it('alias normalizes both sides, except inside brackets', () => {
    const c = one('alias foo[a-b]-x vfio-pci');
    expect(c).toMatchObject({ type: 'alias', pattern: { name: 'foo[a-b]_x', start: 6, end: 16 }, module: { name: 'vfio_pci', start: 17, end: 25 } });
    expect(codes('alias foo')).toEqual([['modprobe-missing-module', 0, 9]]);
  });

  it('rejects an unmatched bracket', () => {
    expect(one('blacklist vfio]x').accepted).toBe(false);
    expect(codes('blacklist vfio]x')).toEqual([['modprobe-unmatched-bracket', 10, 16]]);
  });

  it('install keeps the shell command exactly', () => {
    const c = one('install vfio-pci /usr/bin/vfio-pci-override.sh # hook');
    expect(c).toMatchObject({ type: 'install', module: { name: 'vfio_pci' }, command: { text: '/usr/bin/vfio-pci-override.sh # hook', start: 17, end: 53 } });
    expect(codes('install vfio-pci /x # hook')).toEqual([]);
    expect(codes('remove vfio-pci')).toEqual([['modprobe-missing-args', 0, 15]]);
  });
});

describe('parseModprobe: softdep and weakdep', () => {
  it('pre: glued to a module is not a marker', () => {
    const c = one('softdep a pre:b');
    expect(c).toMatchObject({ type: 'softdep', pre: [], post: [], unused: [{ text: 'pre:b', start: 10, end: 15 }], markers: [] });
    expect(codes('softdep a pre:b')).toEqual([['modprobe-softdep-marker', 10, 15]]);
  });

  it('modules before the first marker are ignored', () => {
    const c = one('softdep a b pre: c');
    expect(c).toMatchObject({ unused: [{ text: 'b', start: 10, end: 11 }], pre: [{ text: 'c', start: 17, end: 18 }], markers: [{ text: 'pre:', start: 12, end: 16 }] });
    expect(codes('softdep a b pre: c')).toEqual([['modprobe-softdep-unused', 10, 11]]);
  });

  it('collects pre and post lists and normalizes names', () => {
    const c = one('softdep nvidia pre: vfio vfio-pci post: snd-hda-intel');
    if (c.type !== 'softdep') throw new Error('not softdep');
    expect(c.module?.name).toBe('nvidia');
    expect(c.pre.map((m) => m.name)).toEqual(['vfio', 'vfio_pci']);
    expect(c.post.map((m) => m.name)).toEqual(['snd_hda_intel']);
    expect(codes('softdep nvidia pre: vfio vfio-pci post: snd-hda-intel')).toEqual([]);
  });

  it('a trailing comment on softdep becomes dependencies', () => {
    const src = 'softdep drm pre: vfio-pci # load first';
    const c = one(src);
    if (c.type !== 'softdep') throw new Error('not softdep');
    expect(c.pre.map((m) => m.text)).toEqual(['vfio-pci', '#', 'load', 'first']);
    expect(codes(src)).toEqual([['modprobe-trailing-comment', 26, 38]]);
  });

  it('weakdep lists its modules', () => {
    const c = one('weakdep a b\tc');
    expect(c).toMatchObject({ type: 'weakdep', deps: [{ text: 'b', start: 10, end: 11 }, { text: 'c', start: 12, end: 13 }] });
    expect(codes('softdep a')).toEqual([['modprobe-missing-args', 0, 9]]);
  });
});

describe('module names', () => {
  it('normalizes like kmod underscores()', () => {
    expect(normalizeModuleName('snd-hda-intel')).toEqual({ name: 'snd_hda_intel', unmatchedBracket: false });
    expect(normalizeModuleName('a[0-9]-b')).toEqual({ name: 'a[0-9]_b', unmatchedBracket: false });
    expect(normalizeModuleName('a[0-9')).toEqual({ name: 'a[0-9', unmatchedBracket: true });
    expect(normalizeModuleName('a]-b')).toEqual({ name: 'a]_b', unmatchedBracket: true });
    expect(sameModule('vfio-pci', 'vfio_pci')).toBe(true);
  });
});

describe('corpus: modprobe files', () => {
  const entries = corpusAvailable() ? corpusEntries('modprobe') : [];
  const read = (abs: string): string => {
    const d = decode(readFileSync(abs));
    if (!d.ok) throw new Error(`${abs}: ${d.message}`);
    return d.text;
  };

  it.skipIf(entries.length === 0)('parses every file with exact, nested ranges', () => {
    expect(entries.length).toBeGreaterThanOrEqual(157);
    let commands = 0;
    for (const e of entries) {
      const src = read(e.abs);
      const f = parseModprobe(src);
      checkFile(src, f);
      commands += f.commands.length;
      // No corpus file uses continuations or escapes, so every word must be a verbatim copy.
      for (const c of f.commands) {
        expect(c.keyword.verbatim).toBe(true);
        if (c.type === 'options') for (const p of c.params) expect(p.verbatim, e.path).toBe(true);
      }
      for (const c of f.comments) if (src[c.start] === '#') expect(src.slice(c.start + 1, c.end)).toBe(c.body);
    }
    expect(commands).toBeGreaterThan(300);
  });

  it.skipIf(entries.length === 0)('finds the real mistakes the corpus README lists', () => {
    const file = (frag: string) => {
      const e = entries.find((x) => x.path.includes(frag))!;
      return parseModprobe(read(e.abs));
    };
    const dracut = file('JohnPreston__fedora30-kvm-nvidia-passthrough/etc/modprobe.d/vfio.conf');
    expect(dracut.problems.some((p) => p.code === 'modprobe-unknown-command')).toBe(true);
    const misspelt = file('smartperson__ubuntu-x570-qemu-setup/etc/modprobe.d/vfio.conf');
    const params = misspelt.commands.flatMap((c) => (c.type === 'options' ? c.params.map((p) => p.key) : []));
    expect(params).toContain('diable_vga');
    const trailing = file('Alkeryn__dotfiles_root/etc/modprobe.d/mod.conf');
    expect(trailing.problems.map((p) => p.code)).toContain('modprobe-trailing-comment');
  });
});

describe('properties', () => {
  const pieces = fc.constantFrom(
    'options', 'blacklist', 'alias', 'install', 'remove', 'softdep', 'weakdep', 'include', ' ', '\t', '\n', '\r', '\\', '\\\n',
    '#', 'vfio-pci', 'ids=10de:1b80', '"', '=', 'pre:', 'post:', 'pre:x', '[', ']', 'a-b', '\ud83d\ude00',
  );
  const grammarish = fc.array(pieces, { maxLength: 50 }).map((a) => a.join(''));
  const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), grammarish);

  it('never throws; ranges in bounds, nested, verbatim nodes slice to their text', () => {
    fc.assert(
      fc.property(anyText, (src) => {
        checkFile(src, parseModprobe(src));
      }),
      fuzzParams(),
    );
  });

  it('without backslashes every word is verbatim', () => {
    fc.assert(
      fc.property(grammarish.map((s) => s.replaceAll('\\', '')), (src) => {
        const f = parseModprobe(src);
        for (const c of f.commands) {
          expect(c.keyword.verbatim).toBe(true);
          if (c.type === 'options') for (const p of c.params) expect(p.verbatim).toBe(true);
        }
      }),
      fuzzParams(),
    );
  });

  it('logical lines cover the text in order and map each character to an equal file character', () => {
    fc.assert(
      fc.property(anyText, (src) => {
        let prev = 0;
        for (const l of logicalLines(src)) {
          expect(l.start).toBeGreaterThanOrEqual(prev);
          prev = l.end;
          for (let i = 0; i < l.text.length; i++) expect(src[l.origin(i)]).toBe(l.text[i]);
        }
      }),
      fuzzParams(),
    );
  });
});
