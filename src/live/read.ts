import { readBoot } from './boot.js';
import { Collector } from './collector.js';
import { readCpu } from './cpu.js';
import { readInitramfs, readInitramfsInputs } from './initramfs.js';
import { readLibvirt } from './libvirt.js';
import { readHugepages, readNuma } from './memory.js';
import { readModules } from './modules.js';
import { readIommu, readPci } from './pci.js';
import { noTools, systemTools, type ToolRunner } from './tools.js';
import { SNAPSHOT_VERSION, type HostSnapshot } from './types.js';

export interface LiveReadOptions {
  /**
   * Runs virsh and the initramfs listers. Default: this host's tools when `root`
   * is `/`, and none for any other root (they would describe this host, not the tree).
   */
  runTool?: ToolRunner;
}

/**
 * Read the running host (or a tree laid out like one, at `root`) into a
 * HostSnapshot: read-only, as any user (what needs more is listed in `unread`),
 * bounded (every file has a size limit, every directory an entry limit, every
 * tool a time limit; /sys is never walked, only named paths are read, and
 * links are read as names, never followed to list what is behind them).
 */
export function readLiveHost(root = '/', options: LiveReadOptions = {}): HostSnapshot {
  const c = new Collector(root, options.runTool ?? (root === '/' ? systemTools() : noTools));
  const kernelRelease = c.attr('kernel-release', '/proc/sys/kernel/osrelease');
  if (kernelRelease !== null) c.noteRead('kernel-release', '/proc/sys/kernel/osrelease');
  const cmdline = c.attr('cmdline', '/proc/cmdline');
  if (cmdline !== null) c.noteRead('cmdline', '/proc/cmdline');
  const release = kernelRelease?.trim() || null;
  const boot = readBoot(c);
  return {
    version: SNAPSHOT_VERSION,
    kernelRelease: release,
    cmdline,
    iommu: readIommu(c),
    pci: readPci(c),
    modules: readModules(c, release),
    hugepages: readHugepages(c),
    numa: readNuma(c),
    cpu: readCpu(c),
    boot,
    initramfs: readInitramfs(c, release, boot),
    initramfsInputs: readInitramfsInputs(c),
    libvirt: readLibvirt(c),
    read: c.read,
    unread: c.unread,
  };
}
