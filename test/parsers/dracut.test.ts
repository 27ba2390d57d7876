import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decode } from '../../src/core/source.js';
import { parseShellVars } from '../../src/parsers/shell-vars/index.js';
import { parseDracut, dracutConfig } from '../../src/parsers/initramfs/dracut.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { fuzzParams } from '../helpers/fuzz.js';

const pick = (e: { text: string; file: number; start: number; end: number }) => [e.text, e.file, e.start, e.end];

describe('dracut: lists', () => {
  it('reads add_drivers+=" m " words with exact ranges', () => {
    // add_drivers 0..10 +11 =12 "13 sp14 vfio 15..18 sp19 vfio_pci 20..27 sp28 "29
    const f = parseDracut('add_drivers+=" vfio vfio_pci "\n');
    expect(f.problems).toEqual([]);
    expect(f.config.addDrivers.entries.map((e) => [...pick(e), e.module, e.verbatim])).toEqual([
      ['vfio', 0, 15, 19, 'vfio', true],
      ['vfio_pci', 0, 20, 28, 'vfio_pci', true],
    ]);
    expect(f.config.addDrivers.value?.text).toBe(' vfio vfio_pci ');
    expect(f.config.addDrivers.assignments.map((a) => a.assignment.operator)).toEqual(['+=']);
  });

  it('reads every list variable and normalizes driver names only', () => {
    const c = parseDracut(
      ['force_drivers+=" vfio-pci "', 'omit_drivers+=" nouveau "', 'drivers="a"', 'add_dracutmodules+=" systemd-pcrextend "', 'omit_dracutmodules+=" plymouth "', 'dracutmodules="base"'].join('\n'),
    ).config;
    expect(c.forceDrivers.entries.map((e) => [e.text, e.module])).toEqual([['vfio-pci', 'vfio_pci']]);
    expect(c.omitDrivers.entries.map((e) => e.text)).toEqual(['nouveau']);
    expect(c.drivers.entries.map((e) => e.text)).toEqual(['a']);
    expect(c.addDracutModules.entries.map((e) => e.text)).toEqual(['systemd-pcrextend']);
    expect(c.omitDracutModules.entries.map((e) => e.text)).toEqual(['plymouth']);
    expect(c.dracutModules.entries.map((e) => e.text)).toEqual(['base']);
    expect(c.addDrivers).toMatchObject({ entries: [], value: undefined });
  });

  it('reads hostonly: only exactly "yes" enables it', () => {
    expect(parseDracut('hostonly="yes" \n').config.hostonly).toMatchObject({ value: 'yes', enabled: true });
    expect(parseDracut('hostonly=no').config.hostonly).toMatchObject({ value: 'no', enabled: false });
    expect(parseDracut('hostonly=" yes"').config.hostonly).toMatchObject({ enabled: false });
    expect(parseDracut('compress=zstd').config.hostonly).toBeUndefined();
  });

  it('a later plain = replaces the list', () => {
    const c = parseDracut('add_drivers+=" a "\nadd_drivers=" b "').config;
    expect(c.addDrivers.entries.map((e) => e.text)).toEqual(['b']);
    expect(c.addDrivers.assignments).toHaveLength(1);
  });
});

describe('dracut: += spacing (dracut-list-spacing)', () => {
  it('a += that glues onto the previous word is an error at its value', () => {
    // line 1: add_drivers 0..10 +=11..12 "13 sp14 a15 "16 NL17; line 2: add_drivers 18..28 +=29..30 "31 b32 sp33 "34
    const f = parseDracut('add_drivers+=" a"\nadd_drivers+="b "');
    expect(f.problems.map((p) => [p.code, p.severity, p.start, p.end])).toEqual([
      ['dracut-list-spacing', 'warning', 13, 17],
      ['dracut-list-spacing', 'error', 31, 35],
    ]);
    expect(f.problems[1]!.message).toContain("'ab'");
    // and the glued word is what dracut sees
    const e = f.config.addDrivers.entries;
    expect(e.map((x) => [x.text, x.file, x.start, x.end, x.verbatim])).toEqual([['ab', 0, 15, 33, false]]);
  });

  it('glue across drop-in files is reported in the file that glues', () => {
    const c = dracutConfig([parseShellVars('add_drivers+="vfio"'), parseShellVars('add_drivers+="nvidia"')]);
    // add_drivers+= is 13 chars, the quoted value spans 13..19 and 13..21
    expect(c.problems.map((p) => [p.file, p.severity, p.start, p.end])).toEqual([
      [0, 'warning', 13, 19],
      [1, 'error', 13, 21],
    ]);
    expect(c.addDrivers.entries.map((e) => e.text)).toEqual(['vfionvidia']);
  });

  it('no problem with spaces at both ends, tabs count as spaces, = is never checked', () => {
    expect(parseDracut('force_drivers+=" vfio vfio_pci \t"\nadd_drivers+=" x "').problems).toEqual([]);
    expect(parseDracut('add_drivers="vfio"\nadd_drivers+=" x "').problems).toEqual([]);
  });

  it('checks every key, as dracut does (install_items of JohnPreston)', () => {
    const f = parseDracut('install_items+="/usr/bin/x /usr/bin/y"');
    expect(f.problems.map((p) => [p.code, p.severity])).toEqual([['dracut-list-spacing', 'warning']]);
  });

  it('a dracut file that also holds modprobe lines still parses on its own', () => {
    const f = parseDracut('options vfio-pci ids=10de:1b80\nadd_drivers+=" vfio "\n');
    expect(f.problems).toEqual([]);
    expect(f.shell.statements.map((s) => [s.kind, s.command])).toEqual([
      ['command', 'options'],
      ['assignment', undefined],
    ]);
    expect(f.config.addDrivers.entries.map((e) => e.text)).toEqual(['vfio']);
  });
});

describe.skipIf(!corpusAvailable())('dracut: corpus', () => {
  const entries = corpusAvailable() ? corpusEntries('dracut') : [];
  const read = (p: string) => parseDracut(readFileSync(entries.find((x) => x.path === p)!.abs, 'utf8'));

  it.each(entries.map((e) => [e.path, e.abs]))('%s', (_path, abs) => {
    const d = decode(readFileSync(abs));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const f = parseDracut(d.text);
    expect(f.problems.filter((p) => p.code !== 'dracut-list-spacing')).toEqual([]);
    const c = f.config;
    for (const list of [c.addDrivers, c.forceDrivers, c.omitDrivers, c.drivers, c.addDracutModules, c.omitDracutModules, c.dracutModules]) {
      for (const e of list.entries) {
        expect(e.file).toBe(0);
        expect(e.verbatim).toBe(true);
        expect(d.text.slice(e.start, e.end)).toBe(e.text);
      }
    }
    for (const p of f.problems) expect(d.text.slice(p.start, p.end).startsWith('"')).toBe(true);
  });

  it('JohnPreston: two values without surrounding spaces', () => {
    const f = read('real-world/JohnPreston__fedora30-kvm-nvidia-passthrough/etc/dracut.conf.d/vfio.conf');
    expect(f.problems.map((p) => [p.code, p.severity])).toEqual([
      ['dracut-list-spacing', 'warning'],
      ['dracut-list-spacing', 'warning'],
    ]);
    expect(f.config.addDrivers.entries.map((e) => e.module)).toEqual(['vfio_pci', 'vfio', 'vfio_iommu_type1', 'vfio_virqfd']);
  });

  it('mwyvr: hostonly and force_drivers', () => {
    const c = read('real-world/mwyvr__vfio-void-linux/etc/dracut.conf.d/wabbit.conf').config;
    expect(c.hostonly).toMatchObject({ value: 'yes', enabled: true });
    expect(c.forceDrivers.entries.map((e) => e.text)).toEqual(['vfio', 'vfio_pci', 'vfio_iommu_type1', 'vfio_virqfd']);
    expect(c.omitDrivers.entries.map((e) => e.text)).toEqual(['nouveau']);
  });
});

describe('dracut: properties', () => {
  it('never throws on arbitrary text; entries and problems are in bounds', () => {
    const pieces = ['add_drivers+="', 'add_drivers="', 'force_drivers+=', '"', ' ', '\n', 'vfio', '$(', '#', "'", '\\'];
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((p) => p.join('')));
    fc.assert(
      fc.property(text, (t) => {
        const f = parseDracut(t);
        for (const p of f.problems) expect(0 <= p.start && p.start <= p.end && p.end <= t.length).toBe(true);
        for (const e of f.config.addDrivers.entries.concat(f.config.forceDrivers.entries)) {
          expect(0 <= e.start && e.start <= e.end && e.end <= t.length).toBe(true);
          if (e.verbatim) expect(t.slice(e.start, e.end)).toBe(e.text);
        }
      }),
      fuzzParams(),
    );
  });

  it('generated += lines: glue errors exactly where raw concatenation joins two words', () => {
    const value = fc.tuple(fc.constantFrom('', ' ', '  '), fc.array(fc.constantFrom('a', 'vfio', 'b_c'), { minLength: 1, maxLength: 3 }), fc.constantFrom('', ' '));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), (values) => {
        const lines = values.map(([lead, words, trail]) => `add_drivers+="${lead}${words.join(' ')}${trail}"`);
        const text = lines.join('\n');
        const f = parseDracut(text);
        let raw = '';
        const want: Array<[string, number]> = [];
        let lineStart = 0;
        values.forEach(([lead, words, trail], i) => {
          const v = lead + words.join(' ') + trail;
          const valueStart = lineStart + 'add_drivers+='.length;
          if (raw !== '' && !raw.endsWith(' ') && lead === '') want.push(['error', valueStart]);
          else if (lead === '' || trail === '') want.push(['warning', valueStart]);
          raw += v;
          lineStart += lines[i]!.length + 1;
        });
        expect(f.problems.map((p) => [p.severity, p.start])).toEqual(want);
        expect(f.config.addDrivers.entries.map((e) => e.text)).toEqual(raw.split(' ').filter((w) => w !== ''));
      }),
      fuzzParams(),
    );
  });
});
