import { defineRule, type Loc } from '../../engine/rule.js';
import type { InitramfsConfig } from '../../host/facts.js';
import type { InitramfsImage, LiveHost } from '../../host/live.js';
import { modprobeInImage } from '../../host/initramfs-contents.js';
import { isPattern } from '../../host/module-mentions.js';
import type { HostModel } from '../../host/model.js';
import type { ParsedFile } from '../../model/file.js';

type Generator = InitramfsConfig['generator'];

/** The command that rebuilds the running kernel's image. */
const REBUILD: Record<Generator, string> = {
  mkinitcpio: 'mkinitcpio -P',
  dracut: 'dracut --force',
  'initramfs-tools': 'update-initramfs -u',
};
/** Which generator installed each lister (the packages that ship them). */
const LISTER_OF: Record<string, Generator> = { lsinitcpio: 'mkinitcpio', lsinitrd: 'dracut', lsinitramfs: 'initramfs-tools' };

export const rule = defineRule({
  meta: {
    id: 'initramfs-stale',
    description: 'The initramfs the running kernel boots with must be built from the configuration as it is now: rebuilt after a file that goes into it changed, and holding every module the configuration adds.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    // The running host says what the image holds and when it was built; the configuration says what goes in.
    // Without an initramfs configuration there is nothing to compare: nothing to say, not a skipped check.
    requires: ['live', 'initramfs-image'],
    optional: ['initramfs', 'modprobe'],
    messages: {
      older:
        '{file} was modified ({fileTime}) after the initramfs image {image} was built ({imageTime}), and the image holds a copy of it ({how}): until the image is rebuilt, the early boot uses the old version. Rebuild it: {command}',
      olderCopy:
        '{file} was modified ({fileTime}) after {image} was made ({imageTime}): that is the copy of the initramfs that the loader entry {entry} boots, so the early boot uses the old version of the file; the image in /boot it is copied from {fresh} ({command})',
      lacksModule:
        '{module} is added to the initramfs here, but the image {image} holds no {module} module ({lister} lists the image; the running kernel has {module} installed as a module, not built in): {when}. Rebuild it: {command}',
    },
    sources: [
      'mkinitcpio `mkinitcpio` (MODULES are added with `add_module`; a missing one is an error, and the image is still written), `install/modconf` (copies /etc/modprobe.d/*.conf), `lsinitcpio -a`: https://gitlab.archlinux.org/archlinux/mkinitcpio/mkinitcpio',
      'dracut dracut.conf(5) (`add_drivers+=`, `force_drivers+=`, `omit_drivers+=`, `hostonly`), `modules.d/90kernel-modules/module-setup.sh` (/etc/modprobe.d in a host-only image), lsinitrd(1): https://github.com/dracutdevs/dracut',
      'initramfs-tools initramfs-tools(7) (/etc/initramfs-tools/modules: "modules to include in the initramfs"), `mkinitramfs` (copies /etc/modprobe.d/*.conf), `update-initramfs -u`, lsinitramfs(8); Debian package initramfs-tools 0.142+deb12u3: https://salsa.debian.org/kernel-team/initramfs-tools',
      'Proxmox VE, "Host Bootloader": proxmox-boot-tool copies kernels and initrds to the ESPs, `proxmox-boot-tool refresh` copies them again: https://pve.proxmox.com/wiki/Host_Bootloader',
      'systemd kernel-install(8) (90-loaderentry.install copies the initrd to $BOOT/ENTRY-TOKEN/VERSION/) and the Boot Loader Specification (`initrd` paths are relative to the partition holding the entry): https://uapi-group.org/specifications/specs/boot_loader_specification/',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    const live = host.live;
    // requires ['live', 'initramfs-image'] runs this only with both present (src/model/build.ts): the test narrows the types.
    // Stryker disable next-line ConditionalExpression,LogicalOperator,OptionalChaining: never true when the rule runs (see above)
    if (!live?.initramfs || !live.initramfsInputs) return;
    const images = live.initramfs;
    const times = live.initramfsInputs;
    const reported = new Set<string>();

    for (const image of images) {
      const cfg = generatorOf(host.initramfs, image);
      if (!cfg) continue;
      const command = REBUILD[cfg.generator];

      // A module the configuration adds and the image lacks.
      if (image.modules !== null && !cfg.uncertain) {
        const inImage = new Set(image.modules);
        const omitted = new Set(cfg.omitted.map((m) => m.module));
        const seen = new Set<string>();
        for (const m of [...cfg.early, ...cfg.included]) {
          if (seen.has(m.module) || inImage.has(m.module) || omitted.has(m.module)) continue;
          seen.add(m.module);
          // Certain only for a module the running kernel has as a file: a built-in one is never in an image, a missing one is another problem.
          if (live.modules.builtin(m.module) !== false || live.modules.installed(m.module) !== true) continue;
          const changed = times.get(m.file.systemPath);
          const when =
            changed && changed.mtimeMs > image.mtimeMs
              ? `this file was modified (${time(changed.mtimeMs)}) after the image was built (${time(image.mtimeMs)})`
              : `the image was built (${time(image.mtimeMs)}) after this file last changed, so its last build left the module out or it was not built from this configuration: read the generator's output when rebuilding`;
          ctx.report({
            messageId: 'lacksModule',
            data: { module: m.module, image: image.path, lister: image.lister ?? 'the lister', when, command: commandFor(image, command, live) },
            at: m.loc,
          });
          reported.add(m.file.systemPath);
        }
      }

      // A file that goes into the image, changed after it was built.
      for (const f of inputsOf(cfg, host, image)) {
        if (reported.has(f.file.systemPath)) continue;
        const changed = times.get(f.file.systemPath);
        if (!changed || changed.mtimeMs <= image.mtimeMs) continue;
        reported.add(f.file.systemPath);
        const at = f.at;
        if (image.entry === null) {
          ctx.report({
            messageId: 'older',
            data: { file: f.file.systemPath, fileTime: time(changed.mtimeMs), image: image.path, imageTime: time(image.mtimeMs), how: f.how, command: commandFor(image, command, live) },
            at,
          });
        } else {
          const source = images.find((i) => i.entry === null);
          const fresh = source && source.mtimeMs >= changed.mtimeMs ? `was built after the change (${time(source.mtimeMs)}): copy it to the ESP again` : source ? `is older than the change too: rebuild it (${command}), which copies it where a hook does` : 'was not found: rebuild the image and copy it to the ESP';
          ctx.report({
            messageId: 'olderCopy',
            data: { file: f.file.systemPath, fileTime: time(changed.mtimeMs), image: image.path, imageTime: time(image.mtimeMs), entry: image.entry, fresh, command: copyTool(live) },
            at,
          });
        }
      }
    }
  },
});

/**
 * The configuration the image was built from: the only one given, else the one
 * whose lister listed the image. Two configurations and no lister: unknown.
 */
function generatorOf(configs: readonly InitramfsConfig[], image: InitramfsImage): InitramfsConfig | undefined {
  if (configs.length === 1) return configs[0];
  const byLister = image.lister ? LISTER_OF[image.lister] : undefined;
  return byLister ? configs.find((c) => c.generator === byLister) : undefined;
}

/**
 * The files of the configuration that go into the image, each with how it gets there and where
 * to report. A modprobe.d file counts only when it is about a module the image holds or the
 * configuration adds (or the image's modules are not known, or it names a pattern): the old copy
 * of a line about a module never loaded from the image changes nothing.
 */
function inputsOf(cfg: InitramfsConfig, host: HostModel, image: InitramfsImage): Array<{ file: ParsedFile; how: string; at: Loc }> {
  const out = cfg.files.map((file) => ({ file, how: `${cfg.generator} builds the image from it`, at: firstLine(file) }));
  // Unknown (no lister): every file counts.
  const inImage = image.modules === null ? undefined : new Set([...image.modules, ...cfg.early.map((m) => m.module), ...cfg.included.map((m) => m.module)]);
  for (const file of host.modprobe.effective) {
    const carried = modprobeInImage(cfg, file.systemPath);
    if (carried.carried !== true) continue;
    const facts = host.modprobe.facts.filter((f) => f.file === file);
    const relevant = facts.find((f) => !inImage || [f.module, ...f.pre, ...f.post].some((m) => inImage.has(m) || isPattern(m)));
    if (relevant) out.push({ file, how: carried.how, at: relevant.loc });
  }
  return out;
}

/** The first line that says something (not blank, not a comment), for a finding about the whole file. */
function firstLine(f: ParsedFile): Loc {
  const text = f.source.text;
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    const lead = line.length - line.trimStart().length;
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) return { path: f.source.path, start: start + lead, end: start + line.trimEnd().length };
    start = end + 1;
  }
  return { path: f.source.path, start: 0, end: 0 };
}

/** An image in /boot is rebuilt by the generator; on a proxmox-boot-tool host that also copies it to the ESPs. */
function commandFor(image: InitramfsImage, command: string, live: LiveHost): string {
  if (image.entry !== null) return `${command}, then copy it to the ESP (${copyTool(live)})`;
  return live.bootloader?.proxmoxBootTool ? `${command} (its hook runs proxmox-boot-tool refresh, which copies it to the ESPs)` : command;
}

function copyTool(live: LiveHost): string {
  return live.bootloader?.proxmoxBootTool ? 'proxmox-boot-tool refresh' : "the tool that put it there: kernel-install add, or the distribution's hook";
}

/** `2024-11-20 21:05 UTC`: the same text wherever the lint runs. */
function time(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
