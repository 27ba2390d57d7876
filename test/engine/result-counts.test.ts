import { describe, it, expect } from 'vitest';
import { lintText } from '../../src/lint.js';
import type { LintResult } from '../../src/engine/result.js';

/**
 * The counts of a result (ESLint's errorCount, warningCount, fixable…Count, plus info): what the
 * CLI's summary line, exit code and --max-warnings are computed from.
 */

type Severity = 'error' | 'warning' | 'info';
const COUNTS = ['errorCount', 'warningCount', 'infoCount', 'fatalErrorCount', 'fixableErrorCount', 'fixableWarningCount', 'fixableInfoCount'] as const;

async function counts(text: string, filePath: string, rules: Record<string, Severity> = {}): Promise<Record<string, number>> {
  const report = await lintText(text, { filePath, config: false, cwd: '/', rules });
  const r: LintResult = report.results[0]!;
  return Object.fromEntries(COUNTS.filter((k) => r[k] !== 0).map((k) => [k, r[k]]));
}

/** One finding, memballoon-present, with a fix (model='none'). */
const VM = "<domain type='kvm'>\n  <name>vm</name>\n  <devices>\n    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>\n    <memballoon model='virtio'/>\n  </devices>\n</domain>\n";
/** Two findings without a fix: syntax (an unknown command) and unsafe-interrupts-enabled. */
const CONF = 'frobnicate nouveau\noptions vfio_iommu_type1 allow_unsafe_interrupts=1\n';

describe('result counts', () => {
  it('a finding with a fix counts once by its severity and once as fixable at that severity', async () => {
    expect(await counts(VM, '/vm/vm.xml', { 'memballoon-present': 'error' })).toEqual({ errorCount: 1, fixableErrorCount: 1 });
    expect(await counts(VM, '/vm/vm.xml', { 'memballoon-present': 'warning' })).toEqual({ warningCount: 1, fixableWarningCount: 1 });
    expect(await counts(VM, '/vm/vm.xml', { 'memballoon-present': 'info' })).toEqual({ infoCount: 1, fixableInfoCount: 1 });
  });

  it('findings without a fix count by severity only', async () => {
    expect(await counts(CONF, '/etc/modprobe.d/vfio.conf', { syntax: 'error', 'unsafe-interrupts-enabled': 'warning' })).toEqual({ errorCount: 1, warningCount: 1 });
    expect(await counts(CONF, '/etc/modprobe.d/vfio.conf', { syntax: 'info', 'unsafe-interrupts-enabled': 'info' })).toEqual({ infoCount: 2 });
    expect(await counts(CONF, '/etc/modprobe.d/vfio.conf', { syntax: 'warning', 'unsafe-interrupts-enabled': 'error' })).toEqual({ errorCount: 1, warningCount: 1 });
  });

  it('a file that does not parse has one error, and it is fatal', async () => {
    expect(await counts('<domain', '/vm/bad.xml')).toEqual({ errorCount: 1, fatalErrorCount: 1 });
  });

  it('a clean file counts nothing', async () => {
    expect(await counts('# nothing set here\n', '/etc/modprobe.d/vfio.conf')).toEqual({});
  });
});
