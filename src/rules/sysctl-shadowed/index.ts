import { posix } from 'node:path';
import { defineRule } from '../../engine/rule.js';
import type { SysctlFact } from '../../host/facts.js';
import { isGlobKey } from '../../parsers/sysctl/index.js';
import { compareNames } from '../../host/dirs.js';
import { deleteLine } from '../../edit/lines.js';

const MAIN = '/etc/sysctl.conf';
/** Where Debian's systemd package links /etc/sysctl.conf into /etc/sysctl.d, and so where systemd-sysctl reads it. */
const MAIN_LINK = '99-sysctl.conf';

export const rule = defineRule({
  meta: {
    id: 'sysctl-shadowed',
    description: 'A sysctl setting that a later line or file sets to another value has no effect: systemd-sysctl applies files in name order and the last value wins.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    // Without sysctl files there is nothing that could shadow anything: no skip note to print.
    requires: [],
    messages: {
      sameFile: '{key} = {value} is set again later in this file, to {winner} (line {line}): the last assignment wins, so this line has no effect',
      laterFile: '{key} = {value} is overridden by {winnerPath}, which sets it to {winner}: systemd-sysctl reads the files of /etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d and /usr/lib/sysctl.d together in name order ({winnerName} after {name}) and the last value wins, so this line has no effect',
      mainFile: '{key} = {value} is overridden by /etc/sysctl.conf, which sets it to {winner}: where /etc/sysctl.conf is applied (Debian\'s systemd package links it as /etc/sysctl.d/99-sysctl.conf; `sysctl --system` reads it last) it comes after {name}, so this line has no effect; on a system that reads it neither way, this line wins instead',
    },
    sources: [
      'systemd, sysctl.d(5) (the four directories; a file in /etc overrides a same-named file in /run, /usr/local/lib and /usr/lib; all files are sorted by name whatever their directory, and for the same key the file with the latest name wins; `.` and `/` separators are the same key; glob keys do not apply to keys with their own assignment): https://www.freedesktop.org/software/systemd/man/latest/sysctl.d.html',
      'systemd `src/sysctl/sysctl.c` (a second assignment of a key replaces the first: "Overwriting earlier assignment of %s"): https://github.com/systemd/systemd/blob/main/src/sysctl/sysctl.c',
      'procps, sysctl(8) (`--system` reads the sysctl.d directories, then /etc/sysctl.conf): https://man7.org/linux/man-pages/man8/sysctl.8.html',
      'Debian 12 package systemd 252.39-1~deb12u2 (`apt-get download systemd`, `dpkg -c`): ships /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf; procps 2:4.0.2-3 ships /etc/sysctl.conf: https://packages.debian.org/bookworm/systemd',
    ],
  },
  check(ctx) {
    const byKey = new Map<string, SysctlFact[]>();
    for (const a of ctx.machine.host.sysctl.assignments) {
      // A glob writes only the keys no line names: it neither wins nor loses against an explicit key.
      if (isGlobKey(a.key)) continue;
      byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
    }
    for (const list of byKey.values()) {
      const winner = list.at(-1)!;
      for (const a of list.slice(0, -1)) {
        if (sameValue(a.value, winner.value)) continue;
        const path = a.file.systemPath;
        // Files under /usr and /run are the vendor's defaults: overriding them from /etc is the way to change them.
        if (!path.startsWith('/etc/')) continue;
        const data = { key: a.key, value: a.value, winner: winner.value, name: posix.basename(path) };
        const base = { at: a.loc, suggestions: [{ description: `Remove this line (${a.key} = ${a.value})`, fix: { edits: [deleteLine(a.file.source, a.loc)] } }] };
        if (winner.file === a.file) {
          const line = winner.file.source.text.slice(0, winner.loc.start).split('\n').length;
          ctx.report({ ...base, messageId: 'sameFile', data: { ...data, line }, related: [{ ...winner.loc, message: `this later line sets ${a.key} = ${winner.value}` }] });
          continue;
        }
        const related = [{ ...winner.loc, message: `this sets ${a.key} = ${winner.value}, and wins` }];
        if (winner.file.systemPath === MAIN) {
          // Read through the 99-sysctl.conf link, sysctl.conf comes before names that sort after the link: which wins depends on the tool.
          if (compareNames(posix.basename(path), MAIN_LINK) > 0) continue;
          ctx.report({ ...base, messageId: 'mainFile', data, severity: 'info', related });
          continue;
        }
        ctx.report({ ...base, messageId: 'laterFile', data: { ...data, winnerPath: winner.file.systemPath, winnerName: posix.basename(winner.file.systemPath) }, related });
      }
    }
  },
});

/** The same value as the kernel reads it: whitespace-separated words, decimal numbers compared as numbers. */
function sameValue(a: string, b: string): boolean {
  const words = (v: string) => v.trim().split(/\s+/).map((w) => (/^[+-]?\d+$/.test(w) ? String(BigInt(w)) : w));
  const x = words(a);
  const y = words(b);
  return x.length === y.length && x.every((w, i) => w === y[i]);
}
