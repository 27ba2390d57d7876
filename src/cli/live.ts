import { resolve } from 'node:path';
import type { DiscoveredFile } from '../host/discover.js';
import type { LiveHost } from '../host/live.js';
import { setLive, withSnapshots, type MachineInputs } from '../live/inputs.js';
import type { readLiveMachine } from '../live/read-machine.js';
import type { CollectedRun } from '../pipeline/inputs.js';
import { oneLine } from '../reporters/text.js';
import type { CliArgs } from './args.js';
import type { CliIo } from './io.js';
import { runningDomainPath, type RunningDomainJoin } from '../live/running-domains.js';

/**
 * The machines to lint with their live facts: each snapshot folder's, and with
 * `--live` the running host's (or, with --root DIR, the tree at DIR read as if
 * it ran), joined to the first machine. What could not be read is said on
 * standard error, one line each, as skipped rules are said. `readLive` is the running host's reader
 * (src/live/read-machine.ts), which the caller loads when `--live` is given.
 */
export function liveMachines(run: CollectedRun, args: CliArgs, io: CliIo, readLive: typeof readLiveMachine | undefined): Array<MachineInputs<DiscoveredFile>> {
  const machines = run.machines.flatMap(withSnapshots);
  if (args.live) {
    if (!readLive) throw new Error('--live without the live reader loaded');
    const root = args.root === undefined ? '/' : resolve(io.cwd, args.root);
    const read = readLive(root);
    const first = machines[0]!;
    const seen = new Set(first.files.map((f) => f.realPath));
    for (const f of read.files) if (!seen.has(f.realPath)) first.files.push(f);
    if (args.root === undefined) first.unusable.push(...read.problems);
    setLive(first, read.live);
  }
  for (const m of machines) if (m.live) io.stderr(liveSummary(m.live) + runningSummary(m.live, m.running));
  return machines;
}

/** Which file each running domain was linted from: its defined file, else the XML virsh gave. */
export function runningSummary(live: LiveHost, running: readonly RunningDomainJoin[]): string {
  const what = live.origin === 'live' ? `--live (${live.where})` : `snapshot ${live.where}`;
  return running
    .map((r) => `vfio-lint: ${what} running domain ${oneLine(r.name)}: ${r.definedAt ? `linted from its defined file ${oneLine(r.definedAt)}` : `no file defines it; linted from the XML virsh dumpxml gave, shown as ${oneLine(runningDomainPath(r.name))}, where nothing can be fixed`}\n`)
    .join('');
}

/** What a live read (or the snapshot it became) read, and what it could not, with why. */
export function liveSummary(live: LiveHost): string {
  const what = live.origin === 'live' ? `--live (${live.where})` : `snapshot ${live.where}`;
  const items = [...new Set(live.facts.read.map((r) => r.item))];
  const lines = [`vfio-lint: ${what} read: ${items.length > 0 ? items.join(', ') : 'nothing'}`];
  for (const u of live.unread) lines.push(`vfio-lint: ${what} could not read ${u.item} (${oneLine(u.source)}): ${u.reason}: ${oneLine(u.detail)}`);
  return `${lines.join('\n')}\n`;
}
