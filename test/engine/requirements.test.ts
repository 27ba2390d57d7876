import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintFiles, lintText } from '../../src/lint.js';
import { defineRule } from '../../src/engine/rule.js';
import type { DomainInput } from '../../src/model/machine.js';

const DOMAIN = "<domain type='kvm'><name>vm</name><vcpu>2</vcpu></domain>\n";

/** A rule that records that it ran and what it was given. */
function probe(requires: Parameters<typeof defineRule>[0]['meta']['requires']) {
  const seen: string[] = [];
  const rule = defineRule({
    meta: { id: 'probe', description: 'probe', category: 'correctness', severity: 'info', scope: 'machine', requires, messages: {} },
    check(ctx) {
      seen.push(`ran with ${ctx.machine.domains.length} domain(s)`);
    },
  });
  return { rule, seen };
}

describe('rule requirements', () => {
  it('skips a rule whose anyOf is not met, and says which inputs would do', async () => {
    const { rule, seen } = probe([{ anyOf: ['cmdline', 'modprobe'] }]);
    const report = await lintText(DOMAIN, { filePath: '/vm/vm.xml', config: false, customRules: [rule] });
    expect(seen).toEqual([]);
    expect(report.skippedRules).toContainEqual({
      ruleId: 'probe',
      reason: 'needs a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline) or modprobe configuration (/etc/modprobe.d)',
    });
  });

  it('runs it when any one of them is given, and joins several unmet requirements with "and"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-req-'));
    try {
      mkdirSync(join(dir, 'etc', 'modprobe.d'), { recursive: true });
      writeFileSync(join(dir, 'etc', 'modprobe.d', 'vfio.conf'), 'options vfio-pci ids=10de:2684\n');
      writeFileSync(join(dir, 'vm.xml'), DOMAIN);
      const { rule, seen } = probe(['domain', { anyOf: ['cmdline', 'modprobe'] }]);
      await lintFiles([dir], { config: false, cwd: dir, customRules: [rule] });
      expect(seen).toEqual(['ran with 1 domain(s)']);

      const other = probe(['capabilities', { anyOf: ['sysctl', 'initramfs'] }]);
      const report = await lintFiles([dir], { config: false, cwd: dir, customRules: [other.rule] });
      expect(other.seen).toEqual([]);
      expect(report.skippedRules.find((s) => s.ruleId === 'probe')?.reason).toBe(
        'needs host capabilities XML (`virsh capabilities > caps.xml`) and sysctl configuration (/etc/sysctl.conf, /etc/sysctl.d) or an initramfs configuration (mkinitcpio, dracut or initramfs-tools)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a domain rule its domain, once per domain', async () => {
    const domains: string[] = [];
    const rule = defineRule({
      meta: { id: 'per-domain', description: 'd', category: 'correctness', severity: 'info', scope: 'domain', requires: ['domain'], messages: {} },
      check(ctx) {
        const d: DomainInput = ctx.domain;
        domains.push(d.view.name ?? '?');
      },
    });
    await lintText(DOMAIN, { filePath: '/vm/vm.xml', config: false, customRules: [rule] });
    expect(domains).toEqual(['vm']);
  });
});
