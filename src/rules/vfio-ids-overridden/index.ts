import { defineRule } from '../../engine/rule.js';
import { idOf, vfioIdEntries } from '../../host/vfio-id-entries.js';
import type { ModuleParamSetting } from '../../host/modprobe.js';

export const rule = defineRule({
  meta: {
    id: 'vfio-ids-overridden',
    description: 'vfio-pci `ids=` set in several places does not merge: the last one the kernel applies replaces the others, and the devices only they name stay with their host drivers.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    requires: [{ anyOf: ['cmdline', 'modprobe'] }],
    optional: ['live'],
    messages: {
      overridden: '`{token}` does not count: {why}, so vfio-pci gets only {winner}. {lost} {isAre} lost. Put every id in one ids= list',
    },
    sources: [
      'kmod `libkmod/libkmod-module.c`, `kmod_module_get_options` (joins every matching `options` line in the order the configuration was read) and `libkmod/libkmod-config.c`, `kmod_config_parse_kcmdline` (reads `module.param=` from /proc/cmdline after the configuration files, so those options come last): https://github.com/kmod-project/kmod',
      'man 5 modprobe.d (files are read in lexical order of their names across the directories; options of a module add up): https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
      'Linux `kernel/params.c`, `parse_args` (parameters are applied left to right: a parameter given twice keeps the last value) and `param_set_copystring` (`ids` is a string: a new value replaces the old): https://github.com/torvalds/linux/blob/master/kernel/params.c',
      'Linux `drivers/vfio/pci/vfio_pci.c` (`module_param_string(ids, …)`, read once by `vfio_pci_fill_ids` when the module starts): https://github.com/torvalds/linux/blob/master/drivers/vfio/pci/vfio_pci.c',
    ],
  },
  check(ctx) {
    const { host } = ctx.machine;
    // Built-in vfio-pci never reads modprobe.d (vfio-pci-builtin-options-ignored says so): only the command line counts then.
    const builtin = host.live?.modules.builtin('vfio_pci') === true;
    const boot = host.boot && host.boot.kind !== 'proc-cmdline' ? host.boot : undefined;
    const settings = host.moduleParams('vfio_pci', 'ids').filter((s) => s.param.value !== undefined && (s.options ? !builtin : boot?.params.includes(s.param) === true));
    if (settings.length < 2) return;
    const winner = settings.at(-1)!;
    const kept = new Set(ids(winner));
    for (const s of settings.slice(0, -1)) {
      const lost = [...new Set(ids(s))].filter((id) => !kept.has(id));
      if (lost.length === 0) continue;
      ctx.report({
        messageId: 'overridden',
        data: { token: written(s), why: why(s, winner), winner: kept.size > 0 ? [...kept].join(', ') : 'no id', lost: lost.join(', '), isAre: lost.length === 1 ? 'is' : 'are' },
        at: s.param.loc,
        related: [{ ...winner.param.loc, message: `the ids= that counts: ${written(winner)}` }],
      });
    }
  },
});

function ids(s: ModuleParamSetting): string[] {
  return vfioIdEntries(s.param).filter((e) => e.fields.length >= 2).map((e) => idOf(e.fields));
}

function why(lostOne: ModuleParamSetting, winner: ModuleParamSetting): string {
  if (!winner.options) {
    return lostOne.options
      ? 'kmod adds the kernel command line\'s vfio-pci options after every modprobe.d options line, and the kernel keeps the last ids= it is given'
      : 'the kernel keeps the last ids= on the command line';
  }
  return winner.options.file === lostOne.options?.file
    ? 'kmod passes every options line of vfio-pci, in file order, and the kernel keeps the last ids= it is given'
    : `kmod passes every options line of vfio-pci in the order it reads the files (${winner.options.file.systemPath} after this one), and the kernel keeps the last ids= it is given`;
}

/** `options vfio-pci ids=…` with the module name as the file spells it. */
function written(s: ModuleParamSetting): string {
  const o = s.options;
  return o ? `options ${o.file.source.text.slice(o.moduleLoc.start, o.moduleLoc.end)} ${s.token}` : s.written;
}
