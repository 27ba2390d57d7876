/**
 * systemd's `sysctl_normalize()`: if the first separator is '.', dots and slashes swap
 * (`net.ipv4.conf.enp3s0/200.forwarding` -> `net/ipv4/conf/enp3s0.200/forwarding`); if it is
 * '/', the key is kept. Then the path is simplified (empty and '.' components dropped, no
 * leading slash). The result is the path under /proc/sys.
 */
export function sysctlPath(key: string): string {
  let firstSep = -1;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 46 || c === 47) { firstSep = i; break; }
  }
  const swapped = firstSep >= 0 && key.charCodeAt(firstSep) === 46 ? swapSeparators(key) : key;
  if (swapped.indexOf('/') < 0) return swapped;
  return swapped.split('/').filter((part) => part !== '' && part !== '.').join('/');
}

/**
 * The dotted key used for matching: `vm/nr_hugepages`, `vm.nr_hugepages` and
 * `/vm//nr_hugepages` all give `vm.nr_hugepages`. A '.' inside a path component (an
 * interface name like `enp3s0.200`) shows as '/', the same way `sysctl -a` prints it.
 */
export function canonicalSysctlKey(key: string): string {
  return swapSeparators(sysctlPath(key));
}

/** systemd's `string_is_glob()`: the key contains '*', '?' or '['. */
export function isGlobKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 42 || c === 63 || c === 91) return true;
  }
  return false;
}

function swapSeparators(s: string): string {
  if (s.indexOf('.') < 0 && s.indexOf('/') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    out += c === '.' ? '/' : c === '/' ? '.' : c;
  }
  return out;
}
