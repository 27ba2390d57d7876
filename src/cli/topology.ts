import { relative } from 'node:path';
import { UsageError, type CliArgs } from './args.js';
import type { CliIo } from './io.js';
import { useColor } from './color.js';
import { topologyOfMachines } from '../topology/index.js';
import { topologyText } from './topology-text.js';
import { collectMachines } from '../pipeline/inputs.js';
import { liveMachines } from './live.js';

/**
 * `vfio-lint topology [--live] [paths...]`: the host's CPUs with what each domain pins there, in the terminal,
 * (the SVG view is not written yet). Exit 0 when drawn, 2 when nothing could be.
 */
export async function topologyCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (args.paths.length === 0 && !args.live) throw new UsageError('topology needs the host\'s topology: --live (this host), a snapshot folder, or its capabilities XML (virsh capabilities > capabilities.xml), with the domain XML and /etc files to lay on it: vfio-lint topology capabilities.xml win11.xml /etc');
  if (args.topologyOutput !== undefined) throw new UsageError('topology --output: the SVG map is not available in this version; the terminal map (without --output) shows the same information');
  // Snapshot folders bring their host's facts; --live joins the running host's to the first machine (and says what it read).
  const run = collectMachines(args.paths, { cwd: io.cwd, kind: args.kind });
  const machines = topologyOfMachines(liveMachines(run, args, io), { show: (p) => relative(io.cwd, p) || p });
  const color = useColor(args.color, io.env, io.stdoutIsTTY);
  const width = io.stdoutIsTTY && io.columns ? io.columns : 80;
  io.stdout(machines.map((m) => topologyText(m, { color, width })).join('\n'));
  return machines.some((m) => m.map) ? 0 : 2;
}

