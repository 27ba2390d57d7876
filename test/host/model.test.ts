import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import type { Loc } from '../../src/core/range.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
const texts = new Map<string, string>();
/** A parsed file whose text `at` can find again. */
const f = (kind: FileKind, systemPath: string, text: string) => {
  texts.set(systemPath, text);
  return file(kind, systemPath, text);
};
const at = (l: Loc | undefined) => (l ? texts.get(l.path)!.slice(l.start, l.end) : undefined);

describe('buildHostModel: the files as the host\'s tools read them (model.ts, adapt.ts)', () => {
  it('every command line on its own: GRUB, then kernel-install\'s (/etc before /usr/lib, only the first), loader entries, /proc/cmdline last', () => {
    const host = buildHostModel([
      f('proc-cmdline', '/proc/cmdline', 'BOOT_IMAGE=/vmlinuz quiet\n'),
      f('bls-entry', '/boot/loader/entries/b.conf', 'title B\noptions b=1\n'),
      f('kernel-cmdline', '/usr/lib/kernel/cmdline', 'u=1\n'),
      f('kernel-cmdline', '/etc/kernel/cmdline', 'e=1\n'),
      f('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="g=1"\n'),
      f('bls-entry', '/boot/loader/entries/a.conf', 'options a=1\noptions a=2\n'),
    ]);
    expect(host.cmdlines.map((c) => [c.kind, c.label, c.params.map((p) => at(p.loc)).join(' ')])).toEqual([
      ['grub', '/etc/default/grub', 'g=1'],
      ['kernel-cmdline', '/etc/kernel/cmdline', 'e=1'],
      ['bls-entry', 'loader entry /boot/loader/entries/b.conf', 'b=1'],
      ['bls-entry', 'loader entry /boot/loader/entries/a.conf', 'a=1 a=2'],
      ['proc-cmdline', '/proc/cmdline', 'BOOT_IMAGE=/vmlinuz quiet'],
    ]);
    expect(host.configuredCmdlines.map((c) => c.kind)).toEqual(['grub', 'kernel-cmdline', 'bls-entry', 'bls-entry']);
    expect(host.boot?.kind).toBe('grub');
    const usrOnly = buildHostModel([f('kernel-cmdline', '/usr/lib/kernel/cmdline', 'u=1\n')]);
    expect(usrOnly.cmdlines.map((c) => c.label)).toEqual(['/usr/lib/kernel/cmdline']);
    const usrFirst = buildHostModel([f('kernel-cmdline', '/usr/lib/kernel/cmdline', 'u=1\n'), f('kernel-cmdline', '/etc/kernel/cmdline', 'e=1\n')]);
    expect(usrFirst.cmdlines.map((c) => c.label)).toEqual(['/etc/kernel/cmdline']);
    const etcFirst = buildHostModel([f('kernel-cmdline', '/etc/kernel/cmdline', 'e=1\n'), f('kernel-cmdline', '/usr/lib/kernel/cmdline', 'u=1\n')]);
    expect(etcFirst.cmdlines.map((c) => c.label)).toEqual(['/etc/kernel/cmdline']);
    // Only /proc/cmdline: it is the boot the rules see, and nothing is configured.
    const proc = buildHostModel([f('proc-cmdline', '/proc/cmdline', 'quiet\n')]);
    expect([proc.boot?.kind, proc.configuredCmdlines]).toEqual(['proc-cmdline', []]);
    expect(buildHostModel([]).boot).toBeUndefined();
    expect(buildHostModel([]).cmdlines).toEqual([]);
  });

  it('modprobe.d commands kmod takes, each with its parts; lines kmod ignores give none', () => {
    const text = [
      'blacklist nouveau',
      'install nvidia /bin/false',
      'remove nvidia /sbin/modprobe -r nvidia_drm',
      'softdep nvidia-drm pre: vfio-pci snd_hda_intel post: nvidia_uvm',
      'options vfio-pci ids=10de:2684 disable_vga=1',
      'alias pci:v000010DEd* vfio-pci',
      'weakdep nvidia nvidia_uvm',
      'include /etc/other.conf',
      'frobnicate x',
      'blacklist',
      'options vfio-pci',
      '',
    ].join('\n');
    const host = buildHostModel([f('modprobe', '/etc/modprobe.d/x.conf', text)]);
    const facts = host.modprobe.facts;
    expect(facts.map((x) => `${x.keyword} ${x.module} @${at(x.moduleLoc)} [${at(x.loc)}]`)).toEqual([
      'blacklist nouveau @nouveau [blacklist nouveau]',
      'install nvidia @nvidia [install nvidia /bin/false]',
      'remove nvidia @nvidia [remove nvidia /sbin/modprobe -r nvidia_drm]',
      'softdep nvidia_drm @nvidia-drm [softdep nvidia-drm pre: vfio-pci snd_hda_intel post: nvidia_uvm]',
      'options vfio_pci @vfio-pci [options vfio-pci ids=10de:2684 disable_vga=1]',
      'alias vfio_pci @vfio-pci [alias pci:v000010DEd* vfio-pci]',
      'weakdep nvidia @nvidia [weakdep nvidia nvidia_uvm]',
    ]);
    const [bl, inst, rem, soft, opts, alias, weak] = facts;
    expect([bl!.command, inst!.command, rem!.command, soft!.command, opts!.command]).toEqual([undefined, '/bin/false', '/sbin/modprobe -r nvidia_drm', undefined, undefined]);
    expect([soft!.pre, soft!.post, at(soft!.preAt)]).toEqual([['vfio_pci', 'snd_hda_intel'], ['nvidia_uvm'], 'pre:']);
    expect(soft!.depRefs.map((d) => `${d.role} ${d.module} ${d.name} ${at(d.loc)}`)).toEqual(['pre vfio_pci vfio-pci vfio-pci', 'pre snd_hda_intel snd_hda_intel snd_hda_intel', 'post nvidia_uvm nvidia_uvm nvidia_uvm']);
    expect(opts!.options.map((o) => `${o.key}=${o.value}@${at(o.loc)}`)).toEqual(['ids=10de:2684@ids=10de:2684', 'disable_vga=1@disable_vga=1']);
    for (const other of [bl, inst, rem, alias, weak]) expect([other!.pre, other!.post, other!.preAt, other!.depRefs, other!.options]).toEqual([[], [], undefined, [], []]);
    // A softdep with only post: has no pre: marker.
    const post = buildHostModel([f('modprobe', '/etc/modprobe.d/y.conf', 'softdep a post: b\n')]).modprobe.facts[0]!;
    expect([post.pre, post.post, post.preAt]).toEqual([[], ['b'], undefined]);
  });

  it('sysctl: drop-ins by precedence, then /etc/sysctl.conf; the last assignment of a key wins; lines without a value set nothing', () => {
    const host = buildHostModel([
      f('sysctl', '/etc/sysctl.conf', 'vm.swappiness = 1\n'),
      f('sysctl', '/usr/lib/sysctl.d/10-a.conf', 'vm.swappiness = 60\nkernel.sysrq = 16\n-net.x = 1\nvm.y =\n-vm.excluded\n'),
      f('sysctl', '/etc/sysctl.d/10-a.conf', 'kernel.sysrq = 1\n'),
      f('sysctl', '/etc/sysctl.d/20-b.conf', '-net.core.x = 5\nvm/nr_hugepages = 4\n-net.ipv4.conf.eth0.rp_filter\nvm.empty =\n'),
    ]);
    expect(host.sysctl.effective.map((x) => x.systemPath)).toEqual(['/etc/sysctl.d/10-a.conf', '/etc/sysctl.d/20-b.conf', '/etc/sysctl.conf']);
    expect(host.sysctl.shadowed.map((s) => s.file.systemPath)).toEqual(['/usr/lib/sysctl.d/10-a.conf']);
    expect(host.sysctl.assignments.map((a) => `${a.key}=${a.value}${a.ignoreFailure ? ' (-)' : ''}@${at(a.valueLoc)}|${at(a.loc)}`)).toEqual([
      'kernel.sysrq=1@1|kernel.sysrq = 1',
      'net.core.x=5 (-)@5|-net.core.x = 5',
      'vm.nr_hugepages=4@4|vm/nr_hugepages = 4',
      'vm.empty=@|vm.empty =',
      'vm.swappiness=1@1|vm.swappiness = 1',
    ]);
    expect(host.sysctl.values.get('vm.swappiness')?.file.systemPath).toBe('/etc/sysctl.conf');
    expect(host.sysctl.values.get('vm.nr_hugepages')?.value).toBe('4');
    // Only /etc/sysctl.conf.
    expect(buildHostModel([f('sysctl', '/etc/sysctl.conf', 'a = 1\n')]).sysctl.effective.map((x) => x.systemPath)).toEqual(['/etc/sysctl.conf']);
    expect(buildHostModel([]).sysctl).toEqual({ effective: [], shadowed: [], assignments: [], values: new Map() });
  });

  it('vfio-pci ids: the first configured command line that sets them, else the last modprobe.d options line with a value', () => {
    const modprobe = f('modprobe', '/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=1111:0001\noptions vfio_pci ids=2222:0002 ids\noptions vfio_pci disable_vga=1\noptions snd_hda_intel ids=3333:0003\n');
    expect(buildHostModel([modprobe]).vfioIds).toMatchObject({ from: 'modprobe', ids: [{ vendor: '2222', device: '0002' }] });
    const grub = f('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="vfio-pci.ids=4444:0004"\n');
    const kc = f('kernel-cmdline', '/etc/kernel/cmdline', 'vfio_pci.ids=5555:0005\n');
    expect(buildHostModel([modprobe, kc, grub]).vfioIds).toMatchObject({ from: 'cmdline', ids: [{ vendor: '4444', device: '0004' }] });
    // A first command line without them does not stop the search.
    const entry = f('bls-entry', '/boot/loader/entries/a.conf', 'options vfio_pci.ids=7777:0007\n');
    expect(buildHostModel([modprobe, f('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="quiet"\n'), entry]).vfioIds).toMatchObject({ from: 'cmdline', ids: [{ vendor: '7777' }] });
    // /proc/cmdline is what the last boot had: it decides nothing about the next one.
    expect(buildHostModel([modprobe, f('proc-cmdline', '/proc/cmdline', 'vfio_pci.ids=6666:0006\n')]).vfioIds?.ids[0]?.vendor).toBe('2222');
    expect(buildHostModel([f('modprobe', '/etc/modprobe.d/x.conf', 'options vfio_pci ids\nblacklist vfio_pci\n')]).vfioIds).toBeUndefined();
    expect(buildHostModel([]).vfioIds).toBeUndefined();
  });

  it('modules-load.d and the initramfs generators\' configurations; files that failed to parse and domains are not host facts', () => {
    const host = buildHostModel([
      f('modules-load', '/etc/modules-load.d/vfio.conf', 'vfio-pci\n# c\nkvmgt\n'),
      f('modules-load', '/etc/modules', 'vfio\n'),
      f('initramfs-modules', '/etc/initramfs-tools/modules', 'vfio_pci ids=1:2\nvfio\n'),
      f('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(vfio_pci vfio)\nHOOKS=(base udev modconf)\n'),
      f('dracut', '/etc/dracut.conf.d/10-vfio.conf', 'force_drivers+=" vfio_pci "\n'),
      f('domain', '/etc/libvirt/qemu/win.xml', '<domain type="kvm"><name>w</name></domain>'),
    ]);
    expect(host.modulesLoad.map((m) => `${m.name}:${m.module}@${at(m.loc)}`)).toEqual(['vfio-pci:vfio_pci@vfio-pci', 'kvmgt:kvmgt@kvmgt', 'vfio:vfio@vfio']);
    expect(host.initramfs.map((c) => [c.generator, c.early.map((m) => m.module), c.files.map((x) => x.systemPath)])).toEqual([
      ['mkinitcpio', ['vfio_pci', 'vfio'], ['/etc/mkinitcpio.conf']],
      ['dracut', ['vfio_pci'], ['/etc/dracut.conf.d/10-vfio.conf']],
      ['initramfs-tools', ['vfio_pci', 'vfio'], ['/etc/initramfs-tools/modules']],
    ]);
    const itools = host.initramfs[2]!;
    expect([itools.included, itools.hooks, itools.omitted, itools.extraFiles, itools.hostonly, itools.uncertain]).toEqual([[], [], [], [], undefined, false]);
    expect(at(itools.early[0]!.loc)).toBe('vfio_pci');
    expect(buildHostModel([f('modules-load', '/etc/modules', 'x\n')]).initramfs).toEqual([]);
    // Only the first capabilities file counts.
    const caps = (p: string, cpus: string) => f('capabilities', p, `<capabilities><host><topology><cells num='1'><cell id='0'><cpus num='1'>${cpus}</cpus></cell></cells></topology></host></capabilities>`);
    const two = buildHostModel([caps('/a.xml', "<cpu id='0'/><cpu id='1'/>"), caps('/b.xml', "<cpu id='0'/>")]);
    expect([two.capabilitiesFile?.systemPath, two.cpus?.count]).toEqual(['/a.xml', 2]);
    expect(buildHostModel([f('capabilities', '/c.xml', '<domain/>'), caps('/b.xml', "<cpu id='3'/>")]).cpus?.count).toBe(4);
    expect(buildHostModel([f('capabilities', '/c.xml', '<capabilities')]).capabilities).toBeUndefined();
  });
});

describe('initramfs configurations in the order their tools read them (initramfs.ts)', () => {
  it('mkinitcpio: mkinitcpio.conf then its drop-ins in version order; MODULES, HOOKS and FILES with their places', () => {
    const host = buildHostModel([
      f('mkinitcpio', '/etc/mkinitcpio.conf.d/10-b.conf', 'MODULES+=(b10)\n'),
      f('mkinitcpio', '/etc/mkinitcpio.conf.d/9-a.conf', 'MODULES+=(a9?)\nFILES=(/etc/modprobe.d/vfio.conf)\n'),
      f('mkinitcpio', '/etc/mkinitcpio.conf', 'MODULES=(vfio-pci)\nHOOKS=(base modconf)\n'),
    ]);
    const c = host.initramfs[0]!;
    expect(c.files.map((x) => x.systemPath)).toEqual(['/etc/mkinitcpio.conf', '/etc/mkinitcpio.conf.d/9-a.conf', '/etc/mkinitcpio.conf.d/10-b.conf']);
    expect(c.early.map((m) => `${m.name}:${m.module}@${m.file.systemPath}:${at(m.loc)}`)).toEqual([
      'vfio-pci:vfio_pci@/etc/mkinitcpio.conf:vfio-pci',
      'a9?:a9@/etc/mkinitcpio.conf.d/9-a.conf:a9?',
      'b10:b10@/etc/mkinitcpio.conf.d/10-b.conf:b10',
    ]);
    expect(c.hooks.map((h) => `${h.name}:${h.module}`)).toEqual(['base:base', 'modconf:modconf']);
    expect(c.extraFiles.map((x) => `${x.path}@${x.file.systemPath}:${at(x.loc)}`)).toEqual(['/etc/modprobe.d/vfio.conf@/etc/mkinitcpio.conf.d/9-a.conf:/etc/modprobe.d/vfio.conf']);
    expect([c.included, c.omitted, c.hostonly, c.uncertain]).toEqual([[], [], undefined, false]);
    for (const text of ['MODULES=($(ls))\n', 'HOOKS=($(ls))\n', 'FILES=($(ls))\n']) expect(buildHostModel([f('mkinitcpio', '/etc/mkinitcpio.conf', text)]).initramfs[0]!.uncertain, text).toBe(true);
  });

  it('dracut: dracut.conf, then drop-ins (an /etc one hides its /usr/lib namesake) in version order; each list and hostonly', () => {
    const host = buildHostModel([
      f('dracut', '/usr/lib/dracut/dracut.conf.d/10-x.conf', 'force_drivers+=" hidden "\n'),
      f('dracut', '/etc/dracut.conf.d/10-x.conf', 'force_drivers+=" vfio_pci "\nhostonly="no"\n'),
      f('dracut', '/usr/lib/dracut/dracut.conf.d/02-y.conf', 'add_drivers+=" kvm "\ndrivers+=" vfio "\nomit_drivers+=" nouveau "\ninstall_items+=" /etc/a.conf "\ninstall_optional_items+=" /etc/b.conf "\n'),
      f('dracut', '/etc/dracut.conf', 'hostonly="yes"\n'),
    ]);
    const c = host.initramfs[0]!;
    expect(c.generator).toBe('dracut');
    expect(c.files.map((x) => x.systemPath)).toEqual(['/etc/dracut.conf', '/usr/lib/dracut/dracut.conf.d/02-y.conf', '/etc/dracut.conf.d/10-x.conf']);
    expect(c.early.map((m) => m.module)).toEqual(['vfio_pci']);
    expect(c.included.map((m) => m.module)).toEqual(['kvm', 'vfio']);
    expect(c.omitted.map((m) => m.module)).toEqual(['nouveau']);
    expect(c.extraFiles.map((x) => x.path)).toEqual(['/etc/a.conf', '/etc/b.conf']);
    expect(c.hooks).toEqual([]);
    expect(c.hostonly?.enabled).toBe(false);
    expect(c.hostonly && `${c.hostonly.at.path}:${at(c.hostonly.at)}`).toBe('/etc/dracut.conf.d/10-x.conf:hostonly="no"');
    expect(c.uncertain).toBe(false);
    expect(buildHostModel([f('dracut', '/etc/dracut.conf', 'hostonly="yes"\n')]).initramfs[0]!.hostonly?.enabled).toBe(true);
    expect(buildHostModel([f('dracut', '/etc/dracut.conf', 'add_drivers+=" x "\n')]).initramfs[0]!.hostonly).toBeUndefined();
    for (const list of ['force_drivers', 'add_drivers', 'drivers', 'install_items', 'install_optional_items']) {
      expect(buildHostModel([f('dracut', '/etc/dracut.conf', `${list}+=" $(ls) "\n`)]).initramfs[0]!.uncertain, list).toBe(true);
    }
    expect(buildHostModel([f('dracut', '/etc/dracut.conf', 'omit_drivers+=" $(ls) "\n')]).initramfs[0]!.uncertain).toBe(false);
  });
});

describe('buildHostModel without host files', () => {
  it('is one model for every lone domain, empty of host facts; any host file or running host makes its own', () => {
    const none = buildHostModel([]);
    expect(buildHostModel([])).toBe(none);
    expect([none.cmdlines, none.initramfs, none.modprobe.effective, none.sysctl.effective, none.capabilities, none.live]).toEqual([[], [], [], [], undefined, undefined]);
    const withGrub = buildHostModel([f('grub', '/etc/default/grub', 'GRUB_CMDLINE_LINUX="iommu=pt"\n')]);
    expect(withGrub).not.toBe(none);
    expect(withGrub.cmdlines).toHaveLength(1);
    expect(none.cmdlines).toEqual([]);
  });
});
