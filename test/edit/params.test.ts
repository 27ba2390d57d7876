import { describe, it, expect } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseByKind } from '../../src/kinds/index.js';
import { buildHostModel } from '../../src/host/model.js';
import { applyEdits } from '../../src/engine/fix.js';
import { addKernelParam, addListItem, removeParam, renameParam, setParamValue } from '../../src/edit/params.js';
import type { FileKind } from '../../src/kinds/index.js';
import type { ParsedFile } from '../../src/model/file.js';

function file(kind: FileKind, systemPath: string, text: string): ParsedFile {
  const parsed = parseByKind(kind, text);
  return { source: sourceFile(systemPath, text), kind, systemPath, ast: parsed.ast, problems: parsed.problems, fatal: false, comments: parsed.comments };
}

function hostOf(...files: ParsedFile[]) {
  return buildHostModel(files);
}

const apply = (text: string, edit: { start: number; end: number; text: string; path: string } | undefined) => (edit ? applyEdits(text, [edit]) : undefined);

describe('addKernelParam', () => {
  it('adds inside the quotes of GRUB_CMDLINE_LINUX_DEFAULT, keeping the quote style', () => {
    const text = 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\nGRUB_CMDLINE_LINUX=""\n';
    const host = hostOf(file('grub', '/etc/default/grub', text));
    expect(apply(text, addKernelParam(host.boot!, 'intel_iommu=on'))).toBe('GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash intel_iommu=on"\nGRUB_CMDLINE_LINUX=""\n');
    const single = "GRUB_CMDLINE_LINUX_DEFAULT=''\n";
    expect(apply(single, addKernelParam(hostOf(file('grub', '/etc/default/grub', single)).boot!, 'iommu=pt'))).toBe("GRUB_CMDLINE_LINUX_DEFAULT='iommu=pt'\n");
  });

  it('uses the last plain assignment, and GRUB_CMDLINE_LINUX when there is no _DEFAULT', () => {
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT="a"\nGRUB_CMDLINE_LINUX_DEFAULT="b"\n';
    expect(apply(text, addKernelParam(hostOf(file('grub', '/etc/default/grub', text)).boot!, 'x'))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="a"\nGRUB_CMDLINE_LINUX_DEFAULT="b x"\n');
    const linux = 'GRUB_CMDLINE_LINUX="rhgb"\n';
    expect(apply(linux, addKernelParam(hostOf(file('grub', '/etc/default/grub', linux)).boot!, 'x'))).toBe('GRUB_CMDLINE_LINUX="rhgb x"\n');
  });

  it('refuses an assignment it cannot edit safely', () => {
    for (const text of ['GRUB_CMDLINE_LINUX_DEFAULT=quiet\n', 'GRUB_CMDLINE_LINUX_DEFAULT="$(cat /x)"\n', 'if true; then GRUB_CMDLINE_LINUX_DEFAULT="a"; fi\n', 'GRUB_CMDLINE_LINUX_DEFAULT="a"\'b\'\n']) {
      expect(addKernelParam(hostOf(file('grub', '/etc/default/grub', text)).boot!, 'x'), text).toBeUndefined();
    }
  });

  it('appends after the last parameter of /etc/kernel/cmdline and of a loader entry', () => {
    const cmdline = 'root=UUID=1 rw quiet\n';
    expect(apply(cmdline, addKernelParam(hostOf(file('kernel-cmdline', '/etc/kernel/cmdline', cmdline)).boot!, 'amd_iommu=force_isolation'))).toBe('root=UUID=1 rw quiet amd_iommu=force_isolation\n');
    const entry = 'title Arch\nlinux /vmlinuz-linux\noptions root=/dev/sda2 rw\n';
    expect(apply(entry, addKernelParam(hostOf(file('bls-entry', '/boot/loader/entries/arch.conf', entry)).boot!, 'iommu=pt'))).toBe('title Arch\nlinux /vmlinuz-linux\noptions root=/dev/sda2 rw iommu=pt\n');
  });

  it('never edits /proc/cmdline', () => {
    expect(addKernelParam(hostOf(file('proc-cmdline', '/proc/cmdline', 'quiet\n')).boot!, 'x')).toBeUndefined();
  });
});

describe('list and value edits', () => {
  const text = 'GRUB_CMDLINE_LINUX_DEFAULT="vfio-pci.ids=10de:2684 isolcpus= quiet"\n';
  const boot = () => hostOf(file('grub', '/etc/default/grub', text)).boot!;

  it('adds an item to a comma list, or makes the first item of an empty one', () => {
    expect(apply(text, addListItem(boot().get('vfio_pci.ids')!, '10de:22ba'))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="vfio-pci.ids=10de:2684,10de:22ba isolcpus= quiet"\n');
    expect(apply(text, addListItem(boot().get('isolcpus')!, '2-7'))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="vfio-pci.ids=10de:2684 isolcpus=2-7 quiet"\n');
  });

  it('replaces a value, and removes a parameter with one blank', () => {
    expect(apply(text, setParamValue(boot().get('vfio_pci.ids')!, '1002:744c'))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="vfio-pci.ids=1002:744c isolcpus= quiet"\n');
    const p = boot().all('quiet')[0]!;
    expect(apply(text, removeParam(p, undefined, p.source))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="vfio-pci.ids=10de:2684 isolcpus="\n');
  });

  it('removes a first parameter with the blanks after it, never the quote or a blank before it', () => {
    const remove = (t: string, key: string) => {
      const b = hostOf(file('grub', '/etc/default/grub', t)).boot!;
      const p = b.all(key)[0]!;
      return apply(t, removeParam(p, undefined, p.source));
    };
    expect(remove('GRUB_CMDLINE_LINUX_DEFAULT="amd_iommu=on  quiet"\n', 'amd_iommu')).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n');
    // A blank just after the opening quote stays; the one after the token goes.
    expect(remove('GRUB_CMDLINE_LINUX_DEFAULT=" amd_iommu=on quiet"\n', 'amd_iommu')).toBe('GRUB_CMDLINE_LINUX_DEFAULT=" quiet"\n');
    expect(remove("GRUB_CMDLINE_LINUX_DEFAULT=' \tamd_iommu=on quiet'\n", 'amd_iommu')).toBe("GRUB_CMDLINE_LINUX_DEFAULT=' \tquiet'\n");
    // A middle or last one takes the blanks before it (a tab too).
    expect(remove('GRUB_CMDLINE_LINUX_DEFAULT="quiet\tamd_iommu=on iommu=pt"\n', 'amd_iommu')).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\n');
    expect(remove('GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on"\n', 'amd_iommu')).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n');
    // The edit itself, not only its result: removing the blank after the quote or the one after the token
    // reads the same, but the edit's range decides what it conflicts with in a fix pass.
    const t = 'GRUB_CMDLINE_LINUX_DEFAULT=" amd_iommu=on quiet"\n';
    const q = hostOf(file('grub', '/etc/default/grub', t)).boot!.all('amd_iommu')[0]!;
    const e = removeParam(q, undefined, q.source)!;
    expect(t.slice(e.start, e.end)).toBe('amd_iommu=on ');
    const m = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet  amd_iommu=on iommu=pt"\n';
    const r = hostOf(file('grub', '/etc/default/grub', m)).boot!.all('amd_iommu')[0]!;
    const e2 = removeParam(r, undefined, r.source)!;
    expect(m.slice(e2.start, e2.end)).toBe('  amd_iommu=on');
    const cmdline = 'amd_iommu=on quiet\n';
    const p = hostOf(file('kernel-cmdline', '/etc/kernel/cmdline', cmdline)).boot!.all('amd_iommu')[0]!;
    expect(apply(cmdline, removeParam(p, undefined, p.source))).toBe('quiet\n');
  });
});

describe('removeParam on modprobe options and unwritten tokens', () => {
  it('deletes the options line when the parameter is its only one, else the token', () => {
    const text = 'options vfio enable_unsafe_noiommu_mode=1\noptions kvm ignore_msrs=1 report_ignored_msrs=0\n';
    const host = hostOf(file('modprobe', '/etc/modprobe.d/x.conf', text));
    const only = host.moduleParams('vfio', 'enable_unsafe_noiommu_mode')[0]!;
    expect(apply(text, removeParam(only.param, only.options, only.param.source))).toBe('options kvm ignore_msrs=1 report_ignored_msrs=0\n');
    const two = host.moduleParams('kvm', 'report_ignored_msrs')[0]!;
    expect(apply(text, removeParam(two.param, two.options, two.param.source))).toBe('options vfio enable_unsafe_noiommu_mode=1\noptions kvm ignore_msrs=1\n');
  });
});

describe('which duplicate the kernel uses', () => {
  it('keeps the first isolcpus, nohz_full and default_hugepagesz and the last of the rest; never one after --', () => {
    const t = 'GRUB_CMDLINE_LINUX_DEFAULT="isolcpus=2-3 isolcpus=4-5 nohz_full=1 nohz_full=2 rcu_nocbs=1 rcu_nocbs=2 default_hugepagesz=1G default_hugepagesz=2M iommu=pt iommu=off quiet -- iommu=on"\n';
    const b = hostOf(file('grub', '/etc/default/grub', t)).boot!;
    expect(['isolcpus', 'nohz_full', 'rcu_nocbs', 'default_hugepagesz', 'iommu'].map((k) => b.get(k)?.value)).toEqual(['2-3', '1', '2', '1G', 'off']);
    expect(b.get('quiet')).toBeUndefined();
    expect(b.all('quiet').map((p) => p.name)).toEqual(['quiet']);
    expect(b.all('iommu').map((p) => p.value)).toEqual(['pt', 'off']);
  });

  it('parses the CPU lists once, against the host CPU count when known', () => {
    const t = 'GRUB_CMDLINE_LINUX_DEFAULT="isolcpus=domain,managed_irq,2-N nohz_full=2-7 irqaffinity=0-1"\n';
    const b = hostOf(file('grub', '/etc/default/grub', t)).boot!;
    expect(b.cpuLists.isolcpus).toMatchObject({ flags: ['domain', 'managed_irq'], list: { kind: 'unresolved', token: 'N' } });
    expect(b.cpuLists.nohzFull?.list).toMatchObject({ kind: 'ok' });
    expect(b.cpuLists.rcuNocbs).toBeUndefined();
    expect(b.cpuLists).toBe(b.cpuLists);
  });
});

describe('edits where the text does not hold the parameter as the kernel reads it', () => {
  it('a quoted value: no removal or rename (the token is not written as name=value)', () => {
    const cmdline = 'dyndbg="file x +p" quiet\n';
    const p = hostOf(file('kernel-cmdline', '/etc/kernel/cmdline', cmdline)).boot!.all('dyndbg')[0]!;
    expect(p.value).toBe('file x +p');
    expect(removeParam(p, undefined, p.source)).toBeUndefined();
    expect(renameParam(p, 'dyndbg2')).toBeUndefined();
    // The value itself is written verbatim inside the quotes: it can still be replaced.
    expect(apply(cmdline, setParamValue(p, 'module vfio +p'))).toBe('dyndbg="module vfio +p" quiet\n');
  });

  it('a value assembled from two shell variables: no list, value, removal or rename edit', () => {
    const text = 'A="10de:2684"\nB="10de:22ba"\nGRUB_CMDLINE_LINUX_DEFAULT="vfio-pci.ids=$A,$B quiet"\n';
    const p = hostOf(file('grub', '/etc/default/grub', text)).boot!.get('vfio_pci.ids')!;
    expect(p.value).toBe('10de:2684,10de:22ba');
    expect(addListItem(p, '1002:744c')).toBeUndefined();
    expect(setParamValue(p, '1002:744c')).toBeUndefined();
    expect(removeParam(p, undefined, p.source)).toBeUndefined();
    expect(renameParam(p, 'vfio_pci.ids')).toBeUndefined();
  });

  it('a flag has no value to add a list item to', () => {
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n';
    expect(addListItem(hostOf(file('grub', '/etc/default/grub', text)).boot!.all('quiet')[0]!, 'x')).toBeUndefined();
  });

  it('renames a parameter written verbatim, keeping its value', () => {
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet rd.driver-pre=vfio-pci"\n';
    const p = hostOf(file('grub', '/etc/default/grub', text)).boot!.all('rd.driver_pre')[0]!;
    expect(apply(text, renameParam(p, 'rd.driver.pre'))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet rd.driver.pre=vfio-pci"\n');
  });
});

describe('removeParam at the start of a line and before a tab', () => {
  it('a first parameter followed by a tab takes the tab with it', () => {
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT="amd_iommu=on\tquiet"\n';
    const p = hostOf(file('grub', '/etc/default/grub', text)).boot!.all('amd_iommu')[0]!;
    expect(apply(text, removeParam(p, undefined, p.source))).toBe('GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n');
  });

  it('the first parameter of a continuation line keeps the line\'s indentation', () => {
    const text = 'options kvm \\\n\tignore_msrs=1 report_ignored_msrs=0\n';
    const host = hostOf(file('modprobe', '/etc/modprobe.d/kvm.conf', text));
    const p = host.moduleParams('kvm', 'ignore_msrs')[0]!;
    expect(apply(text, removeParam(p.param, p.options, p.param.source))).toBe('options kvm \\\n\treport_ignored_msrs=0\n');
  });

  it('a parameter after leading blanks at the start of the file takes them', () => {
    const text = ' \tamd_iommu=on quiet\n';
    const p = hostOf(file('kernel-cmdline', '/etc/kernel/cmdline', text)).boot!.all('amd_iommu')[0]!;
    expect(apply(text, removeParam(p, undefined, p.source))).toBe(' quiet\n');
  });
});

describe('addKernelParam: which assignment, and where nothing can be added', () => {
  it('skips an assignment that only prefixes a command (it sets nothing in the file)', () => {
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX_DEFAULT="debug" true\n';
    expect(apply(text, addKernelParam(hostOf(file('grub', '/etc/default/grub', text)).boot!, 'iommu=pt'))).toBe(
      'GRUB_CMDLINE_LINUX_DEFAULT="quiet iommu=pt"\nGRUB_CMDLINE_LINUX_DEFAULT="debug" true\n',
    );
  });

  it('an /etc/kernel/cmdline with no parameter gets none added (there is no line to add to)', () => {
    expect(addKernelParam(hostOf(file('kernel-cmdline', '/etc/kernel/cmdline', '\n')).boot!, 'iommu=pt')).toBeUndefined();
  });
});
