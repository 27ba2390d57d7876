import { describe, it, expect } from 'vitest';
import { lintText } from '../../src/lint.js';
import { parseDirective } from '../../src/engine/suppressions.js';

/**
 * Suppression directives, run in-process (the CLI tests in test/cli/suppressions.test.ts run the
 * built bundle, which mutation testing cannot see). Each case pins one edge the directives have.
 */

const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";

/** Rule id and 1-based line of each finding (unused-suppression included). */
async function findings(text: string, filePath: string, rules: Record<string, 'off' | 'error' | 'warning'> = {}): Promise<string[]> {
  const report = await lintText(text, { filePath, config: false, cwd: '/', rules });
  const r = report.results[0]!;
  return r.messages.map((m) => `${m.ruleId ?? 'fatal'}:${m.line}`);
}

const modprobe = (lines: string[]) => findings(`${lines.join('\n')}\n`, '/etc/modprobe.d/vfio.conf');
const UNSAFE = 'options vfio_iommu_type1 allow_unsafe_interrupts=1';

describe('suppression directives (in-process)', () => {
  it('a finding is reported without a directive (the cases below rely on it)', async () => {
    expect(await modprobe([UNSAFE])).toEqual(['unsafe-interrupts-enabled:1']);
  });

  it('vfio-lint-enable closes a vfio-lint-disable block: a finding after it is reported', async () => {
    expect(await modprobe(['# vfio-lint-disable unsafe-interrupts-enabled -- checked below', UNSAFE, '# vfio-lint-enable unsafe-interrupts-enabled', UNSAFE])).toEqual(['unsafe-interrupts-enabled:4']);
    // A bare enable closes a block for named rules too.
    expect(await modprobe(['# vfio-lint-disable unsafe-interrupts-enabled', UNSAFE, '# vfio-lint-enable', UNSAFE])).toEqual(['unsafe-interrupts-enabled:4']);
  });

  it('an enable for another rule leaves the block open', async () => {
    expect(await modprobe(['# vfio-lint-disable unsafe-interrupts-enabled', '# vfio-lint-enable noiommu-mode-enabled', UNSAFE])).toEqual([]);
  });

  it('a block closed before any finding is unused', async () => {
    expect(await modprobe(['# vfio-lint-disable unsafe-interrupts-enabled', '# vfio-lint-enable unsafe-interrupts-enabled', UNSAFE])).toEqual(['unused-suppression:1', 'unsafe-interrupts-enabled:3']);
  });

  it('disable-next-line covers that line only', async () => {
    expect(await modprobe(['# vfio-lint-disable-next-line unsafe-interrupts-enabled -- the host has interrupt remapping off on purpose', UNSAFE, UNSAFE])).toEqual(['unsafe-interrupts-enabled:3']);
  });

  it('a bare directive that silences nothing is reported unused', async () => {
    expect(await modprobe(['# vfio-lint-disable-next-line', 'options kvm_amd npt=1'])).toEqual(['unused-suppression:1']);
    expect(await modprobe(['# vfio-lint-disable-file'])).toEqual(['unused-suppression:1']);
  });

  it('a bare directive that silences something is used', async () => {
    expect(await modprobe(['# vfio-lint-disable-next-line', UNSAFE])).toEqual([]);
  });

  it('a named rule that silenced nothing is reported, the one that did is not', async () => {
    expect(await modprobe(['# vfio-lint-disable-next-line unsafe-interrupts-enabled, noiommu-mode-enabled', UNSAFE])).toEqual(['unused-suppression:1']);
  });

  describe('XML', () => {
    const domain = (devices: string, before = '') => `<domain type='kvm'>\n  <name>vm</name>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>${before}\n  </os>\n  <devices>\n    ${devices}\n  </devices>\n</domain>\n`;
    const xml = (text: string) => findings(text, '/vm/vm.xml');

    it('reads the reason after " - " as a reason, not as rule ids', async () => {
      expect(await xml(domain(`${HOSTDEV}\n    <!-- vfio-lint-disable-next-element memballoon-present - the balloon is wanted here -->\n    <memballoon model='virtio'/>`))).toEqual([]);
      expect(await xml(domain(`${HOSTDEV}\n    <!-- vfio-lint-disable-next-element memballoon-present: the balloon is wanted here -->\n    <memballoon model='virtio'/>`))).toEqual([]);
    });

    it('a finding at the first offset after the covered element is not silenced', async () => {
      // <memballoon/> starts where the covered <hostdev> ends; its finding starts at its '<'.
      expect(await xml(domain(`<!-- vfio-lint-disable-next-element memballoon-present - not this one -->\n    ${HOSTDEV}<memballoon/>`))).toEqual(['unused-suppression:7', 'memballoon-present:8']);
    });

    it('a disable without enable ends with the enclosing element, not the file', async () => {
      // The directive sits in <os>; the balloon's finding is in <devices>, after </os>.
      expect(await xml(domain(`${HOSTDEV}\n    <memballoon model='virtio'/>`, '\n    <!-- vfio-lint-disable memballoon-present - only inside os -->'))).toEqual(['unused-suppression:5', 'memballoon-present:9']);
      // At the top level it runs to the end of the file.
      const top = `<!-- vfio-lint-disable memballoon-present - the whole domain -->\n${domain(`${HOSTDEV}\n    <memballoon model='virtio'/>`)}`;
      expect(await xml(top)).toEqual([]);
    });

    it('still parses: XML forbids -- in a comment, which would make these cases pass for the wrong reason', async () => {
      expect(await xml(domain(`${HOSTDEV}\n    <!-- vfio-lint-disable-next-element memballoon-present -- reason -->\n    <memballoon model='virtio'/>`))).toEqual(['fatal:8']);
    });
  });

  it('parses the reason forms', () => {
    expect(parseDirective('vfio-lint-disable a, b -- why')).toEqual({ kind: 'disable', ruleIds: ['a', 'b'], reason: 'why' });
    expect(parseDirective('vfio-lint-disable a - why not')).toEqual({ kind: 'disable', ruleIds: ['a'], reason: 'why not' });
    expect(parseDirective('vfio-lint-disable-next-line a: because')).toEqual({ kind: 'disable-next-line', ruleIds: ['a'], reason: 'because' });
    expect(parseDirective('vfio-lint-enable')).toEqual({ kind: 'enable', ruleIds: [], reason: undefined });
    expect(parseDirective('vfio-lint-disabled a')).toBeUndefined();
  });
});

describe('the syntax rule', () => {
  it('reports a line kmod ignores, and --rule syntax:off turns it off in a real lint', async () => {
    const text = 'frobnicate nouveau\n' + `${UNSAFE}\n`;
    expect(await findings(text, '/etc/modprobe.d/vfio.conf')).toEqual(['syntax:1', 'unsafe-interrupts-enabled:2']);
    expect(await findings(text, '/etc/modprobe.d/vfio.conf', { syntax: 'off' })).toEqual(['unsafe-interrupts-enabled:2']);
  });
});
