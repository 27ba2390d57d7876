import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import { parseShellVars } from '../../src/parsers/shell-vars/index.js';
import { parseMkinitcpio, mkinitcpioConfig, mkinitcpioModuleName, type MkinitcpioConfig } from '../../src/parsers/initramfs/mkinitcpio.js';
import { compareSortV, sortVersion } from '../../src/parsers/initramfs/shell-lists.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

const pick = (e: { text: string; file: number; start: number; end: number }) => [e.text, e.file, e.start, e.end];

describe('mkinitcpio: lists', () => {
  it('reads the array form with exact ranges and normalized module names', () => {
    // MODULES 0..6 =7 (8 vfio_pci 9..16 sp17 vfio-iommu-type1 18..33 sp34 nvidia? 35..41 sp42 foo.ko.zst 43..52 )53
    const f = parseMkinitcpio('MODULES=(vfio_pci vfio-iommu-type1 nvidia? foo.ko.zst)\n');
    expect(f.problems).toEqual([]);
    const m = f.config.modules;
    expect(m.form).toBe('array');
    expect(m.entries.map((e) => [e.text, e.module, e.optional, e.start, e.end, e.verbatim])).toEqual([
      ['vfio_pci', 'vfio_pci', false, 9, 17, true],
      ['vfio-iommu-type1', 'vfio_iommu_type1', false, 18, 34, true],
      ['nvidia?', 'nvidia', true, 35, 42, true],
      ['foo.ko.zst', 'foo', false, 43, 53, true],
    ]);
    expect(m.insertAt).toEqual({ file: 0, offset: 53, before: ')', noAutofix: false });
  });

  it('splits the old string form on whitespace, each word with its own range', () => {
    // MODULES 0..6 =7 "8 a9 sp10 sp11 b12 -13 c14 "15
    const m = parseMkinitcpio('MODULES="a  b-c"').config.modules;
    expect(m.form).toBe('string');
    expect(m.entries.map((e) => [e.text, e.module, e.start, e.end])).toEqual([
      ['a', 'a', 9, 10],
      ['b-c', 'b_c', 12, 15],
    ]);
    expect(m.insertAt).toEqual({ file: 0, offset: 15, before: '"', noAutofix: false });
  });

  it('an unquoted single word has no insertion point; an empty array has one', () => {
    const c = parseMkinitcpio('MODULES=vfio\nHOOKS=()').config;
    expect(c.modules.entries.map(pick)).toEqual([['vfio', 0, 8, 12]]);
    expect(c.modules.insertAt).toBeUndefined();
    expect(c.hooks).toMatchObject({ form: 'array', entries: [] });
    // HOOKS 13..17 =18 (19 )20
    expect(c.hooks.insertAt).toEqual({ file: 0, offset: 20, before: ')', noAutofix: false });
    expect(c.binaries.form).toBe('unset');
    expect(c.files.entries).toEqual([]);
  });

  it('keeps HOOKS names as written and skips comments inside the array', () => {
    // HOOKS 0..4 =5 (6 base 7..10 sp11 #12..18 NL19 sp20 sp21 sd-vconsole 22..32 NL33 )34
    const f = parseMkinitcpio('HOOKS=(base # first\n  sd-vconsole\n)');
    expect(f.config.hooks.entries.map(pick)).toEqual([
      ['base', 0, 7, 11],
      ['sd-vconsole', 0, 22, 33],
    ]);
    expect(f.comments).toEqual([{ start: 12, end: 19, body: ' first' }]);
    expect(f.config.hooks.insertAt?.offset).toBe(34);
  });

  it('drop-ins: += appends, = replaces, the last assignment is where fixes go', () => {
    const main = parseShellVars('MODULES=(a)\nHOOKS=(base udev)');
    // MODULES 0..6 +7 =8 (9 b10 )11
    const d1 = parseShellVars('MODULES+=(b)');
    // HOOKS 0..4 =5 (6 base 7..10 sp11 systemd 12..18 )19
    const d2 = parseShellVars('HOOKS=(base systemd)');
    const c = mkinitcpioConfig([main, d1, d2]);
    expect(c.modules.entries.map(pick)).toEqual([
      ['a', 0, 9, 10],
      ['b', 1, 10, 11],
    ]);
    expect(c.modules.assignments.map((a) => [a.file, a.assignment.operator])).toEqual([
      [0, '='],
      [1, '+='],
    ]);
    expect(c.modules.insertAt).toEqual({ file: 1, offset: 11, before: ')', noAutofix: false });
    expect(c.hooks.entries.map(pick)).toEqual([
      ['base', 2, 7, 11],
      ['systemd', 2, 12, 19],
    ]);
    expect(c.hooks.assignments.map((a) => a.file)).toEqual([2]);
  });

  it('expands ${MODULES[@]} of an earlier file', () => {
    const c = mkinitcpioConfig([parseShellVars('MODULES=(a b)'), parseShellVars('MODULES=(${MODULES[@]} x)')]);
    expect(c.modules.entries.map((e) => [e.text, e.file])).toEqual([
      ['a', 0],
      ['b', 0],
      ['x', 1],
    ]);
  });

  it('marks a list built by a command substitution uncertain', () => {
    const c: MkinitcpioConfig = parseMkinitcpio('MODULES=($(cat /etc/mods) vfio)').config;
    expect(c.modules.uncertain).toBe(true);
    expect(c.modules.entries.map((e) => e.text)).toEqual(['vfio']);
    expect(c.modules.insertAt?.noAutofix).toBe(true);
  });

  it("normalizes names like mkinitcpio's add_module", () => {
    expect(mkinitcpioModuleName('i2c-dev')).toEqual({ module: 'i2c_dev', optional: false });
    expect(mkinitcpioModuleName('vendor-reset?')).toEqual({ module: 'vendor_reset', optional: true });
    expect(mkinitcpioModuleName('nvidia.ko')).toEqual({ module: 'nvidia', optional: false });
    expect(mkinitcpioModuleName('a.ko.b.ko.xz')).toEqual({ module: 'a.ko.b', optional: false });
  });
});

describe('mkinitcpio: drop-in order (sort -V)', () => {
  it('orders like GNU sort -V', () => {
    const names = ['10-b.conf', '9-a.conf', 'a.conf', '1.conf', '01-x.conf', 'a~rc.conf', 'B.conf', '.hidden.conf', 'a1.conf', 'a10.conf', 'a2.conf'];
    expect(sortVersion(names, (s) => s)).toEqual(['.hidden.conf', '1.conf', '01-x.conf', '9-a.conf', '10-b.conf', 'B.conf', 'a~rc.conf', 'a.conf', 'a1.conf', 'a2.conf', 'a10.conf']);
    const versions = ['foo-1.0.conf', 'foo-1.0a.conf', 'foo-1.0~rc1.conf', 'foo-1.0.1.conf', 'foo.conf'];
    expect(sortVersion(versions, (s) => s)).toEqual(['foo.conf', 'foo-1.0~rc1.conf', 'foo-1.0.conf', 'foo-1.0a.conf', 'foo-1.0.1.conf']);
  });

  it('is a total order: antisymmetric and never 0 for distinct names', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const x = compareSortV(a, b);
        const y = compareSortV(b, a);
        expect(Math.sign(x) + Math.sign(y)).toBe(0);
        if (a !== b) expect(x).not.toBe(0);
      }),
      fuzzParams(),
    );
  });
});

describe.skipIf(!corpusAvailable())('mkinitcpio: corpus', () => {
  const entries = corpusAvailable() ? corpusEntries('mkinitcpio') : [];

  it.each(entries.map((e) => [e.path, e.abs]))('%s', (_path, abs) => {
    const d = decode(readFileSync(abs));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const f = parseMkinitcpio(d.text);
    expect(f.problems).toEqual([]);
    const c = f.config;
    for (const list of [c.modules, c.binaries, c.files, c.hooks]) {
      for (const e of list.entries) {
        expect(e.file).toBe(0);
        expect(e.verbatim).toBe(true);
        expect(d.text.slice(e.start, e.end)).toBe(e.text);
      }
      if (list.insertAt) expect(d.text[list.insertAt.offset]).toBe(list.insertAt.before);
      if (list.form !== 'unset') expect(list.insertAt).toBeDefined();
    }
    expect(c.hooks.entries.length).toBeGreaterThan(0);
  });

  it('reads the old string form of benwbooth/qemu', () => {
    const e = entries.find((x) => x.path === 'real-world/benwbooth__qemu/etc/mkinitcpio.conf')!;
    const c = parseMkinitcpio(readFileSync(e.abs, 'utf8')).config;
    expect(c.modules.form).toBe('string');
    expect(c.modules.entries.map((x) => x.module)).toEqual(['vfio', 'vfio_iommu_type1', 'vfio_pci', 'vfio_virqfd']);
    expect(c.hooks.form).toBe('string');
  });

  it('normalizes i2c-dev in droserasprout and spaces inside matsto641 parens', () => {
    const get = (p: string) => parseMkinitcpio(readFileSync(entries.find((x) => x.path === p)!.abs, 'utf8')).config.modules;
    expect(get('real-world/droserasprout__win10-vfio-configs/etc/mkinitcpio.conf').entries[0]).toMatchObject({ text: 'i2c-dev', module: 'i2c_dev' });
    expect(get('real-world/matsto641__identicalgpu-vfio-hooks/etc/mkinitcpio.conf').entries.map((x) => x.text)).toEqual(['vfio_pci', 'vfio', 'vfio_iommu_type1', 'vfio_virqfd']);
  });
});

describe('mkinitcpio: properties', () => {
  it('never throws on arbitrary text; entries and insertion points are in bounds', () => {
    const pieces = ['MODULES=(', 'MODULES+=(', 'MODULES="', 'HOOKS=(', ')', '"', "'", ' ', '\n', '#', 'a', 'b-c?', '$(', '${MODULES[@]}', '\\', '\\\n'];
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((p) => p.join('')));
    fc.assert(
      fc.property(text, (t) => {
        const c = parseMkinitcpio(t).config;
        for (const list of [c.modules, c.binaries, c.files, c.hooks]) {
          for (const e of list.entries) {
            expect(e.file === 0 || e.file === -1).toBe(true);
            expect(0 <= e.start && e.start <= e.end && e.end <= t.length).toBe(true);
            if (e.verbatim) expect(t.slice(e.start, e.end)).toBe(e.text);
          }
          if (list.insertAt) expect(t[list.insertAt.offset]).toBe(list.insertAt.before);
        }
      }),
      fuzzParams(),
    );
  });

  it('generated MODULES arrays give back each word with its exact range', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}\??$/);
    const gap = fc.constantFrom(' ', '  ', '\n', '\t', ' # c\n', ' \\\n ');
    fc.assert(
      fc.property(fc.array(fc.tuple(gap, word), { maxLength: 6 }), gap, fc.boolean(), (items, tail, quotedForm) => {
        let text = quotedForm ? 'MODULES="' : 'MODULES=(';
        const expected: Array<[string, number, number, string, boolean]> = [];
        for (const [g, w] of items) {
          // a comment cannot sit inside the string form
          text += quotedForm && g.includes('#') ? ' ' : g;
          const start = text.length;
          text += w;
          expected.push([w, start, text.length, w.replace(/\?$/, '').replaceAll('-', '_'), w.endsWith('?')]);
        }
        text += (quotedForm && tail.includes('#') ? ' ' : tail) + (quotedForm ? '"' : ')');
        const m = parseMkinitcpio(text).config.modules;
        expect(m.entries.map((e) => [e.text, e.start, e.end, e.module, e.optional])).toEqual(expected);
        expect(m.form).toBe(quotedForm ? 'string' : 'array');
        expect(m.insertAt?.offset).toBe(text.length - 1);
      }),
      fuzzParams(),
    );
  });
});
