import { isXmlKind, type ParsedFile } from '../model/machine.js';
import { dropinOrder, type Shadowed } from './precedence.js';
import { MODPROBE_DIRS, SYSCTL_DIRS } from './discover.js';
import type { CmdlineSource, InitramfsConfig, ModprobeFact, ModuleFact, SysctlFact, VfioId } from './facts.js';
import { cmdlineSources, initramfsConfigs, moduleListFacts, modprobeFacts, sysctlFacts } from './adapt.js';
import { splitVfioIds } from './vfio-ids.js';

/**
 * The host's effective configuration: every file read in the order and with
 * the precedence the real tools use, reduced to facts that keep the token
 * they came from.
 */
export interface HostModel {
  cmdlines: CmdlineSource[];
  modprobe: { effective: ParsedFile[]; shadowed: Shadowed[]; facts: ModprobeFact[] };
  sysctl: { effective: ParsedFile[]; shadowed: Shadowed[]; assignments: SysctlFact[]; values: Map<string, SysctlFact> };
  initramfs: InitramfsConfig[];
  /** modules-load.d and /etc/modules: loaded at boot by systemd-modules-load (which honours `blacklist`). */
  modulesLoad: ModuleFact[];
  /**
   * The ids vfio-pci will claim and where they are set. kmod appends options
   * from the kernel command line after modprobe.d's, so `vfio-pci.ids=` there
   * wins over `options vfio-pci ids=` (catalog 1.2).
   */
  vfioIds: { ids: VfioId[]; from: 'cmdline' | 'modprobe' } | undefined;
}

export function buildHostModel(files: readonly ParsedFile[]): HostModel {
  const usable = files.filter((f) => !f.fatal && !isXmlKind(f.kind));
  // A domain linted alone (an editor, lintText): nothing to order or merge.
  if (usable.length === 0) {
    return { cmdlines: [], modprobe: { effective: [], shadowed: [], facts: [] }, sysctl: { effective: [], shadowed: [], assignments: [], values: new Map() }, initramfs: [], modulesLoad: [], vfioIds: undefined };
  }
  const modprobe = dropinOrder(usable.filter((f) => f.kind === 'modprobe'), MODPROBE_DIRS);
  const modprobeFactsList = modprobe.effective.flatMap(modprobeFacts);

  // /etc/sysctl.conf is read after the drop-ins (procps' order; Debian's 99-sysctl.conf link puts it nearly last too).
  const sysctlFiles = usable.filter((f) => f.kind === 'sysctl');
  const main = sysctlFiles.filter((f) => f.systemPath === '/etc/sysctl.conf');
  const sysctl = dropinOrder(sysctlFiles.filter((f) => f.systemPath !== '/etc/sysctl.conf'), SYSCTL_DIRS);
  const sysctlEffective = [...sysctl.effective, ...main];
  const assignments = sysctlEffective.flatMap(sysctlFacts);
  const values = new Map<string, SysctlFact>();
  for (const a of assignments) values.set(a.key, a);

  const cmdlines = cmdlineSources(usable);
  const modulesLoad = usable.filter((f) => f.kind === 'modules-load').flatMap(moduleListFacts);

  return {
    cmdlines,
    modprobe: { ...modprobe, facts: modprobeFactsList },
    sysctl: { effective: sysctlEffective, shadowed: sysctl.shadowed, assignments, values },
    initramfs: initramfsConfigs(usable),
    modulesLoad,
    vfioIds: effectiveVfioIds(cmdlines, modprobeFactsList),
  };
}

function effectiveVfioIds(cmdlines: readonly CmdlineSource[], facts: readonly ModprobeFact[]): HostModel['vfioIds'] {
  // The configured boot (not /proc/cmdline, which is what the last boot had) decides the next one.
  for (const source of cmdlines) {
    if (source.kind === 'proc-cmdline') continue;
    const param = source.params.filter((p) => p.key === 'vfio_pci.ids' && p.value !== undefined && !p.afterDashDash).at(-1);
    if (param) return { ids: splitVfioIds(param), from: 'cmdline' };
  }
  for (let i = facts.length - 1; i >= 0; i--) {
    const f = facts[i]!;
    if (f.keyword !== 'options' || f.module !== 'vfio_pci') continue;
    const ids = f.options.filter((o) => o.key === 'ids' && o.value !== undefined).at(-1);
    if (ids) return { ids: splitVfioIds(ids), from: 'modprobe' };
  }
  return undefined;
}
