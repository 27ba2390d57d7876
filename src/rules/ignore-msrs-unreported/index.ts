import { defineRule } from '../../engine/rule.js';
import { kernelBool } from '../../host/params.js';
import { setParamValue } from '../../edit/params.js';

export const rule = defineRule({
  meta: {
    id: 'ignore-msrs-unreported',
    description: '`kvm ignore_msrs=1` without `report_ignored_msrs=0` logs a line for every ignored MSR access a guest makes.',
    category: 'style',
    severity: 'info',
    fixable: 'suggest',
    scope: 'machine',
    requires: [{ anyOf: ['cmdline', 'modprobe'] }],
    messages: {
      unreported: '`{written}` makes KVM ignore unknown MSRs, and while report_ignored_msrs is on (its default) each ignored access is written to the kernel log, which Windows guests can fill. Keep ignore_msrs if a guest needs it and add `{add}`',
    },
    sources: [
      'Linux arch/x86/kvm/x86.c: ignore_msrs (default false) and report_ignored_msrs (default true), kvm_pr_unimpl_wrmsr/rdmsr log only when report_ignored_msrs is set: https://github.com/torvalds/linux/blob/master/arch/x86/kvm/x86.c',
      'kvm module parameters of Debian linux-image 6.12.95 and 6.1.192 (modinfo): data/kernel-modules.json',
    ],
  },
  check(ctx) {
    const { host } = ctx.machine;
    // The kernel applies the settings in order: the last of each wins.
    const ignore = host.moduleParams('kvm', 'ignore_msrs').at(-1);
    if (!ignore || kernelBool(ignore.param.value) !== true) return;
    const report = host.moduleParams('kvm', 'report_ignored_msrs').at(-1);
    if (report && kernelBool(report.param.value) === false) return;
    if (report) {
      // report_ignored_msrs is set true explicitly (it wins over anything added before it): change that one.
      const edit = setParamValue(report.param, '0');
      ctx.report({
        messageId: 'unreported',
        data: { written: ignore.written, add: report.options ? 'report_ignored_msrs=0' : 'kvm.report_ignored_msrs=0' },
        at: ignore.param.loc,
        related: [{ ...report.param.loc, message: `${report.written} keeps the reports on` }],
        ...(edit ? { suggestions: [{ description: `Set ${report.token} to 0`, fix: { edits: [edit] } }] } : {}),
      });
      return;
    }
    const add = ignore.options ? 'report_ignored_msrs=0' : 'kvm.report_ignored_msrs=0';
    // Next to the setting, by the same mechanism (the options line, or the command line), where the file holds the token as written.
    const editable = ignore.options !== undefined || ignore.param.valueLoc !== undefined;
    ctx.report({
      messageId: 'unreported',
      data: { written: ignore.written, add },
      at: ignore.param.loc,
      ...(editable ? { suggestions: [{ description: `Add ${add} after ${ignore.token}`, fix: { edits: [{ path: ignore.param.loc.path, start: ignore.param.loc.end, end: ignore.param.loc.end, text: ` ${add}` }] } }] } : {}),
    });
  },
});
