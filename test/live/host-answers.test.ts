import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveHost } from '../../src/host/live.js';
import { buildHostModel } from '../../src/host/model.js';
import { hostVendor } from '../../src/host/vendor.js';
import { hostCpuTopology } from '../../src/host/topology.js';
import { completeDocument, type SnapshotDocument } from '../../src/live/document.js';
import { readLiveHost } from '../../src/live/read.js';
import { lintFiles } from '../../src/lint.js';
import { fixtureRoot, fixtureTools } from '../helpers/snapshot-fixtures.js';

/** The host model of a fixture host read as --live, with no configuration files. */
function fixtureHost(name: string) {
  return buildHostModel([], liveHost(readLiveHost(fixtureRoot(name), { runTool: fixtureTools(name) }), 'live', '/'));
}

function shortHost(host: Record<string, unknown>) {
  const doc = completeDocument({ format: 'vfio-lint-snapshot', version: 1, host }) as SnapshotDocument;
  return buildHostModel([], liveHost(doc.host, 'snapshot', '/snap'));
}

describe('the host model answers from the running host first (issue 19)', () => {
  it('the CPU vendor comes from /proc/cpuinfo when the live facts have it, else stays unknown without other sources', () => {
    expect(hostVendor(fixtureHost('amd-b450-nvidia-shared-group'))).toEqual({ vendor: 'AMD', from: 'the running host\'s /proc/cpuinfo' });
    expect(hostVendor(fixtureHost('intel-iommu-off'))?.vendor).toBe('Intel');
    expect(hostVendor(shortHost({ pci: [] }))).toBeUndefined();
  });

  it('the cores (SMT siblings) come from sysfs thread_siblings_list', () => {
    const t = hostCpuTopology(fixtureHost('amd-b450-nvidia-shared-group'));
    expect(t?.smt).toBe(true);
    expect(t?.coreOf(3)?.cpus.toArray()).toEqual([3, 9]);
    expect(t?.cores.length).toBe(6);
    expect(hostCpuTopology(shortHost({ pci: [] }))).toBeUndefined();
  });

  it('whether a module is installed for the running kernel: modules.dep (DKMS too), never guessed without it', () => {
    expect(fixtureHost('amd-b450-nvidia-shared-group').moduleInstalled('nvidia')).toBe(true);
    const h = shortHost({ modules: { installed: ['vfio_pci', 'nouveau'] } });
    expect(h.moduleInstalled('nvidia')).toBe(false);
    expect(h.moduleInstalled('nouveau')).toBe(true);
    expect(shortHost({ pci: [] }).moduleInstalled('nvidia')).toBeUndefined();
    expect(buildHostModel([]).moduleInstalled('nvidia')).toBeUndefined();
  });

  it('nvidia-not-blacklisted asks it: no finding for nvidia when the running kernel has no nvidia module, an error when it has', async () => {
    const run = async (installed: string[]) => {
      const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-nv-'));
      mkdirSync(join(dir, 'etc', 'modprobe.d'), { recursive: true });
      // nouveau is guarded; nothing here names nvidia.
      writeFileSync(join(dir, 'etc', 'modprobe.d', 'vfio.conf'), 'options vfio-pci ids=10de:2503,10de:228e\nsoftdep nouveau pre: vfio-pci\n');
      writeFileSync(join(dir, 'vfio-lint-snapshot.json'), JSON.stringify({ format: 'vfio-lint-snapshot', version: 1, host: { modules: { installed } } }));
      const report = await lintFiles([dir], { config: { rules: { 'nvidia-not-blacklisted': 'error' } }, cwd: dir });
      return report.results.flatMap((r) => r.messages).filter((m) => m.ruleId === 'nvidia-not-blacklisted').map((m) => `${m.fatal === true ? 'error' : 'warning'} ${m.message.slice(0, 60)}`);
    };
    expect(await run(['vfio_pci', 'nouveau'])).toEqual([]);
    expect(await run(['vfio_pci', 'nouveau', 'nvidia'])).toEqual(['error NVIDIA device 10de:2503 is given to vfio-pci, but nothing ke']);
  });
});
