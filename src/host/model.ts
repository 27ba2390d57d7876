import type { ParsedFile } from '../model/file.js';
import { isXmlKind } from '../kinds/index.js';
import { dropinOrder, type Shadowed } from './precedence.js';
import { MODPROBE_DIRS, SYSCTL_DIRS } from './dirs.js';
import type { CmdlineSource, HostCpus, HugepageConfig, InitramfsConfig, ModprobeFact, ModuleFact, SysctlFact, VfioId } from './facts.js';
import { cmdlineSources, initramfsConfigs, moduleListFacts, modprobeFacts, sysctlFacts } from './adapt.js';
import { splitVfioIds } from './vfio-ids.js';
import { capabilitiesView, type CapabilitiesView } from './capabilities.js';
import { hugepageConfig } from './hugepages.js';
import { modprobeQueries, moduleParamSettings, type ModprobeQueries, type ModuleParamSetting } from './modprobe.js';
import type { LiveHost } from './live.js';
import { grubSettings, type GrubSettings } from './grub.js';
import { grubConfigFacts, type GrubConfigFacts } from './boot-config.js';

/**
 * The host as the rules see it: every file read in the order and with the precedence the real
 * tools use, reduced to facts that keep the token they came from, and the questions that need
 * the host's own rules to answer (which duplicate wins, what a CPU list means) answered once.
 */
export interface HostModel {
  /** `virsh capabilities`, when given. */
  capabilities: CapabilitiesView | undefined;
  capabilitiesFile: ParsedFile | undefined;
  /** The host's CPUs, when a source tells them. */
  cpus: HostCpus | undefined;
  /** Every kernel command line given, each on its own (catalog 1.1.2). */
  cmdlines: CmdlineSource[];
  /** The command lines the configuration files set: every source but /proc/cmdline (what the last boot had). */
  configuredCmdlines: CmdlineSource[];
  /** The command line the next boot uses: the first configured source, else /proc/cmdline. */
  boot: CmdlineSource | undefined;
  modprobe: { effective: ParsedFile[]; shadowed: Shadowed[]; facts: ModprobeFact[] } & ModprobeQueries;
  /** Every place that sets `module.param` (modprobe.d, then the configured command lines), in the order the kernel applies them. */
  moduleParams(module: string, param: string): ModuleParamSetting[];
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
  /** The persistent huge page pools the configured boot reserves. */
  hugepages: HugepageConfig;
  /** /etc/default/grub and its grub.d drop-ins as grub-mkconfig sources them; undefined without them. */
  grub: GrubSettings | undefined;
  /** The generated /boot/grub/grub.cfg, when given (`boot-config.ts`). */
  grubCfg: GrubConfigFacts | undefined;
  /** The running host as booted (`--live` or a snapshot folder; `live.ts`); undefined when neither was given. */
  live: LiveHost | undefined;
  /**
   * Is `module` installed for the running kernel (modules.dep, DKMS modules such as nvidia included, or
   * built in)? Only the running host or a snapshot can say: undefined without them, never guessed.
   */
  moduleInstalled(module: string): boolean | undefined;
}

/** The model of a machine with no host files and no running host, made once (see buildHostModel). */
let noHost: HostModel | undefined;

export function buildHostModel(files: readonly ParsedFile[], live?: LiveHost): HostModel {
  // A lone domain (an editor's buffer, lintText, a folder of domains) has no host files: its model is
  // the same every time, so it is made once. Nothing writes to a model after it is built.
  if (files.length === 0 && live === undefined) return (noHost ??= modelOf(files, undefined));
  return modelOf(files, live);
}

function modelOf(files: readonly ParsedFile[], live: LiveHost | undefined): HostModel {
  let capabilitiesFile: ParsedFile | undefined;
  const usable: ParsedFile[] = [];
  for (const f of files) {
    if (f.fatal) continue;
    if (!isXmlKind(f.kind)) usable.push(f);
    else if (f.kind === 'capabilities' && f.ast.kind === 'xml' && f.ast.xml.root?.name === 'capabilities') capabilitiesFile ??= f;
  }
  const capabilities = capabilitiesFile && capabilitiesFile.ast.kind === 'xml' ? capabilitiesView(capabilitiesFile.ast.xml.root!) : undefined;
  const cpus: HostCpus | undefined = capabilities && capabilities.hostCpuSet.size > 0 ? { all: capabilities.hostCpuSet, count: Math.max(...capabilities.hostCpuSet.toArray()) + 1 } : undefined;

  const modprobe = dropinOrder(usable.filter((f) => f.kind === 'modprobe'), MODPROBE_DIRS);
  const modprobeFactsList = modprobe.effective.flatMap(modprobeFacts);

  // /etc/sysctl.conf is read after the drop-ins (procps' order; Debian's 99-sysctl.conf link puts it nearly last too).
  const sysctlFiles = usable.filter((f) => f.kind === 'sysctl');
  const main = sysctlFiles.filter((f) => f.systemPath === '/etc/sysctl.conf');
  const sysctl = sysctlFiles.length === 0 ? { effective: [], shadowed: [] } : dropinOrder(sysctlFiles.filter((f) => f.systemPath !== '/etc/sysctl.conf'), SYSCTL_DIRS);
  const sysctlEffective = [...sysctl.effective, ...main];
  const assignments = sysctlEffective.flatMap(sysctlFacts);
  const values = new Map<string, SysctlFact>();
  for (const a of assignments) values.set(a.key, a);

  const cmdlines = usable.length === 0 ? [] : cmdlineSources(usable, cpus?.count);
  const configuredCmdlines = cmdlines.filter((c) => c.kind !== 'proc-cmdline');
  const boot = configuredCmdlines[0] ?? cmdlines[0];

  return {
    capabilities,
    capabilitiesFile,
    cpus,
    cmdlines,
    configuredCmdlines,
    boot,
    modprobe: { ...modprobe, facts: modprobeFactsList, ...modprobeQueries(modprobeFactsList) },
    moduleParams: (module, param) => moduleParamSettings(modprobeFactsList, configuredCmdlines, module, param),
    sysctl: { effective: sysctlEffective, shadowed: sysctl.shadowed, assignments, values },
    initramfs: usable.length === 0 ? [] : initramfsConfigs(usable),
    modulesLoad: usable.filter((f) => f.kind === 'modules-load').flatMap(moduleListFacts),
    vfioIds: effectiveVfioIds(configuredCmdlines, modprobeFactsList),
    hugepages: hugepageConfig(boot, values.get('vm.nr_hugepages')),
    grub: usable.length === 0 ? undefined : grubSettings(usable),
    grubCfg: usable.length === 0 ? undefined : grubConfigFacts(usable),
    live,
    moduleInstalled: (module) => live?.modules.installed(module),
  };
}

function effectiveVfioIds(configured: readonly CmdlineSource[], facts: readonly ModprobeFact[]): HostModel['vfioIds'] {
  // The configured boot (not /proc/cmdline, which is what the last boot had) decides the next one.
  for (const source of configured) {
    const param = source.get('vfio_pci.ids');
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

