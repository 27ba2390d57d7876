import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { grubCmdline, grubSettings } from '../../src/host/grub.js';
import type { Loc } from '../../src/core/range.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const grub = (systemPath: string, text: string) => file('grub', systemPath, text);
const MAIN = '/etc/default/grub';
const dropin = (name: string, text: string) => grub(`/etc/default/grub.d/${name}`, text);
type Files = ReturnType<typeof grub>[];
/** Each parameter of the command line grub-mkconfig writes, with the file and the text it points at. */
const params = (files: Files) => {
  const texts = new Map(files.map((f) => [f.source.path, f.source.text]));
  const at = (l: Loc) => texts.get(l.path)!.slice(l.start, l.end);
  return grubCmdline(files)!.params.map((p) => `${p.loc.path.replace('/etc/default/', '')}:${at(p.loc)}${p.valueLoc ? `[${at(p.valueLoc)}]` : ''}`);
};

describe('grubCmdline: the command line grub-mkconfig writes (grub.ts)', () => {
  it('GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, from /etc/default/grub then grub.d in name order, each parameter where it is written', () => {
    const files = [
      dropin('20-b.cfg', 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT b=2"\n'),
      grub(MAIN, 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="iommu=pt"\n'),
      dropin('10-a.cfg', 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX a=1"\n'),
    ];
    expect(params(files)).toEqual(['grub:iommu=pt[pt]', 'grub.d/10-a.cfg:a=1[1]', 'grub:quiet', 'grub.d/20-b.cfg:b=2[2]']);
    const c = grubCmdline(files)!;
    expect(c.kind).toBe('grub');
    expect(c.label).toBe(MAIN);
    expect(c.file).toBe(files[1]);
  });

  it('/etc/sysconfig/grub is the main file where /etc/default/grub is absent; /etc/default/grub wins when both are given', () => {
    const sys = grub('/etc/sysconfig/grub', 'GRUB_CMDLINE_LINUX="rhgb quiet"\n');
    expect(grubCmdline([sys])).toMatchObject({ label: '/etc/sysconfig/grub', file: sys });
    const main = grub(MAIN, 'GRUB_CMDLINE_LINUX="x=1"\n');
    expect(grubCmdline([sys, main])).toMatchObject({ label: MAIN, file: main });
    expect(params([sys, main])).toEqual(['grub:x=1[1]']);
  });

  it('drop-ins alone: labelled by the first; neither variable set: no parameters; no GRUB file: undefined', () => {
    const d = dropin('50-a.cfg', 'GRUB_TIMEOUT=1\n');
    expect(grubCmdline([dropin('60-b.cfg', 'GRUB_TIMEOUT=2\n'), d])).toEqual({ kind: 'grub', label: '/etc/default/grub.d/50-a.cfg', file: d, params: [] });
    const only = [dropin('50-a.cfg', 'GRUB_CMDLINE_LINUX="a=1"\n'), dropin('40-b.cfg', 'GRUB_TIMEOUT=2\n')];
    expect(grubCmdline(only)).toMatchObject({ label: '/etc/default/grub.d/40-b.cfg', file: only[1] });
    expect(grubCmdline([file('kernel-cmdline', '/etc/kernel/cmdline', 'quiet\n')])).toBeUndefined();
    expect(grubCmdline([])).toBeUndefined();
  });

  it('a parameter from a variable points at the variable\'s value; one made of two files\' text has no single home and is left out', () => {
    expect(params([grub(MAIN, 'IDS="vfio-pci.ids=10de:2503"\nGRUB_CMDLINE_LINUX="quiet $IDS"\n')])).toEqual(['grub:quiet', 'grub:vfio-pci.ids=10de:2503[10de:2503]']);
    // `a` from the main file and `b=1` from the drop-in join into one token `ab=1`.
    expect(params([grub(MAIN, 'GRUB_CMDLINE_LINUX="x a"\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX}b=1 y"\n')])).toEqual(['grub:x', 'grub.d/10.cfg:y']);
    // Quoted pieces joined in one file: the token spans the quotes, its name and value point at their own text.
    expect(params([grub(MAIN, `GRUB_CMDLINE_LINUX="a=1 "'b=2'\n`)])).toEqual(['grub:a=1[1]', 'grub:b=2[2]']);
    expect(params([grub(MAIN, `GRUB_CMDLINE_LINUX="c="'3'\n`)])).toEqual(['grub:c="\'3[3]']);
    expect(params([grub(MAIN, `GRUB_CMDLINE_LINUX="c"'=3'\n`)])).toEqual(['grub:c"\'=3[3]']);
    // A value made of variables set earlier: the place is what is written in place, never a range that ends before it starts.
    const ids = grub(MAIN, 'A="10de:1"\nB="10de:2"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet vfio-pci.ids=$A,$B"\n');
    expect(params([ids])).toEqual(['grub:quiet', 'grub:vfio-pci.ids=']);
    const p = grubCmdline([ids])!.params[1]!;
    expect([p.name, p.value, p.loc.start < p.loc.end]).toEqual(['vfio-pci.ids', '10de:1,10de:2', true]);
  });
});

describe('grubSettings: the files as sourced, and drop-ins that discard what came before', () => {
  const overrides = (files: Files) =>
    grubSettings(files)!.overrides.map((o) => ({
      variable: o.variable,
      file: o.file.systemPath,
      name: o.file.source.text.slice(o.nameLoc.start, o.nameLoc.end),
      dropped: o.dropped.map((p) => `${p.loc.path}:${p.name}`),
      replaces: o.replaces && `${o.replaces.file.systemPath}@${o.replaces.nameLoc.start}`,
      wins: o.wins,
    }));

  it('a drop-in that sets a variable without its old value drops the earlier parameters, and says what it replaces and whether it is the last', () => {
    const files = [
      grub(MAIN, 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX="amd_iommu=on iommu=pt"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'),
      dropin('10-vfio.cfg', 'GRUB_CMDLINE_LINUX="iommu=pt vfio-pci.ids=1:2"\n'),
      dropin('20-more.cfg', 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX hugepages=4"\n'),
    ];
    const s = grubSettings(files)!;
    expect(s.files.map((f) => f.systemPath)).toEqual([MAIN, '/etc/default/grub.d/10-vfio.cfg', '/etc/default/grub.d/20-more.cfg']);
    expect(s.uncertain).toBe(false);
    expect(overrides(files)).toEqual([
      { variable: 'GRUB_CMDLINE_LINUX', file: '/etc/default/grub.d/10-vfio.cfg', name: 'GRUB_CMDLINE_LINUX', dropped: [`${MAIN}:amd_iommu`], replaces: `${MAIN}@15`, wins: false },
    ]);
    // The last to set it wins; GRUB_CMDLINE_LINUX_DEFAULT is checked the same way.
    expect(overrides([files[0]!, dropin('10.cfg', 'GRUB_CMDLINE_LINUX_DEFAULT="splash"\n')])).toEqual([
      { variable: 'GRUB_CMDLINE_LINUX_DEFAULT', file: '/etc/default/grub.d/10.cfg', name: 'GRUB_CMDLINE_LINUX_DEFAULT', dropped: [`${MAIN}:quiet`], replaces: `${MAIN}@58`, wins: true },
    ]);
  });

  it('a drop-in replacing another drop-in names it; the value it replaces must have been applied', () => {
    const files = [dropin('10.cfg', 'GRUB_CMDLINE_LINUX="a=1"\n'), dropin('20.cfg', 'GRUB_CMDLINE_LINUX="b=2"\n'), dropin('30.cfg', 'GRUB_CMDLINE_LINUX=x true\n')];
    expect(overrides(files)).toEqual([{ variable: 'GRUB_CMDLINE_LINUX', file: '/etc/default/grub.d/20.cfg', name: 'GRUB_CMDLINE_LINUX', dropped: ['/etc/default/grub.d/10.cfg:a'], replaces: '/etc/default/grub.d/10.cfg@0', wins: true }]);
  });

  it('no override: appending (+=, $VAR, ${VAR:+...}), a conditional assignment, an empty or kept old value, another variable, the main file itself', () => {
    const main = grub(MAIN, 'GRUB_CMDLINE_LINUX="a=1 b=2"\nGRUB_TIMEOUT=5\n');
    for (const text of [
      'GRUB_CMDLINE_LINUX+=" c=3"\n',
      'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX c=3"\n',
      'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX:+$GRUB_CMDLINE_LINUX }c=3"\n',
      'if [ -e /x ]; then GRUB_CMDLINE_LINUX="c=3"; fi\n',
      '[ -e /x ] && GRUB_CMDLINE_LINUX="c=3"\n',
      'GRUB_CMDLINE_LINUX="b=2 a=1 c=3"\n',
      'GRUB_TIMEOUT=1\nGRUB_CMDLINE_LINUX_DEFAULT="c=3"\n',
    ]) expect(overrides([main, dropin('10.cfg', text)]), text).toEqual([]);
    expect(overrides([grub(MAIN, 'GRUB_CMDLINE_LINUX=""\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="c=3"\n')])).toEqual([]);
    expect(overrides([grub(MAIN, 'GRUB_CMDLINE_LINUX="   "\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="c=3"\n')])).toEqual([]);
    expect(overrides([grub(MAIN, 'GRUB_CMDLINE_LINUX="a=1"\nGRUB_CMDLINE_LINUX="c=3"\n')])).toEqual([]);
    // Only Debian's and Ubuntu's grub-mkconfig sources grub.d: not after /etc/sysconfig/grub.
    expect(overrides([grub('/etc/sysconfig/grub', 'GRUB_CMDLINE_LINUX="a=1"\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="c=3"\n')])).toEqual([]);
    // An assignment that is only a command's environment changes nothing.
    expect(overrides([main, dropin('10.cfg', 'GRUB_CMDLINE_LINUX="c=3" true\n')])).toEqual([]);
  });

  it('uncertain when a command-line variable comes from a command or a condition; undefined without GRUB files', () => {
    expect(grubSettings([grub(MAIN, 'GRUB_CMDLINE_LINUX="$(cat /etc/x)"\n')])!.uncertain).toBe(true);
    expect(grubSettings([grub(MAIN, 'GRUB_CMDLINE_LINUX_DEFAULT="`cat /etc/x`"\n')])!.uncertain).toBe(true);
    expect(grubSettings([grub(MAIN, '[ -e /x ] && GRUB_CMDLINE_LINUX="a=1"\n')])!.uncertain).toBe(true);
    expect(grubSettings([grub(MAIN, 'GRUB_DISTRIBUTOR=`lsb_release -i -s`\nGRUB_CMDLINE_LINUX="a=1"\n')])!.uncertain).toBe(false);
    expect(grubSettings([grub(MAIN, 'GRUB_TIMEOUT=1\n')])!.uncertain).toBe(false);
    expect(grubSettings([])).toBeUndefined();
  });
});

describe('grub.ts: where each parameter is placed, and what a drop-in discards (cases at the edges)', () => {
  const overrides = (files: Files) => grubSettings(files)!.overrides.map((o) => `${o.variable} in ${o.file.systemPath}: ${o.dropped.map((p) => `${p.loc.path}:${p.name}`).join(' ')}`);

  it('an unreadable GRUB file is left out; the others still make the command line', () => {
    const unreadable = parseFile(sourceFile(MAIN, ''), 'grub', MAIN, { message: 'permission denied', offset: 0 });
    const d = dropin('10.cfg', 'GRUB_CMDLINE_LINUX="iommu=pt"\n');
    expect(params([unreadable, d])).toEqual(['grub.d/10.cfg:iommu=pt[pt]']);
    expect(grubCmdline([unreadable, d])).toMatchObject({ label: '/etc/default/grub.d/10.cfg', file: d });
    expect(grubSettings([unreadable, d])!.files).toEqual([d]);
  });

  it('the variables start empty: a drop-in that prepends the old value gets its parameter; an unset variable adds nothing', () => {
    expect(params([dropin('10.cfg', 'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX}iommu=pt"\n')])).toEqual(['grub.d/10.cfg:iommu=pt[pt]']);
    expect(params([dropin('10.cfg', 'GRUB_CMDLINE_LINUX_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT}quiet"\n')])).toEqual(['grub.d/10.cfg:quiet']);
    expect(params([grub(MAIN, 'unset GRUB_CMDLINE_LINUX\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')])).toEqual(['grub:quiet']);
    expect(grubCmdline([grub(MAIN, 'unset GRUB_CMDLINE_LINUX GRUB_CMDLINE_LINUX_DEFAULT\n')])).toMatchObject({ label: MAIN, params: [] });
    expect(grubSettings([grub(MAIN, 'unset GRUB_CMDLINE_LINUX\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n')])!.uncertain).toBe(false);
  });

  it('a token whose middle comes from an earlier file, or repeats a character, is placed at what is written in place', () => {
    // The drop-in's `a`, then `=1` from the main file (written further into its file), then the drop-in's `b`.
    const main = grub(MAIN, `${'#'.repeat(80)}\nGRUB_CMDLINE_LINUX="=1"\n`);
    expect(params([main, dropin('10.cfg', 'GRUB_CMDLINE_LINUX="a${GRUB_CMDLINE_LINUX}b"\n')])).toEqual(['grub.d/10.cfg:a']);
    // `$A$A$B`: the second `1` is the first one again, so the place is that one `1`.
    expect(params([grub(MAIN, 'A="1"\nB="0"\nGRUB_CMDLINE_LINUX="$A$A$B"\n')])).toEqual(['grub:1']);
    // A value wholly from a variable set earlier has no place, though the variable's text reads the same.
    expect(params([grub(MAIN, 'A="1"\nGRUB_CMDLINE_LINUX="x=$A"\n')])).toEqual(['grub:x=']);
  });

  it('a drop-in that replaces the value: a parameter whose value changed is dropped, one with no single home is not listed', () => {
    const main = grub(MAIN, 'GRUB_CMDLINE_LINUX="iommu=pt quiet"\n');
    expect(overrides([main, dropin('10.cfg', 'GRUB_CMDLINE_LINUX="iommu=on quiet"\n')])).toEqual([`GRUB_CMDLINE_LINUX in /etc/default/grub.d/10.cfg: ${MAIN}:iommu`]);
    expect(overrides([main, dropin('10.cfg', 'GRUB_CMDLINE_LINUX="iommu quiet"\n')])).toEqual([`GRUB_CMDLINE_LINUX in /etc/default/grub.d/10.cfg: ${MAIN}:iommu`]);
    // A flag is not the parameter with a value, whatever the value reads.
    expect(overrides([grub(MAIN, 'GRUB_CMDLINE_LINUX="x=undefined"\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="x"\n')])).toEqual([`GRUB_CMDLINE_LINUX in /etc/default/grub.d/10.cfg: ${MAIN}:x`]);
    // `a` from the main file and `b=1` from 10.cfg make `ab=1`, which no one file holds.
    const files = [grub(MAIN, 'GRUB_CMDLINE_LINUX="x a"\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX}b=1 y"\n'), dropin('20.cfg', 'GRUB_CMDLINE_LINUX="z=1"\n')];
    expect(overrides(files)).toEqual([`GRUB_CMDLINE_LINUX in /etc/default/grub.d/20.cfg: ${MAIN}:x /etc/default/grub.d/10.cfg:y`]);
    // Unset before the drop-in: there is nothing to discard.
    expect(overrides([grub(MAIN, 'GRUB_CMDLINE_LINUX="a=1"\nunset GRUB_CMDLINE_LINUX\n'), dropin('10.cfg', 'GRUB_CMDLINE_LINUX="c=3"\n')])).toEqual([]);
  });

  it('a value that expands the variable anywhere extends it, even where the expansion adds nothing here', () => {
    const main = grub(MAIN, 'GRUB_CMDLINE_LINUX="a=1 b=2"\n');
    for (const text of ['GRUB_CMDLINE_LINUX="${GRUB_CMDLINE_LINUX:+c=3}"\n', 'GRUB_CMDLINE_LINUX="c=3 ${OTHER:+$GRUB_CMDLINE_LINUX}"\n', 'GRUB_CMDLINE_LINUX=(c=3 "${OTHER:+$GRUB_CMDLINE_LINUX}")\n']) {
      expect(overrides([main, dropin('10.cfg', text)]), text).toEqual([]);
    }
    // Expanding another variable, or the variable's name as text, is no mention.
    expect(overrides([main, dropin('10.cfg', 'GRUB_CMDLINE_LINUX="c=3 ${OTHER:+GRUB_CMDLINE_LINUX} $GRUB_CMDLINE_LINUX_DEFAULT"\n')])).toEqual([
      `GRUB_CMDLINE_LINUX in /etc/default/grub.d/10.cfg: ${MAIN}:a ${MAIN}:b`,
    ]);
  });
});

describe('grub.ts: an empty value', () => {
  it('the place of a quoted empty value is between its quotes, as in a kernel command line file; an unquoted one is at the token\'s end', () => {
    const text = `GRUB_CMDLINE_LINUX='a="" b='\n`;
    const [a, b] = grubCmdline([grub(MAIN, text)])!.params;
    expect([a!.value, a!.valueLoc?.start, a!.valueLoc?.end]).toEqual(['', text.indexOf('""') + 1, text.indexOf('""') + 1]);
    expect([b!.value, b!.valueLoc?.start, b!.valueLoc?.end]).toEqual(['', text.indexOf("b='") + 2, text.indexOf("b='") + 2]);
    // Quotes the shell escapes: the place is after the opening one's backslash and quote, before the closing one's backslash.
    const escaped = 'GRUB_CMDLINE_LINUX="a=\\"\\""\n';
    const c = grubCmdline([grub(MAIN, escaped)])!.params[0]!;
    expect([c.value, c.valueLoc?.start, c.valueLoc?.end]).toEqual(['', escaped.indexOf('\\"') + 2, escaped.indexOf('\\"') + 2]);
  });
});
