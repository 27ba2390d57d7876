import { accessSync, constants } from 'node:fs';
import type { Collector } from './collector.js';
import { moduleNameOf } from './modules.js';
import type { InitramfsImage } from './types.js';

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

export function readInitramfs(c: Collector, release: string | null): InitramfsImage[] {
  if (release === null) return [];
  const names = c.list('initramfs', '/boot');
  if (names === null) return [];
  const wanted = imageNamesFor(release).filter((n) => names.includes(n));
  if (wanted.length === 0) {
    c.noteUnread('initramfs', '/boot', { reason: 'missing', detail: `no initramfs image for ${release} (looked for ${imageNamesFor(release).join(', ')})` });
    return [];
  }
  const images: InitramfsImage[] = [];
  for (const name of wanted) {
    const path = `/boot/${name}`;
    const st = c.stat('initramfs', path);
    if (st === null) continue;
    c.noteRead('initramfs', path);
    images.push({ path, size: st.size, mtimeMs: st.mtimeMs, ...listImage(c, path) });
  }
  return images;
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
