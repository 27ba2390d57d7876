import type { Loc } from '../core/range.js';
import type { InitramfsConfig } from './facts.js';

/**
 * Does the image a generator builds carry the modprobe.d file at `systemPath`, so that its
 * options, softdeps and blacklists apply to the modules loaded inside the initramfs?
 *
 * - mkinitcpio: only through the `modconf` hook (install/modconf: /etc/modprobe.d and
 *   /usr/lib/modprobe.d, `*.conf`), or the file named in FILES.
 * - dracut: /usr/lib/modprobe.d always; /etc/modprobe.d only in a host-only image
 *   (modules.d/90kernel-modules: `[[ $hostonly ]] && inst_multiple -H -o /etc/modprobe.d/*.conf`),
 *   or the file named in install_items. Upstream's default is not host-only; distributions set
 *   it in /usr/lib/dracut/dracut.conf.d (Fedora: yes), so without a `hostonly=` here it is unknown.
 * - initramfs-tools: mkinitramfs copies /etc/modprobe.d/*.conf and /lib/modprobe.d/*.conf always.
 */
export type ModprobeInImage = { carried: true; how: string; at: Loc | undefined } | { carried: false; why: string; at: Loc | undefined; atSays: string } | { carried: 'unknown'; why: string };

export function modprobeInImage(cfg: InitramfsConfig, systemPath: string): ModprobeInImage {
  if (!systemPath.endsWith('.conf')) return { carried: false, why: 'only files ending in .conf are read', at: undefined, atSays: '' };
  const named = cfg.extraFiles.find((f) => pathMatches(f.path, systemPath));
  const listName = cfg.generator === 'mkinitcpio' ? 'FILES' : 'install_items';
  if (named) return { carried: true, how: `${listName} names it`, at: named.loc };
  const usrLib = systemPath.startsWith('/usr/lib/modprobe.d/') || systemPath.startsWith('/lib/modprobe.d/');
  switch (cfg.generator) {
    case 'initramfs-tools':
      return { carried: true, how: 'mkinitramfs copies every modprobe.d file', at: undefined };
    case 'mkinitcpio': {
      const modconf = cfg.hooks.find((h) => h.name === 'modconf');
      if (modconf) return { carried: true, how: 'the modconf hook copies it', at: modconf.loc };
      if (cfg.hooks.length === 0 || cfg.uncertain) return { carried: 'unknown', why: 'HOOKS is not known from the files given' };
      // HOOKS is not empty here (the return above).
      return { carried: false, why: 'HOOKS has no modconf and FILES does not name it', at: cfg.hooks[0]!.loc, atSays: 'HOOKS, without modconf' };
    }
    case 'dracut':
      if (usrLib) return { carried: true, how: 'dracut copies /usr/lib/modprobe.d always', at: undefined };
      if (!cfg.hostonly) return { carried: 'unknown', why: 'no file given sets hostonly, whose default is the distribution\'s' };
      if (cfg.hostonly.enabled) return { carried: true, how: 'the image is host-only (hostonly="yes")', at: cfg.hostonly.at };
      return { carried: false, why: 'the image is not host-only, which it must be to carry /etc/modprobe.d, and install_items does not name the file', at: cfg.hostonly.at, atSays: 'the image is made generic here' };
  }
}

/** A FILES / install_items word against a path: equal, or a shell glob (`/etc/modprobe.d/*.conf`, expanded when the config is sourced). */
function pathMatches(pattern: string, path: string): boolean {
  // A word without * ? [ reads as itself: its escaped regex matches only the same path.
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  try {
    return new RegExp(`^${re}$`).test(path);
    // Stryker disable next-line BlockStatement: an empty catch returns undefined, which find() takes as no match too
  } catch {
    return false;
  }
}
