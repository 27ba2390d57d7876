/** Top-level directories of a system tree: where a path's system part can start. */
export const SYSTEM_TOPS = ['etc', 'usr', 'lib', 'run', 'boot', 'efi', 'proc', 'sys'];

/**
 * How sure a path makes us. `system`: the whole pattern matched (`…/etc/modprobe.d/x.conf`).
 * `folder`: a telling folder and the name matched (`modprobe.d/x.conf` at a repo's top).
 * `name`: only a name or a plain folder matched (`grub`, `default/grub`), which the content must confirm.
 */
export type PathStrength = 'system' | 'folder' | 'name';

export interface PathMatch {
  /** The file's place on the system it describes (`/etc/modprobe.d/x.conf`). */
  systemPath: string;
  strength: PathStrength;
  /** The pattern that matched, for the reason shown to the user. */
  pattern: string;
  /** How many trailing path parts matched: the longer match wins between kinds. */
  parts: number;
}

/**
 * A path's parts as discovery reads them: `etc-dracut.conf.d` is `etc/dracut.conf.d`
 * (a repo that flattened its tree), and a `.txt` on the name is a copy's
 * extension (`grub.txt` is a `grub`).
 */
export function normalParts(path: string): string[] {
  const parts: string[] = [];
  for (const p of path.replaceAll('\\', '/').split('/')) {
    if (p === '' || p === '.') continue;
    const m = /^([a-z]+)[-_](.+)$/.exec(p);
    if (m && SYSTEM_TOPS.includes(m[1]!) && m[2]!.includes('.')) parts.push(m[1]!, m[2]!);
    else parts.push(p);
  }
  const last = parts.at(-1);
  if (last !== undefined && last.length > 4 && last.endsWith('.txt')) parts[parts.length - 1] = last.slice(0, -4);
  return parts;
}

/** Does one path part match one pattern part? `*` matches any run of characters; a hidden name never matches a glob. */
function partMatches(pattern: string, part: string): boolean {
  if (!pattern.includes('*')) return pattern === part;
  if (part.startsWith('.')) return false;
  const [head, ...rest] = pattern.split('*');
  if (!part.startsWith(head!)) return false;
  let at = head!.length;
  for (let i = 0; i < rest.length; i++) {
    const piece = rest[i]!;
    if (i === rest.length - 1) return part.length - piece.length >= at && part.endsWith(piece);
    const found = part.indexOf(piece, at);
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}

/**
 * Match a path against one system path pattern by its trailing parts. The
 * longest tail that matches decides: the whole pattern is `system`; a tail
 * with a folder whose name has a dot (`modprobe.d`, `dracut.conf.d`) or a name
 * with a dot (`mkinitcpio.conf`) is `folder`; any other tail, such as a bare
 * `grub` or `default/grub`, is `name`. A glob alone (`*.conf`) matches nothing.
 */
export function matchPattern(parts: readonly string[], pattern: string): PathMatch | undefined {
  const pat = pattern.split('/').filter((p) => p !== '');
  const max = Math.min(pat.length, parts.length);
  let k = 0;
  while (k < max && partMatches(pat[pat.length - 1 - k]!, parts[parts.length - 1 - k]!)) k++;
  if (k === 0) return undefined;
  const matched = pat.slice(pat.length - k);
  const systemPath = `/${[...pat.slice(0, pat.length - k), ...parts.slice(parts.length - k)].join('/')}`;
  if (k === pat.length) return { systemPath, strength: 'system', pattern, parts: k };
  const name = matched.at(-1)!;
  const dirs = matched.slice(0, -1);
  if (dirs.length === 0 && name.includes('*')) return undefined;
  const telling = dirs.some((d) => d.includes('.')) || (!name.includes('*') && name.includes('.'));
  return { systemPath, strength: telling ? 'folder' : 'name', pattern, parts: k };
}

const RANK: Record<PathStrength, number> = { system: 3, folder: 2, name: 1 };

/** The better of two matches: the stronger, then the longer. */
export function betterMatch(a: PathMatch | undefined, b: PathMatch | undefined): PathMatch | undefined {
  if (!a) return b;
  if (!b) return a;
  if (RANK[a.strength] !== RANK[b.strength]) return RANK[a.strength] > RANK[b.strength] ? a : b;
  return b.parts > a.parts ? b : a;
}

/**
 * Where a domain XML sits on its machine when its path shows libvirt's own folders:
 * `…/etc/libvirt/qemu/x.xml` is `/etc/libvirt/qemu/x.xml` (the system's), and
 * `…/home/me/.config/libvirt/qemu/x.xml` a user's session libvirt. `index` is
 * where that part starts in `parts`.
 */
export function libvirtPlace(parts: readonly string[]): { index: number; place: string } | undefined {
  for (let i = parts.length - 2; i >= 0; i--) {
    if (parts[i] === 'etc' && parts[i + 1] === 'libvirt') return { index: i, place: `/${parts.slice(i).join('/')}` };
    if (parts[i] === 'home' && parts[i + 2] === '.config' && parts[i + 3] === 'libvirt') return { index: i, place: `/${parts.slice(i).join('/')}` };
  }
  return undefined;
}
