import { describe, it, expect } from 'vitest';
import { lintText } from '../../src/lint.js';
import { parseDirective } from '../../src/engine/suppressions.js';

/**
 * Suppression directives at their edges: where a covered span starts and ends, which `enable` closes
 * which `disable`, and what is reported as unused. In-process, so mutation testing sees them.
 */

async function findings(text: string, filePath: string, rules: Record<string, 'off' | 'error' | 'warning'> = {}): Promise<string[]> {
  const report = await lintText(text, { filePath, config: false, cwd: '/', rules });
  return report.results[0]!.messages.map((m) => `${m.ruleId ?? 'fatal'}:${m.line}`);
}

/** Full messages of the unused-suppression findings. */
async function unusedMessages(text: string, filePath: string): Promise<string[]> {
  const report = await lintText(text, { filePath, config: false, cwd: '/' });
  return report.results[0]!.messages.filter((m) => m.ruleId === 'unused-suppression').map((m) => `${m.line}:${m.column} ${m.severity} ${m.message}`);
}

const modprobe = (lines: string[], rules?: Record<string, 'off' | 'error' | 'warning'>) => findings(`${lines.join('\n')}\n`, '/etc/modprobe.d/vfio.conf', rules);
const UNSAFE = 'options vfio_iommu_type1 allow_unsafe_interrupts=1';
const NOIOMMU = 'options vfio enable_unsafe_noiommu_mode=1';
const U = 'unsafe-interrupts-enabled';
const N = 'noiommu-mode-enabled';

describe('parseDirective', () => {
  it('reads rule lists with or without blanks after the commas', () => {
    expect(parseDirective(`vfio-lint-disable ${U},${N}`)?.ruleIds).toEqual([U, N]);
    expect(parseDirective(`  vfio-lint-disable-file   ${U} ,  ${N}  `)).toEqual({ kind: 'disable-file', ruleIds: [U, N], reason: undefined });
  });

  it('a colon at the very end is a separator with no reason', () => {
    expect(parseDirective(`vfio-lint-disable-next-line ${U}:`)).toEqual({ kind: 'disable-next-line', ruleIds: [U], reason: undefined });
  });

  it('a `--` or ` - ` at the very end is a separator with no reason, not a rule id', () => {
    expect(parseDirective(`vfio-lint-disable ${U} -- `)).toEqual({ kind: 'disable', ruleIds: [U], reason: undefined });
    expect(parseDirective(`vfio-lint-disable-next-line ${U} -`)).toEqual({ kind: 'disable-next-line', ruleIds: [U], reason: undefined });
    expect(parseDirective(`vfio-lint-disable ${U} --reason`)?.ruleIds).toEqual([U, '--reason']);
  });

  it('the kind must be followed by a blank or the end', () => {
    expect(parseDirective('vfio-lint-disable-next-lines x')).toBeUndefined();
    expect(parseDirective('vfio-lint-enable')).toEqual({ kind: 'enable', ruleIds: [], reason: undefined });
    expect(parseDirective('see vfio-lint-disable x')).toBeUndefined();
  });
});

describe('covered spans in conf files', () => {
  it('disable-file covers the lines before the directive too', async () => {
    expect(await modprobe([UNSAFE, `# vfio-lint-disable-file ${U} -- lab machine`])).toEqual([]);
  });

  it('disable-next-line on the last line covers nothing and is reported unused', async () => {
    expect(await findings(`${UNSAFE}\n# vfio-lint-disable-next-line ${U}`, '/etc/modprobe.d/vfio.conf')).toEqual([`${U}:1`, 'unused-suppression:2']);
  });

  it('disable-next-line covers a last line without a line break', async () => {
    expect(await findings(`# vfio-lint-disable-next-line ${U}\n${UNSAFE}`, '/etc/modprobe.d/vfio.conf')).toEqual([]);
  });

  it('a disable block does not reach back before its comment', async () => {
    expect(await modprobe([UNSAFE, `# vfio-lint-disable ${U}`, UNSAFE])).toEqual([`${U}:1`]);
  });

  it('a directive names only its rules: other rules\' findings on the covered line are kept', async () => {
    expect(await modprobe([`# vfio-lint-disable-next-line ${N}`, NOIOMMU, `# vfio-lint-disable-next-line ${N}`, UNSAFE])).toEqual(['unused-suppression:3', `${U}:4`]);
  });
});

describe('which enable closes which disable', () => {
  it('an enable naming a rule closes a bare disable', async () => {
    expect(await modprobe(['# vfio-lint-disable', UNSAFE, `# vfio-lint-enable ${U}`, UNSAFE])).toEqual([`${U}:4`]);
  });

  it('a named enable closes only the most recent open block of that rule (the inner block silenced nothing: the outer one took its finding)', async () => {
    expect(await modprobe([`# vfio-lint-disable ${U}`, UNSAFE, `# vfio-lint-disable ${U}`, UNSAFE, `# vfio-lint-enable ${U}`, UNSAFE])).toEqual(['unused-suppression:3']);
  });

  it('a bare enable closes every open block', async () => {
    expect(await modprobe([`# vfio-lint-disable ${U}`, `# vfio-lint-disable ${N}`, UNSAFE, NOIOMMU, '# vfio-lint-enable', UNSAFE, NOIOMMU])).toEqual([`${U}:6`, `${N}:7`]);
  });

  it('an enable never silences anything, and is never unused', async () => {
    expect(await modprobe([`# vfio-lint-enable ${U}`, UNSAFE])).toEqual([`${U}:2`]);
  });

  it('in XML, an enable after the disable\'s element ended leaves that block as it was', async () => {
    const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";
    const text = `<domain type='kvm'>\n  <name>vm</name>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n    <!-- vfio-lint-disable memballoon-present - only inside os -->\n  </os>\n  <devices>\n    ${HOSTDEV}\n    <memballoon model='virtio'/>\n    <!-- vfio-lint-enable memballoon-present -->\n  </devices>\n</domain>\n`;
    expect(await findings(text, '/vm/vm.xml')).toEqual(['unused-suppression:5', 'memballoon-present:9']);
  });

  it('in XML, disable-next-element with no element after it covers nothing', async () => {
    const text = "<domain type='kvm'>\n  <name>vm</name>\n  <devices>\n    <memballoon model='virtio'/>\n    <!-- vfio-lint-disable-next-element memballoon-present -->\n  </devices>\n</domain>\n";
    expect((await findings(text, '/vm/vm.xml')).filter((f) => f.startsWith('unused'))).toEqual(['unused-suppression:5']);
  });
});

describe('what an unused directive says', () => {
  it('names the directive kind and the rule, or says there is no such rule', async () => {
    expect(await unusedMessages(`# vfio-lint-disable-next-line ${U}, no-such-rule\noptions kvm_amd npt=1\n`, '/etc/modprobe.d/kvm.conf')).toEqual([
      `1:1 warning This vfio-lint-disable-next-line directive did not silence a finding of ${U}; remove it`,
      '1:1 warning This vfio-lint-disable-next-line directive did not silence anything: there is no rule named no-such-rule; remove it',
    ]);
    expect(await unusedMessages('# vfio-lint-disable-file\n', '/etc/modprobe.d/kvm.conf')).toEqual(['1:1 warning This vfio-lint-disable-file directive did not silence any finding; remove it']);
  });

  it('a directive for a rule that is off is not stale: it is not reported', async () => {
    expect(await modprobe([`# vfio-lint-disable-next-line ${U}`, 'options kvm_amd npt=1'], { [U]: 'off' })).toEqual([]);
    expect(await modprobe([`# vfio-lint-disable-next-line ${U}`, 'options kvm_amd npt=1'])).toEqual(['unused-suppression:1']);
  });
});
