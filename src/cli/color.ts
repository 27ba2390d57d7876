/**
 * Whether to colour the report. The flag wins; then FORCE_COLOR (as Node and
 * chalk read it: set and not "0"/"false" means on); then NO_COLOR (any
 * non-empty value means off, per no-color.org); else colour only on a terminal
 * that is not `TERM=dumb`.
 */
export function useColor(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>, stdoutIsTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return stdoutIsTTY && env.TERM !== 'dumb';
}
