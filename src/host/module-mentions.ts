import type { Loc } from '../core/range.js';
import type { ModprobeFact, ModuleFact } from './facts.js';
import type { HostModel } from './model.js';
import { valueItems } from './params.js';

/** Where a module name is written, and so what a missing or misspelt name there does. */
export type MentionPlace =
  | 'modprobe' // a modprobe.d command (blacklist, softdep, install, remove, options, alias target)
  | 'modules-load' // modules-load.d, /etc/modules: systemd-modules-load loads it at boot
  | 'mkinitcpio' // MODULES
  | 'dracut' // add_drivers, force_drivers, drivers, omit_drivers
  | 'initramfs-tools' // /etc/initramfs-tools/modules
  | 'cmdline'; // a module list on a configured kernel command line

/** One module name written somewhere in the host's configuration. */
export interface ModuleMention {
  /** kmod's spelling (`-` read as `_`, mkinitcpio's `?` dropped). */
  module: string;
  /** As written. */
  written: string;
  loc: Loc;
  place: MentionPlace;
  /** For messages: `blacklist in /etc/modprobe.d/x.conf`, `MODULES in /etc/mkinitcpio.conf`, `rd.driver.pre= in /etc/default/grub`. */
  label: string;
  /** What the tool does with a name it cannot find: `fail` (dracut's add/force lists), `error` (mkinitcpio prints an error and warns the image may be incomplete), `log` (a message at boot or build), `nothing` (dead configuration). */
  missing: 'fail' | 'error' | 'log' | 'nothing';
  /** mkinitcpio's `name?`: no error when missing. */
  optional: boolean;
  /** The modprobe.d command, for modprobe mentions. */
  fact: ModprobeFact | undefined;
  /** The module list entry, for initramfs and modules-load mentions. */
  entry: ModuleFact | undefined;
}

/** Kernel command line parameters whose value is a comma list of module names. */
export const CMDLINE_MODULE_LISTS = ['modprobe.blacklist', 'module_blacklist', 'rd.driver.pre', 'rd.driver.post', 'rd.driver.blacklist'] as const;

/** A module name that is a pattern (softdep and install take fnmatch patterns; alias targets may too). */
export const isPattern = (name: string): boolean => /[*?[\]]/.test(name);

/**
 * Every module name the configuration writes, each with its place: modprobe.d commands (the module of
 * each command, softdep's pre/post modules), modules-load.d, the initramfs generators' module lists and
 * the module lists of the configured kernel command lines (not /proc/cmdline: that is the last boot's).
 * `alias` patterns are names the user defines, not modules, and are left out; so are patterns.
 */
export function moduleMentions(host: HostModel): ModuleMention[] {
  const out: ModuleMention[] = [];
  for (const f of host.modprobe.facts) {
    if (f.keyword !== 'alias') {
      const written = f.file.source.text.slice(f.moduleLoc.start, f.moduleLoc.end);
      if (!isPattern(written)) out.push(mention(f.module, written, f.moduleLoc, 'modprobe', `${f.keyword} in ${f.file.systemPath}`, 'nothing', f));
    }
    for (const d of f.depRefs) {
      if (!isPattern(d.name)) out.push(mention(d.module, d.name, d.loc, 'modprobe', `softdep ${d.role}: in ${f.file.systemPath}`, 'nothing', f));
    }
  }
  for (const m of host.modulesLoad) out.push({ ...mention(m.module, m.name, m.loc, 'modules-load', m.file.systemPath, 'log', undefined), entry: m });
  for (const cfg of host.initramfs) {
    const lists: [ModuleFact[], string, ModuleMention['missing']][] =
      cfg.generator === 'mkinitcpio'
        ? [[cfg.early, 'MODULES', 'error']]
        : cfg.generator === 'dracut'
          ? [
              [cfg.early, 'force_drivers', 'fail'],
              [cfg.included, 'add_drivers', 'fail'],
              [cfg.omitted, 'omit_drivers', 'nothing'],
            ]
          : [[cfg.early, '', 'log']]; // initramfs-tools: the file is the list
    for (const [entries, list, missing] of lists) {
      for (const m of entries) {
        const optional = cfg.generator === 'mkinitcpio' && m.name.endsWith('?');
        out.push({ ...mention(m.module, m.name, m.loc, cfg.generator, list === '' ? m.file.systemPath : `${list} in ${m.file.systemPath}`, optional ? 'nothing' : missing, undefined), optional, entry: m });
      }
    }
  }
  for (const source of host.configuredCmdlines) {
    for (const p of source.params) {
      if (p.afterDashDash || !(CMDLINE_MODULE_LISTS as readonly string[]).includes(p.key)) continue;
      for (const item of valueItems(p)) {
        const written = item.text.trim();
        if (written === '' || isPattern(written)) continue;
        // The name's own place, without the blanks a quoted list puts around it (a fix there must keep them);
        // an item placed at the whole parameter (its value is not verbatim in the file) keeps that place.
        const lead = item.text.length - item.text.trimStart().length;
        const loc = item.loc.end - item.loc.start === item.text.length ? { ...item.loc, start: item.loc.start + lead, end: item.loc.start + lead + written.length } : item.loc;
        out.push(mention(written.replaceAll('-', '_'), written, loc, 'cmdline', `${p.name}= in ${source.label}`, p.key === 'rd.driver.pre' || p.key === 'rd.driver.post' ? 'log' : 'nothing', undefined));
      }
    }
  }
  return out;
}

function mention(module: string, written: string, loc: Loc, place: MentionPlace, label: string, missing: ModuleMention['missing'], fact: ModprobeFact | undefined): ModuleMention {
  return { module, written, loc, place, label, missing, optional: false, fact, entry: undefined };
}
