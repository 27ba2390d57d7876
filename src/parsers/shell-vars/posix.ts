import type { ParseProblem } from '../../core/problem.js';
import type { ParsedShellFile } from './types.js';

/**
 * Bash-only syntax that POSIX sh consumers must reject. /etc/default/grub is sourced by
 * /bin/sh, which is dash on Debian and Ubuntu: there `X+=...` and `X=(...)` stop
 * grub-mkconfig (catalog 2.9, semantics 4). mkinitcpio and dracut run bash and accept both.
 */
export function nonPosixProblems(file: ParsedShellFile): ParseProblem[] {
  const out: ParseProblem[] = [];
  for (const s of file.statements) {
    for (const a of s.assignments) {
      if (a.operator === '+=') {
        out.push({
          start: a.start,
          end: a.end,
          severity: 'error',
          code: 'shell-plus-assign-not-posix',
          message: `'${a.name}+=' is bash syntax: dash (/bin/sh on Debian and Ubuntu) runs it as a command that is not found, and grub-mkconfig stops; write ${a.name}="$${a.name} ..." instead`,
        });
      }
      if (a.array) {
        out.push({
          start: a.start,
          end: a.end,
          severity: 'error',
          code: 'shell-array-not-posix',
          message: `'${a.name}=( ... )' is a bash array: dash (/bin/sh on Debian and Ubuntu) stops with a syntax error; use a quoted string`,
        });
      }
    }
  }
  return out;
}
