import { describe, it, expect } from 'vitest';
import { join, relative } from 'node:path';
import { lintFiles } from '../src/lint.js';

/**
 * The seed troubleshooting guide, followed to the letter (test/fixtures/seed/README.md).
 * Only the six headline rules are asserted here; other rules have their own fixtures.
 */
const SIX = ['memballoon-present', 'missing-topoext', 'emulatorpin-overlaps-vcpupin', 'isolcpus-mismatch', 'hugepages-without-backing', 'nvidia-not-blacklisted'];
const SEED = join(import.meta.dirname, 'fixtures', 'seed');

async function sixRuleFindings(name: string): Promise<string[]> {
  const dir = join(SEED, name);
  const report = await lintFiles([dir], { config: false, cwd: dir });
  expect(report.failures).toEqual([]);
  return report.results.flatMap((r) =>
    r.messages
      .filter((m) => m.ruleId === undefined || SIX.includes(m.ruleId))
      .map((m) => `${relative(dir, r.filePath)}:${m.place && 'start' in m.place ? m.place.start.line : 0} ${m.ruleId} ${m.message}`),
  );
}

describe('the seed guide', () => {
  it('5.A (SMT off): pins, isolation, hugepages, balloon and driver guards agree; the six rules are silent', async () => {
    expect(await sixRuleFindings('5a-smt-off')).toEqual([]);
  });

  it('5.B (SMT on): the same, with both threads of cores 2-7 isolated and pinned', async () => {
    expect(await sixRuleFindings('5b-smt-on')).toEqual([]);
  });

  it('the 5.B domain under the 5.A kernel line: vCPUs on the unisolated siblings, and half-isolated cores', async () => {
    expect(await sixRuleFindings('mixed-5a-grub-5b-vm')).toEqual([
      'etc/default/grub:5 isolcpus-mismatch isolcpus=2-7 isolates CPUs 2-7 but not their SMT siblings 10-15: host tasks on a sibling share the core with the VM',
      'etc/default/grub:5 isolcpus-mismatch win11: vCPUs 1, 3, 5, 7, 9 and 11 are pinned to host CPUs 10-15, which isolcpus=2-7 does not isolate',
    ]);
  });
});

describe('the seed guide\'s wrong or dangerous advice', () => {
  it('is caught on both layouts: intel_iommu=on on an AMD host, allow_unsafe_interrupts, no-IOMMU mode, cpuinfo flags as libvirt features', async () => {
    // Both guides' Windows VMs have more than 2 vCPUs and no <topology> (one socket per vCPU: Windows Pro
    // uses 2); 5.B also pins sibling pairs that the guest, without threads='2', sees as separate cores.
    const extra = {
      '5a-smt-off': ['win11.xml:8 topology-vcpu-mismatch'],
      '5b-smt-on': ['win11.xml:8 topology-vcpu-mismatch', 'win11.xml:11 vcpupin-smt-layout'],
    };
    // The Windows rules are right there too: <hyperv> has relaxed only, and there is no <clock> (hypervLine: <hyperv>).
    for (const [name, tscLine, hypervLine] of [['5a-smt-off', 30, 24], ['5b-smt-on', 36, 30]] as const) {
      const dir = join(SEED, name);
      const report = await lintFiles([dir], { config: false, cwd: dir });
      const got = report.results
        .flatMap((r) => r.messages.filter((m) => m.ruleId !== undefined && !SIX.includes(m.ruleId)).map((m) => `${relative(dir, r.filePath)}:${m.place && 'start' in m.place ? m.place.start.line : 0} ${m.ruleId}`))
        .sort();
      expect(got, name).toEqual(
        [
          'etc/default/grub:5 iommu-param-noop',
          'etc/default/grub:5 unsafe-interrupts-enabled',
          // The guide's latency settings, each a host-wide cost (info): ignore_msrs without report_ignored_msrs=0,
          // pcie_aspm=off, processor.max_cstate=1, and intel_idle.max_cstate=0 on this AMD host (it does nothing).
          'etc/default/grub:5 ignore-msrs-unreported',
          'etc/default/grub:5 risky-kernel-param',
          'etc/default/grub:5 risky-kernel-param',
          'etc/default/grub:5 risky-kernel-param',
          'etc/modprobe.d/vfio.conf:17 noiommu-mode-enabled',
          // The guide loads vendor-reset for its NVIDIA card: vendor-reset's table has AMD GPUs only (info).
          'etc/mkinitcpio.conf:1 vendor-reset-misconfig',
          // Step 10's vm.hugetlb_shm_group = 78: only SysV shared memory uses it, libvirt does not (info).
          'etc/sysctl.conf:2 hugetlb-shm-group-unneeded',
          `win11.xml:${tscLine} unknown-cpu-feature`,
          `win11.xml:${tscLine + 1} unknown-cpu-feature`,
          ...extra[name],
          `win11.xml:${hypervLine} hyperv-enlightenments-missing`,
          `win11.xml:${tscLine - 2} windows-timers`, // at <cpu>, where the missing <clock> would go
          `win11.xml:${tscLine - 2} invtsc-hidden`, // host-passthrough, migratable on by default, and the host has invtsc
          `win11.xml:${tscLine + 3} windows11-requirements`, // at <devices>: no TPM
        ].sort(),
      );
    }
  });
});
