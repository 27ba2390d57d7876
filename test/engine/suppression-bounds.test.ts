import { describe, it, expect } from 'vitest';
import { lintText } from '../../src/lint.js';
import { parseDirective } from '../../src/engine/suppressions.js';

/**
 * Suppression directives at the first offset they cover, across line breaks in an XML comment, with
 * separators that are not separators, and with an enable that meets a block at its very end.
 * In-process, so mutation testing sees them.
 */

/** Rule id and 1-based line of each finding (unused-suppression included). */
async function findings(text: string, filePath: string): Promise<string[]> {
  const report = await lintText(text, { filePath, config: false, cwd: '/' });
  return report.results[0]!.messages.map((m) => `${m.ruleId ?? 'fatal'}:${m.line}`);
}

const modprobe = (lines: string[]) => findings(`${lines.join('\n')}\n`, '/etc/modprobe.d/vfio.conf');
const xml = (text: string) => findings(text, '/vm/vm.xml');
/** `syntax` reports an unknown command at column 1: its finding starts where the line starts. */
const UNKNOWN = 'frobnicate nouveau';
const UNSAFE = 'options vfio_iommu_type1 allow_unsafe_interrupts=1';
const NOIOMMU = 'options vfio enable_unsafe_noiommu_mode=1';
const U = 'unsafe-interrupts-enabled';
const N = 'noiommu-mode-enabled';
const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";
/** A domain whose only finding is memballoon-present, at the `<` of `<memballoon/>` (it has no model). */
const domain = (devices: string, before = '') => `<domain type='kvm'>\n  <name>vm</name>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>${before}\n  </os>\n  <devices>\n    ${devices}\n  </devices>\n</domain>\n`;

describe('a finding at the first offset a directive covers is silenced', () => {
  it('the finding is there without a directive (the cases below rely on it)', async () => {
    expect(await modprobe([UNKNOWN])).toEqual(['syntax:1']);
    expect(await xml(domain(`${HOSTDEV}\n    <memballoon/>`))).toEqual(['memballoon-present:8']);
  });

  it('disable-next-line: a finding at column 1 of the next line', async () => {
    expect(await modprobe(['# vfio-lint-disable-next-line syntax -- kept for an older kmod', UNKNOWN])).toEqual([]);
  });

  it('disable-file: a finding at offset 0 of the file', async () => {
    expect(await modprobe([UNKNOWN, '# vfio-lint-disable-file syntax -- kept for an older kmod'])).toEqual([]);
  });

  it('disable-next-element: a finding at the element\'s `<`', async () => {
    expect(await xml(domain(`${HOSTDEV}\n    <!-- vfio-lint-disable-next-element memballoon-present - wanted here -->\n    <memballoon/>`))).toEqual([]);
  });
});

describe('the directive text', () => {
  it('an XML comment may put the directive on its own line, between line breaks', async () => {
    const comment = '<!--\n      vfio-lint-disable-next-element memballoon-present\n    -->';
    expect(await xml(domain(`${HOSTDEV}\n    ${comment}\n    <memballoon/>`))).toEqual([]);
    expect(parseDirective('\n  vfio-lint-enable\n')).toEqual({ kind: 'enable', ruleIds: [], reason: undefined });
  });

  it('a colon inside a word is not a separator: `rule:why` names a rule that does not exist', async () => {
    expect(parseDirective(`vfio-lint-disable-next-line ${U}:why`)).toEqual({ kind: 'disable-next-line', ruleIds: [`${U}:why`], reason: undefined });
    const report = await lintText(`# vfio-lint-disable-next-line ${U}:why\n${UNSAFE}\n`, { filePath: '/etc/modprobe.d/vfio.conf', config: false, cwd: '/' });
    const messages = report.results[0]!.messages;
    expect(messages.map((m) => `${m.ruleId}:${m.line}`)).toEqual(['unused-suppression:1', `${U}:2`]);
    expect(messages[0]!.message).toBe(`This vfio-lint-disable-next-line directive did not silence anything: there is no rule named ${U}:why; remove it`);
  });

  it('the reason is kept without the blanks around it', () => {
    expect(parseDirective(`vfio-lint-disable ${U} --   lab machine, no interrupt remapping   `)?.reason).toBe('lab machine, no interrupt remapping');
    expect(parseDirective(`vfio-lint-disable ${U} -    lab machine`)?.reason).toBe('lab machine');
    expect(parseDirective(`vfio-lint-disable ${U}:   lab machine`)?.reason).toBe('lab machine');
  });
});

describe('an enable closes a whole block', () => {
  it('an enable naming one of a block\'s rules ends the block for all of them', async () => {
    // The block silenced U on line 2; N never had a finding in it, so it is reported on the directive.
    expect(await modprobe([`# vfio-lint-disable ${U}, ${N}`, UNSAFE, `# vfio-lint-enable ${U}`, UNSAFE, NOIOMMU])).toEqual(['unused-suppression:1', `${U}:4`, `${N}:5`]);
  });

  it('in XML, an enable right at the end of a block already ended by its element closes the outer block instead', async () => {
    // The inner block ends with </os>, exactly where the enable starts; the outer block (all of
    // <domain>) is the one still open, so the enable ends it and the balloon's finding is reported.
    const outer = '\n  <!-- vfio-lint-disable memballoon-present - the whole domain -->';
    const text = domain(`${HOSTDEV}\n    <memballoon/>`, '\n    <!-- vfio-lint-disable memballoon-present - only inside os -->')
      .replace('<domain type=\'kvm\'>', `<domain type='kvm'>${outer}`)
      .replace('</os>', '</os><!-- vfio-lint-enable memballoon-present -->');
    expect(text).toContain('</os><!-- vfio-lint-enable');
    expect(await xml(text)).toEqual(['unused-suppression:2', 'unused-suppression:6', 'memballoon-present:10']);
  });
});

describe('a file that does not parse', () => {
  it('keeps its parse failure whatever its comments say', async () => {
    expect(await xml('<!-- vfio-lint-disable-file -->\n<domain type=\'kvm\'>\n')).toEqual(['fatal:3']);
  });
});
