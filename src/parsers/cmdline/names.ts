/**
 * The name the kernel compares: `parameq()` treats '-' and '_' as equal everywhere in a
 * parameter name, the module prefix included. Case is kept (names are case-sensitive).
 */
export function paramKey(name: string): string {
  return name.indexOf('-') < 0 ? name : name.replaceAll('-', '_');
}

/**
 * Split a key into module and parameter at the first '.', the way both the kernel (built-in
 * module parameters) and kmod (`modname.param` on /proc/cmdline) do. Returns undefined when
 * there is no '.', or nothing before or after it.
 */
export function moduleOf(key: string): { module: string; param: string } | undefined {
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1) return undefined;
  return { module: key.slice(0, dot), param: key.slice(dot + 1) };
}
