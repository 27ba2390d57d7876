import { accessSync, constants } from 'node:fs';
import type { Collector } from './collector.js';
import { moduleNameOf } from './modules.js';
import type { BootEntry, BootFacts, FileFact, InitramfsImage } from './types.js';

/** The listers, in the order tried: Debian/Ubuntu (initramfs-tools), Fedora/RHEL (dracut), Arch (mkinitcpio). */
const LISTERS = ['lsinitramfs', 'lsinitrd', 'lsinitcpio'] as const;

/**
 * The image names each distribution gives the running kernel's initramfs in /boot:
 * initrd.img-R (Debian, Ubuntu, Proxmox), initramfs-R.img (Fedora, RHEL), initrd-R
 * (openSUSE), and Arch's initramfs-linux[-lts|-zen|-hardened|-rt].img, whose name
 * comes from the package, not the release (its fallback image is not the one booted).
 */
export function imageNamesFor(release: string): string[] {
  const arch = /-(lts|zen|hardened|rt)(?:$|[-.])/.exec(release);
  return [`initrd.img-${release}`, `initramfs-${release}.img`, `initrd-${release}`, `initramfs-linux${arch ? `-${arch[1]}` : ''}.img`];
}

/**
 * The running kernel's images: those in /boot by name, then the copies its loader
 * entries name (on the ESP; the entry's `initrd` paths are relative to the
 * partition that holds the entry). Microcode images named beside them are not
 * initramfs images of the kernel and are left out.
 */
export function readInitramfs(c: Collector, release: string | null, boot?: Pick<BootFacts, 'entries' | 'proxmox'>): InitramfsImage[] {
  if (release === null) return [];
  const images: InitramfsImage[] = [];
  const seen = new Set<string>();
  const add = (path: string, entry: string | null) => {
    if (seen.has(path)) return;
    seen.add(path);
    const st = c.stat('initramfs', path);
    if (st === null) return;
    c.noteRead('initramfs', path);
    images.push({ path, size: st.size, mtimeMs: st.mtimeMs, entry, ...listImage(c, path) });
  };
  const names = c.list('initramfs', '/boot');
  if (names !== null) {
    const wanted = imageNamesFor(release).filter((n) => names.includes(n));
    if (wanted.length === 0) c.noteUnread('initramfs', '/boot', { reason: 'missing', detail: `no initramfs image for ${release} (looked for ${imageNamesFor(release).join(', ')})` });
    for (const name of wanted) add(`/boot/${name}`, null);
  }
  const entries = (boot?.entries ?? []).filter((e) => entryIsFor(e, release));
  // proxmox-boot-tool mounts its ESPs only while it copies to them: the copies the machine boots are out of sight.
  if (boot?.proxmox && entries.length === 0) c.noteUnread('initramfs', '/etc/kernel/proxmox-boot-uuids', { reason: 'missing', detail: `the ESPs proxmox-boot-tool copies the image to are not mounted, so their copies (what the machine boots) are not compared` });
  for (const e of entries) {
    const partition = e.path.slice(0, e.path.indexOf('/loader/entries/'));
    for (const initrd of e.initrd.flatMap((i) => i.split(/\s+/))) {
      if (initrd === '' || MICROCODE.test(initrd)) continue;
      add(`${partition}/${initrd.replace(/^\/+/, '')}`.replace(/^\/\//, '/'), e.path);
    }
  }
  return images;
}

/** Early microcode archives (intel-ucode.img, amd-ucode.img, early_ucode.cpio): loaded beside the initramfs, not built from its configuration. */
const MICROCODE = /(?:^|\/)[^/]*(?:ucode|microcode)[^/]*$/i;

/** Does this loader entry boot `release`? Its `version`, else the kernel's file name, says. */
function entryIsFor(e: BootEntry, release: string): boolean {
  if (e.version !== null) return e.version === release;
  return e.linux !== null && (e.linux.endsWith(`-${release}`) || e.linux.includes(`/${release}/`));
}

/**
 * The /etc files that go into an initramfs image, by generator: modprobe.d (every
 * generator copies it, some only in some setups: the rule asks the configuration),
 * mkinitcpio.conf and its drop-ins, dracut.conf and its drop-ins, initramfs-tools'
 * modules list: the ones vfio-lint also reads as configuration (src/host/discover.ts).
 * Only their times are kept: their text is among the configuration files. A link is followed (the generator copies what it
 * points to); a masked file (a link to /dev/null) is not a file and is left out.
 */
export const INITRAMFS_INPUT_FILES = ['/etc/modprobe.conf', '/etc/mkinitcpio.conf', '/etc/dracut.conf', '/etc/initramfs-tools/modules'];
export const INITRAMFS_INPUT_DIRS: ReadonlyArray<{ dir: string; suffix: string }> = [
  { dir: '/etc/modprobe.d', suffix: '.conf' },
  { dir: '/etc/mkinitcpio.conf.d', suffix: '.conf' },
  { dir: '/etc/dracut.conf.d', suffix: '.conf' },
];
const MAX_INPUT_DIR_ENTRIES = 4096;

export function readInitramfsInputs(c: Collector): FileFact[] {
  const out: FileFact[] = [];
  const add = (path: string) => {
    const st = c.stat('initramfs.inputs', path, true);
    if (st !== null && st.isFile) out.push({ path, size: st.size, mtimeMs: st.mtimeMs });
  };
  for (const path of INITRAMFS_INPUT_FILES) add(path);
  for (const { dir, suffix } of INITRAMFS_INPUT_DIRS) {
    const names = c.list('initramfs.inputs', dir, { optional: true, max: MAX_INPUT_DIR_ENTRIES });
    if (names === null) continue;
    for (const name of names) if (!name.startsWith('.') && name.endsWith(suffix)) add(`${dir}/${name}`);
  }
  c.noteRead('initramfs.inputs', '/etc');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function listImage(c: Collector, path: string): Pick<InitramfsImage, 'lister' | 'modules'> {
  try {
    accessSync(c.path(path), constants.R_OK);
  } catch {
    c.noteUnread('initramfs', path, { reason: 'permission', detail: 'this user may not read the image, so its modules are not listed' });
    return { lister: null, modules: null };
  }
  const absent: string[] = [];
  for (const lister of LISTERS) {
    const r = c.runTool(lister, [c.path(path)]);
    if (!r.ok && r.reason === 'tool-absent') {
      absent.push(lister);
      continue;
    }
    if (!r.ok) {
      c.noteUnread('initramfs', `${lister} ${path}`, r);
      return { lister, modules: null };
    }
    c.noteRead('initramfs', `${lister} ${path}`);
    return { lister, modules: modulesInListing(r.stdout) };
  }
  c.noteUnread('initramfs', path, { reason: 'tool-absent', detail: `no initramfs lister is installed (${absent.join(', ')}), so the image's modules are not listed` });
  return { lister: null, modules: null };
}

/** Module names in a lister's output: the last word of each line that names a `.ko` file (all three listers end lines with the path). */
export function modulesInListing(stdout: string): string[] {
  const names = new Set<string>();
  for (const line of stdout.split('\n')) {
    const last = line.trim().split(/\s+/).pop() ?? '';
    const name = moduleNameOf(last);
    if (name) names.add(name);
  }
  return [...names].sort();
}
