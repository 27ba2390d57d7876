import { defineRule } from '../../engine/rule.js';
import { addKernelParam } from '../../edit/params.js';

export const rule = defineRule({
  meta: {
    id: 'vfio-pci-builtin-options-ignored',
    description: 'When vfio-pci is built into the kernel, `options vfio-pci` in modprobe.d is never read: its parameters go on the kernel command line.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['live', 'modprobe'],
    messages: {
      ignored: '`{param}` is ignored: the running kernel ({release}) has vfio-pci built in, so modprobe never loads it and never applies modprobe.d options to it{effect}. Set `vfio-pci.{param}` on the kernel command line instead',
    },
    sources: [
      'Linux kernel, Documentation/admin-guide/kernel-parameters.rst ("Parameters for modules which are built into the kernel need to be specified on the kernel command line"): https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'man 5 modprobe.d, options (applied by modprobe when it loads the module): https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
      'Linux kernel, Documentation/kbuild/kbuild.rst, modules.builtin (the list of modules built into the kernel): https://docs.kernel.org/kbuild/kbuild.html',
    ],
  },
  check(ctx) {
    const { host } = ctx.machine;
    const live = host.live;
    if (!live || live.modules.builtin('vfio_pci') !== true) return;
    const release = live.kernelRelease ?? 'unknown release';
    for (const f of host.modprobe.facts) {
      // Only an options command has options (host/adapt.ts): the others loop over nothing.
      if (f.module !== 'vfio_pci') continue;
      for (const o of f.options) {
        const param = o.name;
        // Already on the configured command line: the modprobe.d copy is dead but harmless. Any occurrence
        // counts, a bare flag (a bool set to true) too, which host.boot.get (the effective value) passes over.
        if (host.boot?.all(`vfio_pci.${o.key}`).length) continue;
        const token = `vfio-pci.${param}${o.value === undefined ? '' : `=${o.value}`}`;
        // No edit for /proc/cmdline (addKernelParam has none): it is the last boot's, not a file to change.
        const edit = host.boot ? addKernelParam(host.boot, token) : undefined;
        ctx.report({
          messageId: 'ignored',
          data: { param: o.value === undefined ? param : `${param}=${o.value}`, release, effect: o.key === 'ids' ? ': vfio-pci claims none of these devices at boot' : '' },
          at: o.loc,
          related: host.boot ? [{ path: host.boot.file.source.path, start: 0, end: 0, message: `the ${host.boot.kind === 'proc-cmdline' ? 'booted' : 'configured'} kernel command line (${host.boot.label})` }] : undefined,
          suggestions: edit ? [{ description: `Add ${token} to ${host.boot!.label}`, fix: { edits: [edit] } }] : undefined,
        });
      }
    }
  },
});
