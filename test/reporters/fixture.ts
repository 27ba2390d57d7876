import { sourceFile, type SourceFile } from '../../src/core/source.js';
import { createDiagnostic, type Diagnostic, type DiagnosticInit } from '../../src/engine/diagnostic.js';
import { countResult, type LintReport, type LintResult } from '../../src/engine/result.js';
import { builtinDocsUrl, type RuleMeta } from '../../src/engine/rule.js';
import type { FileKind } from '../../src/model/machine.js';

export const CWD = '/work/proj';

export const GRUB_PATH = `${CWD}/etc/default/grub`;
// Line 2 starts at 15; the value inside the quotes is [43, 55) = `quiet splash`, line 2 columns 29..41.
export const GRUB_TEXT = 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\n';
export const XML_PATH = `${CWD}/vm/win11.xml`;
// Line 2 starts at 20; `<memballoon model="virtio"/>` is [22, 50); `virtio` is [41, 47).
export const XML_TEXT = '<domain type="kvm">\n  <memballoon model="virtio"/>\n</domain>\n';
export const BROKEN_PATH = `${CWD}/broken.xml`;
export const MODPROBE_PATH = '/etc/modprobe.d/vfio.conf';
export const MODPROBE_TEXT = 'options vfio-pci ids=10de:1b80\n';
export const SYSCTL_PATH = `${CWD}/etc/sysctl.conf`;

export function meta(id: string, over: Partial<RuleMeta> = {}): RuleMeta {
  return { id, description: `Checks ${id}`, category: 'correctness', severity: 'warning', scope: 'machine', requires: [], messages: {}, docs: builtinDocsUrl(id), ...over };
}

export function diag(source: SourceFile, init: Omit<DiagnosticInit, 'url'> & { url?: string }, lookup?: (p: string) => SourceFile | undefined): Diagnostic {
  return createDiagnostic(source, { url: init.ruleId ? builtinDocsUrl(init.ruleId) : undefined, ...init }, lookup);
}

export function result(source: SourceFile | undefined, path: string, kind: FileKind | undefined, messages: Diagnostic[], output?: string): LintResult {
  return countResult({ filePath: path, kind, messages, source: source?.text, output });
}

export function report(results: LintResult[], over: Partial<LintReport> = {}): LintReport {
  return { results, skippedRules: [], failures: [], rulesMeta: {}, applied: [], undone: [], ...over };
}

/** The shared scenario: two files with findings in cwd, a parse failure, a file outside cwd, a clean file, a skipped rule. */
export function scenario(): LintReport {
  const grub = sourceFile(GRUB_PATH, GRUB_TEXT);
  const xml = sourceFile(XML_PATH, XML_TEXT);
  const broken = sourceFile(BROKEN_PATH, '<domain');
  const modprobe = sourceFile(MODPROBE_PATH, MODPROBE_TEXT);
  const sysctl = sourceFile(SYSCTL_PATH, 'vm.swappiness = 10\n');
  const lookup = (p: string) => [grub, xml, broken, modprobe, sysctl].find((s) => s.path === p);

  const grubMsgs = [
    diag(grub, { ruleId: 'grub-default', messageId: 'notSaved', severity: 'warning', message: 'GRUB_DEFAULT is not saved', range: { start: 0, end: 14 } }),
    diag(grub, {
      ruleId: 'iommu-enabled',
      messageId: 'missing',
      severity: 'error',
      message: 'IOMMU is not enabled on the kernel command line.',
      range: { start: 43, end: 55 },
      fix: { edits: [{ path: GRUB_PATH, start: 55, end: 55, text: ' intel_iommu=on' }] },
    }),
  ];
  const xmlMsgs = [
    diag(xml, {
      ruleId: 'hint-rule',
      messageId: 'hint',
      severity: 'info',
      message: 'Consider hv_vendor_id.',
      range: { start: 1, end: 7 },
      fix: {
        edits: [
          { path: XML_PATH, start: 7, end: 7, text: ' x' },
          { path: GRUB_PATH, start: 55, end: 55, text: ' y' },
        ],
      },
    }),
    diag(
      xml,
      {
        ruleId: 'memballoon-present',
        messageId: 'present',
        severity: 'warning',
        message: 'memballoon is enabled; it defeats hugepages.',
        range: { start: 22, end: 50 },
        suggestions: [{ description: 'Set model="none"', fix: { edits: [{ path: XML_PATH, start: 41, end: 47, text: 'none' }] } }],
        related: [{ path: GRUB_PATH, start: 43, end: 55, message: 'kernel command line here' }],
      },
      lookup,
    ),
  ];
  const brokenMsgs = [createDiagnostic(broken, { ruleId: undefined, severity: 'error', message: 'unexpected end of file', range: { start: 7, end: 7 }, parseFailure: true })];
  const modprobeMsgs = [diag(modprobe, { ruleId: 'nvidia-not-blacklisted', messageId: 'nouveau', severity: 'warning', message: 'nouveau is not blacklisted', range: { start: 0, end: 7 } })];

  const ids = ['memballoon-present', 'iommu-enabled', 'grub-default', 'hint-rule', 'nvidia-not-blacklisted', 'isolcpus-mismatch'];
  const rulesMeta = Object.fromEntries(ids.map((id) => [id, meta(id)]));
  rulesMeta['iommu-enabled'] = meta('iommu-enabled', { severity: 'error', category: 'stability', fixable: 'safe', requires: ['cmdline'], description: 'The IOMMU must be on' });
  rulesMeta['hint-rule'] = meta('hint-rule', { severity: 'info', category: 'performance' });
  rulesMeta['memballoon-present'] = meta('memballoon-present', { fixable: 'suggest', category: 'performance', requires: ['domain'], description: 'No memory balloon with passthrough.' });

  return report(
    [
      result(grub, GRUB_PATH, 'grub', grubMsgs),
      result(xml, XML_PATH, 'domain', xmlMsgs),
      result(broken, BROKEN_PATH, 'domain', brokenMsgs),
      result(modprobe, MODPROBE_PATH, 'modprobe', modprobeMsgs),
      result(sysctl, SYSCTL_PATH, 'sysctl', []),
    ],
    { rulesMeta, skippedRules: [{ ruleId: 'isolcpus-mismatch', reason: 'needs host capabilities XML (`virsh capabilities > caps.xml`)' }] },
  );
}
