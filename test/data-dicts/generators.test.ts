// The generators' readers on small inputs written for these tests (shaped like the real files, not
// copied from them), so a change to a reader is checked without the network or Debian packages.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const SCRIPTS = resolve(import.meta.dirname, '../../scripts/data');
// A computed specifier keeps the type checker out of the untyped .mjs files.
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(SCRIPTS, file)).href)) as T;

interface ParamEntry {
  value: string;
  tags?: string[];
  arch?: string[];
  format?: string;
  forms?: string[];
  values?: string[];
  valueTags?: Record<string, string[]>;
}

const LEGEND = [
  'Tags used below:',
  '',
  '\tACPI\tACPI support is enabled.',
  '\tX86-64\tX86-64 architecture is enabled.',
  '\tX86\tEither 32-bit or 64-bit x86 (same as X86-32+X86-64)',
  '\tPPC\tPowerPC architecture is enabled.',
  '\tIMA     Integrity measurement architecture is enabled.',
  '\tKNL\tIs a kernel start-up parameter.',
].join('\n');

const PARAMS = [
  '\tbeta=\t\t[X86,KNL] Picks a mode.',
  '\t\t\tFormat: { first | second |',
  '\t\t\t\t  third }',
  '',
  '\tgamma\t\t[KNL] A flag with no value.',
  '',
  '\tgamma=\t\t[KNL] The same name, now with a value.',
  '',
  '\tdelta=\t\t[HW]',
  '\t\ton',
  '\t\t\tTurns it on.',
  '\t\toff',
  '\t\t\tTurns it off.',
  '\t\tlate [PPC]',
  '\t\t\tOnly on one architecture.',
  '',
  '\tepsilon=\t[X86-64]',
  '\t\t\tOne of:',
  '\t\t\tfast  - quick, not careful',
  '\t\t\tslow -- careful',
  '\t\t\tThis line is prose and names nothing.',
  '',
  '\tzeta=nn[KMG,X86]',
  '\t\t\tA size.',
  '',
  '\teta.theta=',
  '\t\t\t[ACPI,X86]',
  '\t\t\tFormat: <int>',
  '',
  '\tiota=\t\t[IMA]',
  '\t\t\tnot a list:',
  '\t\t\tfirst word',
  '\t\t\tsecond',
  '\t\t\tthird',
  '\t\t\tEquivalent to: if x then y',
  '\t\t\t\t\tkeep=off [X86]',
  '\t\t\t\t\tnohz [PPC]',
  '\t\t\t\t\tnosmt [X86]',
  '',
  '\t<module>.kappa[=<bool>] [KNL]',
  '\t\t\tFor every module.',
].join('\n');

describe('kernel-parameters.txt reader', async () => {
  const { parseKernelParameters } = await load<{ parseKernelParameters(txt: string, rst: string): { params: Record<string, ParamEntry>; archTags: string[] } }>('kernel-params.mjs');
  const { params, archTags } = parseKernelParameters(PARAMS, LEGEND);
  it('takes architectures from the legend, not every "architecture" line', () => {
    expect(archTags).toEqual(['PPC', 'X86', 'X86-64']);
  });
  it('reads a braced Format: list that wraps', () => {
    expect(params.beta).toEqual({ value: 'required', tags: ['X86', 'KNL'], arch: ['X86'], format: '{ first | second | third }', values: ['first', 'second', 'third'] });
  });
  it('merges a name documented with and without a value', () => {
    expect(params.gamma!.value).toBe('optional');
  });
  it('maps each name with a dash from its spelling with underscores, the later of two alike winning', async () => {
    const { dashNames } = await load<{ dashNames(params: Record<string, unknown>): Record<string, string> }>('kernel-params.mjs');
    expect(dashNames({ 'no-kvmclock': {}, log_buf_len: {}, 'kvm-amd.nested': {}, quiet: {} })).toEqual({ no_kvmclock: 'no-kvmclock', 'kvm_amd.nested': 'kvm-amd.nested' });
    expect(dashNames({ 'a-b': {}, a_b: {} })).toEqual({});
    expect(dashNames({ a_b: {}, 'a-b': {} })).toEqual({ a_b: 'a-b' });
  });
  it('reads term-and-definition value lists with per-value tags', () => {
    expect(params.delta!.values).toEqual(['on', 'off', 'late']);
    expect(params.delta!.valueTags).toEqual({ late: ['PPC'] });
  });
  it('reads "word - text" and "word -- text" lists and skips prose', () => {
    expect(params.epsilon!.values).toEqual(['fast', 'slow']);
    expect(params.epsilon!.arch).toEqual(['X86-64']);
  });
  it('separates a unit from tags in one bracket, and keeps the heading form', () => {
    expect(params.zeta).toMatchObject({ tags: ['X86'], forms: ['zeta=nn[KMG,X86]'] });
    expect(params.zeta!.values).toBeUndefined();
  });
  it('takes tags from the line after a long name', () => {
    expect(params['eta.theta']).toMatchObject({ tags: ['ACPI', 'X86'], format: '<int>' });
  });
  it('does not take words alone on a line for values unless a definition follows them', () => {
    expect(params.iota!.values).toBeUndefined();
    expect(params.iota!.tags).toEqual(['IMA']);
  });
  it('keeps <module>.x patterns', () => {
    expect(params['<module>.kappa']).toMatchObject({ value: 'optional', forms: ['<module>.kappa[=<bool>]'] });
  });
});

describe('module dictionary merge', async () => {
  const { mergeKernels, normaliseModule } = await load<{
    mergeKernels(k: { release: string; modules: Map<string, { kind: string; dir?: string; params: Map<string, { description: string; type: string }> }> }[]): Record<string, Record<string, unknown>>;
    normaliseModule(n: string): string;
  }>('kernel-modules.mjs');
  const p = (entries: [string, string, string][]) => new Map(entries.map(([n, d, t]) => [n, { description: d, type: t }]));
  const merged = mergeKernels([
    { release: 'new', modules: new Map([['a', { kind: 'm', dir: 'x', params: p([['one', 'first', 'bool']]) }], ['b', { kind: 'y', params: p([]) }]]) },
    { release: 'old', modules: new Map([['a', { kind: 'm', dir: 'x', params: p([['one', 'first (old text)', 'bool'], ['gone', 'removed', 'int']]) }], ['c', { kind: 'm', dir: 'z', params: p([]) }]]) },
  ]);
  it('takes the newest kernel first and lists kernels only where they differ', () => {
    expect(merged.a).toEqual({ kind: 'm', dir: 'x', params: { gone: ['removed', 'int', [1]], one: ['first', 'bool'] } });
    expect(merged.b).toEqual({ kind: 'y', in: [0] });
    expect(merged.c).toEqual({ kind: 'm', dir: 'z', in: [1] });
  });
  it('normalises names as kmod does', () => {
    expect(normaliseModule('vfio-pci')).toBe('vfio_pci');
  });
});

describe('RELAX NG reader', async () => {
  const { buildSchemaModel, serialiseSchemaModel } = await load<{
    buildSchemaModel(path: string): unknown;
    serialiseSchemaModel(m: unknown): { root: Record<string, number[]>; namespaces: Record<string, string>; elements: { name: string; attributes?: string[]; children?: Record<string, number[]>; anyChildren?: string[]; text?: true }[] };
  }>('libvirt-schema.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-rng-'));
  mkdirSync(dir, { recursive: true });
  const RNG = 'xmlns="http://relaxng.org/ns/structure/1.0"';
  writeFileSync(
    join(dir, 'top.rng'),
    `<grammar ${RNG}><start><ref name="top"/></start>
      <include href="common.rng"><define name="replaced"><element name="kept"><empty/></element></define></include>
      <define name="extra" combine="choice"><attribute name="added"/></define></grammar>`,
  );
  writeFileSync(
    join(dir, 'common.rng'),
    `<grammar ${RNG}>
      <define name="top"><element name="top"><optional><attribute name="id"/></optional><interleave>
        <ref name="replaced"/><zeroOrMore><ref name="leaf"/></zeroOrMore><ref name="other"/><ref name="any"/>
        <element name="cmd" ns="urn:x:driver/1.0"><text/></element></interleave></element></define>
      <define name="replaced"><element name="dropped"><empty/></element></define>
      <define name="leaf"><element name="leaf"><choice><attribute name="a"/><attribute name="b"/></choice><ref name="extra"/><text/></element></define>
      <define name="extra"><attribute name="base"/></define>
      <define name="other"><element name="box"><element name="leaf"><attribute name="c"/></element></element></define>
      <define name="any"><element name="open"><zeroOrMore><element><anyName/><text/></element></zeroOrMore></element></define>
    </grammar>`,
  );
  const model = serialiseSchemaModel(buildSchemaModel(join(dir, 'top.rng')));
  rmSync(dir, { recursive: true, force: true });
  const top = model.elements[model.root.top![0]!]!;
  it('follows includes, with the including grammar replacing a define', () => {
    expect(Object.keys(top.children!).sort()).toEqual(['box', 'kept', 'leaf', 'ns0:cmd', 'open']);
  });
  it('unions attributes over choices and combined defines', () => {
    const leaf = model.elements[top.children!.leaf![0]!]!;
    expect(leaf.attributes).toEqual(['a', 'added', 'b', 'base']);
    expect(leaf.text).toBe(true);
  });
  it('keeps same-named elements in different places apart', () => {
    const box = model.elements[top.children!.box![0]!]!;
    expect(model.elements[box.children!.leaf![0]!]!.attributes).toEqual(['c']);
  });
  it('records wildcards and namespaces', () => {
    expect(model.elements[top.children!.open![0]!]!.anyChildren).toEqual(['any']);
    expect(model.namespaces).toEqual({ ns0: 'urn:x:driver/1.0' });
  });
});

describe('modules-extra check', async () => {
  const { checkModulesExtra } = await load<{ checkModulesExtra(e: object, m: object, r: string[]): string[] }>('modules-extra.mjs');
  it('stops a regeneration when a kernel gains an out-of-tree name or keeps an obsolete one', () => {
    const extra = { outOfTree: { nvidia: {} }, obsolete: { vfio_virqfd: {} } };
    expect(checkModulesExtra(extra, { vfio_virqfd: { kind: 'm', in: [1] } }, ['new', 'old'])).toEqual([]);
    expect(checkModulesExtra(extra, { vfio_virqfd: { kind: 'm' }, nvidia: { kind: 'm', dir: 'drivers/x' } }, ['new', 'old'])).toHaveLength(2);
  });
});

describe('PCI driver tables from modules.alias', async () => {
  const { pciDriverTables, driverDepends } = await load<{
    pciDriverTables(text: string): { byId: Record<string, string[]>; byClass: Record<string, string[]>; skipped: number };
    driverDepends(text: string, drivers: Iterable<string>): Record<string, string[]>;
  }>('pci-drivers.mjs');
  // Shaped like depmod's output: a device entry, class entries for one vendor and for all, a subsystem-only entry.
  const alias = [
    '# Aliases extracted from modules themselves.',
    'alias pci:v00001002d0000AB28sv*sd*bc*sc*i* snd_hda_intel',
    'alias pci:v00001002d*sv*sd*bc04sc03i00* snd_hda_intel',
    'alias pci:v00001002d*sv*sd*bc03sc00i00* amdgpu',
    'alias pci:v*d*sv*sd*bc0Csc03i30* xhci_pci',
    'alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau',
    'alias pci:v00008086d000056A0sv*sd*bc03sc*i* i915',
    'alias pci:v00008086d000056A0sv*sd*bc*sc*i* xe',
    'alias pci:v00001234d00005678sv00001111sd*bc*sc*i* board_only',
    'alias usb:v1D6Bp0002d*dc*dsc*dp*ic*isc*ip*in* some_usb',
    'alias acpi*:PNP0C09:* ec',
  ].join('\n');
  const t = pciDriverTables(alias);
  it('maps vendor:device to every driver that lists it, in lower case', () => {
    expect(t.byId['1002:ab28']).toEqual(['snd_hda_intel']);
    expect(t.byId['8086:56a0']).toEqual(['i915', 'xe']);
  });
  it('keeps class entries with as many class fields as the driver matches, per vendor or for all', () => {
    expect(t.byClass).toEqual({ '*:0c0330': ['xhci_pci'], '1002:030000': ['amdgpu'], '1002:040300': ['snd_hda_intel'], '10de:03': ['nouveau'] });
  });
  it('leaves out entries that name a subsystem, and counts them', () => {
    expect(Object.keys(t.byId)).not.toContain('1234:5678');
    expect(t.skipped).toBe(1);
  });
  it('reads modules.dep dependencies by module name for the drivers asked', () => {
    const dep = 'kernel/drivers/usb/host/xhci-pci.ko.xz: kernel/drivers/usb/host/xhci-hcd.ko.xz kernel/drivers/usb/core/usbcore.ko.xz\nkernel/sound/x.ko.xz:\n';
    expect(driverDepends(dep, ['xhci_pci', 'x'])).toEqual({ xhci_pci: ['xhci_hcd', 'usbcore'] });
  });
});
