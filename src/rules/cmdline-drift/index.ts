import { defineRule, type MachineContext, type RelatedLocation } from '../../engine/rule.js';
import type { Loc } from '../../core/range.js';
import type { CmdlineSource } from '../../host/facts.js';
import { compared, comparedText, diffCmdlines, loaderEntryInfo, newestLoaderEntry, type CmdlineDiff, type ComparedParam } from '../../host/boot-config.js';
import { cmdlineAnchor, regenerateCommand } from '../cmdline-anchor.js';

const list = (ps: readonly ComparedParam[]) => ps.map((p) => `\`${p.text}\``).join(', ');
/** Where a configured parameter is written: compared() keeps every parameter's fact (only comparedText(), the booted line, has none). */
const written = (p: ComparedParam): Loc => p.fact!.loc;

export const rule = defineRule({
  meta: {
    id: 'cmdline-drift',
    description: 'The kernel command line the machine boots with should be the one its configuration sets: an edit that was never regenerated into the boot loader\'s files, or never booted, or made in a file this boot loader does not read, does nothing.',
    category: 'stability',
    severity: 'warning',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['live'],
    messages: {
      notGenerated: '`{param}` is set in {file}, but {generated} lacks it ({entry}): the boot configuration was not regenerated since it was added, so the next boot goes without it. Run {command}, then reboot',
      generatedDiffers: '{file} sets {configured}, but {generated} has {other} ({entry}): the boot configuration was not regenerated since the change, so the next boot still uses the old value. Run {command}, then reboot',
      staleGenerated: '{generated} passes `{param}` ({entry}), which {file} no longer sets: the boot configuration was not regenerated since it was removed, so the next boot still has it. Run {command}, then reboot',
      grubNotRead: '{file} is not read when this host boots: it boots with {loader} ({from}), which takes its command line from {other}. Set only here, {params} never {reach} the kernel: put {them} in {other}{then}',
      twoSources: '{file} and {other} set different command lines (only in {file}: {onlyA}; only in {other}: {onlyB}): only the one the boot loader in use reads counts (systemd-boot, a UKI or proxmox-boot-tool: /etc/kernel/cmdline; GRUB: /etc/default/grub through grub.cfg). `bootctl status` or `proxmox-boot-tool status` says which one boots this host',
      notBooted: 'The running kernel was booted without `{param}`, which {file} sets: {known}',
      bootedDiffers: 'The running kernel was booted with {booted}, but {file} sets {configured}: {known}',
      bootedOnly: 'The running kernel was booted with `{param}`, which {file} does not set: {known}',
    },
    sources: [
      "Debian's 10_linux (grub-common 2.06-13+deb12u2, /etc/grub.d/10_linux, read from the .deb): each normal entry's `linux` line is `root=... ro ${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}`, with `rootflags=subvol=` prepended on btrfs and `$vt_handoff` appended on Ubuntu; grub.cfg is only written by grub-mkconfig: https://sources.debian.org/src/grub2/2.06-13%2Bdeb12u2/util/grub.d/10_linux.in/",
      'GNU GRUB manual, "Simple configuration": /etc/default/grub is read by grub-mkconfig, which must be run again after a change: https://www.gnu.org/software/grub/manual/grub/html_node/Simple-configuration.html',
      "systemd's kernel-install plugin 90-loaderentry.install (systemd 252.39-1~deb12u2, read from the .deb): the entry's `options` come from /etc/kernel/cmdline (else /usr/lib/kernel/cmdline, else /proc/cmdline without BOOT_IMAGE= and initrd=) when the entry is written, plus `systemd.machine_id=`: https://github.com/systemd/systemd/blob/v252/src/kernel-install/90-loaderentry.install.in",
      'Boot Loader Specification, type #1 entries (`options`; entries sorted by version, newest first): https://uapi-group.org/specifications/specs/boot_loader_specification/',
      'Proxmox VE Administration Guide, "Host Bootloader", "Editing the Kernel Commandline": systemd-boot hosts take the command line from /etc/kernel/cmdline, applied with `proxmox-boot-tool refresh`; GRUB hosts from /etc/default/grub with `update-grub`: https://pve.proxmox.com/pve-docs/chapter-sysadmin.html#sysboot_edit_kernel_cmdline',
      'Linux `Documentation/admin-guide/kernel-parameters.rst` (/proc/cmdline is the command line the running kernel was booted with; `ro` mounts the root read-only, the default): https://docs.kernel.org/admin-guide/kernel-parameters.html',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    const grub = host.configuredCmdlines.find((c) => c.kind === 'grub');
    const kc = host.configuredCmdlines.find((c) => c.kind === 'kernel-cmdline');
    const newest = newestLoaderEntry(host.configuredCmdlines);
    const entry = newest && !newest.params.some((p) => p.name.startsWith('$')) ? newest : undefined;
    const loader = host.live?.bootloader;
    // Stryker disable next-line StringLiteral: with no entry or no title, any text without 'proxmox' tests the same
    const proxmox = loader?.proxmoxBootTool === true || /proxmox/i.test(entry ? (loaderEntryInfo(entry).title ?? '') : '');
    // A GRUB command line built by a command or a condition is not known: nothing is compared with it.
    const grubKnown = host.grub?.uncertain !== true;
    // Per source compared with what was generated from it: the keys reported as not regenerated.
    // The live comparison does not repeat them, and says a reboot is pending for the others; it reads
    // only the source that boots (a grub.cfg says nothing of /etc/kernel/cmdline).
    const notRegenerated = new Map<CmdlineSource, Set<string>>();

    // A host the EFI variables say boots with systemd-boot or a UKI does not read /etc/default/grub, whether
    // or not a grub.cfg is left from before.
    const grubNotBooting = loader?.name === 'systemd-boot' || loader?.name === 'uki';

    // 1. /etc/default/grub against grub.cfg's default entry.
    const cfg = host.grubCfg?.defaultEntry;
    if (grub && grubKnown && cfg && !grubNotBooting) {
      const d = diffCmdlines(compared(grub.params), compared(cfg.params));
      const where = { generated: host.grubCfg!.file.systemPath, entry: `menu entry '${cfg.title}'` };
      notRegenerated.set(grub, reportGenerated(ctx, d, grub, where, { ...cfg.lineLoc, message: `the linux line of '${cfg.title}'` }, regenerateCommand(grub, proxmox)));
    }

    // 2. /etc/kernel/cmdline against the loader entry kernel-install wrote for the newest kernel.
    if (kc && entry) {
      const d = diffCmdlines(compared(kc.params), compared(entry.params));
      const info = loaderEntryInfo(entry);
      const where = { generated: entry.file.systemPath, entry: info.version ? `kernel ${info.version}` : (info.title ?? 'the newest entry') };
      notRegenerated.set(kc, reportGenerated(ctx, d, kc, where, { ...cmdlineAnchor(entry), message: 'the entry\'s options' }, regenerateCommand(kc, proxmox)));
    }

    // 3. /etc/default/grub on a host that boots with systemd-boot (or where no grub.cfg was given).
    const other = kc ?? entry;
    if (grub && grubKnown && other && (!host.grubCfg || grubNotBooting)) {
      const d = diffCmdlines(compared(grub.params), compared(other.params));
      const onlyGrub = [...d.onlyA, ...d.changed.flatMap((c) => c.a)];
      if (onlyGrub.length > 0 && grubNotBooting) {
        ctx.report({
          messageId: 'grubNotRead',
          data: { file: grub.label, loader: loader.name, from: loader.from, other: other.file.systemPath, params: list(onlyGrub), reach: onlyGrub.length === 1 ? 'reaches' : 'reach', them: onlyGrub.length === 1 ? 'it' : 'them', then: other.kind === 'bls-entry' ? ` (${regenerateCommand(other, proxmox)})` : `, then run ${regenerateCommand(other, proxmox)}` },
          at: cmdlineAnchor(grub),
          related: [{ ...cmdlineAnchor(other), message: 'the command line this host boots with comes from here' }],
        });
      } else if (onlyGrub.length + d.onlyB.length > 0 && loader?.name !== 'grub' && loader?.name !== 'systemd-boot' && loader?.name !== 'uki') {
        ctx.report({
          messageId: 'twoSources',
          severity: 'info',
          data: { file: grub.label, other: other.file.systemPath, onlyA: list(onlyGrub) || 'nothing', onlyB: list([...d.onlyB, ...d.changed.flatMap((c) => c.b)]) || 'nothing' },
          at: cmdlineAnchor(grub),
          related: [{ ...cmdlineAnchor(other), message: 'the other command line' }],
        });
      }
    }

    // 4. The booted command line (live host or snapshot) against the configuration that boots it.
    const live = host.live;
    if (live?.cmdline === undefined) return;
    const booting = bootingSource(loader?.name, grubKnown ? grub : undefined, kc ?? entry);
    if (!booting) return;
    const proc = host.cmdlines.find((c) => c.kind === 'proc-cmdline');
    const command = regenerateCommand(booting, proxmox);
    const stale = notRegenerated.get(booting);
    const reported = (key: string) => stale?.has(key) === true;
    const known = (key: string) =>
      booting.kind === 'bls-entry'
        ? `${booting.file.systemPath} is itself what systemd-boot reads, so another entry was booted, or the entry was changed after this boot: reboot into it`
        : stale
        ? 'the generated boot configuration already agrees with the file, so the host has not been rebooted since the change: a reboot is pending'
        : `whether the boot configuration was regenerated since is not known here (give vfio-lint ${booting.kind === 'grub' ? '/boot/grub/grub.cfg' : 'the loader entries'} to tell): run ${command}, then reboot`;
    const d = diffCmdlines(compared(booting.params), comparedText(live.cmdline));
    for (const p of d.onlyA) {
      if (reported(p.key)) continue;
      ctx.report({ messageId: 'notBooted', data: { param: p.text, file: booting.label, known: known(p.key) }, at: written(p) });
    }
    for (const c of d.changed) {
      if (reported(c.key)) continue;
      ctx.report({ messageId: 'bootedDiffers', data: { booted: list(c.b), configured: list(c.a), file: booting.label, known: known(c.key) }, at: written(c.a.at(-1)!) });
    }
    for (const p of d.onlyB) {
      if (reported(p.key)) continue;
      const inProc = proc?.params.find((q) => q.key === p.key);
      ctx.report({
        messageId: 'bootedOnly',
        data: { param: p.text, file: booting.label, known: known(p.key) },
        at: inProc?.loc ?? cmdlineAnchor(booting),
      });
    }
  },
});

/** Which configured source the running boot loader reads; undefined when that is not known and both are there. */
function bootingSource(loader: string | undefined, grub: CmdlineSource | undefined, systemdBoot: CmdlineSource | undefined): CmdlineSource | undefined {
  if (loader === 'grub') return grub;
  if (loader === 'systemd-boot' || loader === 'uki') return systemdBoot;
  if (grub && systemdBoot) return undefined;
  return grub ?? systemdBoot;
}

function reportGenerated(
  ctx: MachineContext,
  d: CmdlineDiff,
  source: CmdlineSource,
  where: { generated: string; entry: string },
  line: RelatedLocation,
  command: string,
): Set<string> {
  const notRegenerated = new Set<string>();
  const anchor: Loc = cmdlineAnchor(source);
  for (const p of d.onlyA) {
    notRegenerated.add(p.key);
    ctx.report({ messageId: 'notGenerated', data: { param: p.text, file: source.label, ...where, command }, at: written(p), related: [line] });
  }
  for (const c of d.changed) {
    notRegenerated.add(c.key);
    ctx.report({
      messageId: 'generatedDiffers',
      data: { file: source.label, configured: list(c.a), other: list(c.b), ...where, command },
      at: written(c.a.at(-1)!),
      related: c.b.map((b) => ({ ...written(b), message: `\`${b.text}\` in ${where.generated}` })),
    });
  }
  for (const p of d.onlyB) {
    notRegenerated.add(p.key);
    ctx.report({ messageId: 'staleGenerated', data: { param: p.text, file: source.label, ...where, command }, at: written(p), related: [{ ...anchor, message: `the command line in ${source.label}` }] });
  }
  return notRegenerated;
}
