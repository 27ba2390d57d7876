import type { Loc } from '../core/range.js';
import type { DomainFacts } from '../domain/facts.js';
import type { HostModel } from './model.js';

/** What shows that a machine gives PCI devices to VMs with VFIO, and where (catalog 0.4, VFIO(d)). */
export interface PassthroughEvidence {
  what: string;
  at: Loc;
}

/**
 * The first sign that the machine passes PCI devices through: a domain with a VFIO hostdev, ids given
 * to vfio-pci (command line or modprobe.d), or vfio-pci loaded early by the initramfs. Undefined when
 * the files show none (which does not prove there is none).
 */
export function passthroughEvidence(host: HostModel, domains: readonly DomainFacts[]): PassthroughEvidence | undefined {
  for (const d of domains) {
    if (!d.usesVfio) continue;
    return { what: `${d.name ?? 'a domain'} passes a PCI device through`, at: d.hostdevs[0]!.at };
  }
  const ids = host.vfioIds?.ids[0];
  if (ids) return { what: `vfio-pci is given device ids (${host.vfioIds!.from === 'cmdline' ? 'kernel command line' : 'modprobe.d'})`, at: ids.loc };
  for (const config of host.initramfs) {
    const early = config.early.find((m) => m.module === 'vfio_pci');
    if (early) return { what: `the initramfs loads vfio-pci early (${config.generator})`, at: early.loc };
  }
  return undefined;
}
