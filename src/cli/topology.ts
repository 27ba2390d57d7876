import { relative } from 'node:path';
import { UsageError, type CliArgs } from './args.js';
import type { CliIo } from './io.js';
import { useColor } from './color.js';
import { topologyOfFiles } from '../topology/index.js';
import { topologyText } from './topology-text.js';

/**
 * `vfio-lint topology [paths...]`: the host's CPUs with what each domain pins there, in the terminal,
 * (the SVG view is not written yet). Exit 0 when drawn, 2 when nothing could be.
 */
export async function topologyCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (args.live) throw new UsageError('topology --live: reading the live host is not available in this version; give the host\'s capabilities XML instead (virsh capabilities > capabilities.xml)');
  if (args.paths.length === 0) throw new UsageError('topology needs the host\'s capabilities XML (virsh capabilities > capabilities.xml), with the domain XML and /etc files to lay on it: vfio-lint topology capabilities.xml win11.xml /etc');
  if (args.topologyOutput !== undefined) throw new UsageError('topology --output: the SVG map is not available in this version; the terminal map (without --output) shows the same information');
  const machines = topologyOfFiles(args.paths, { cwd: io.cwd, kind: args.kind, show: (p) => relative(io.cwd, p) || p });
  const color = useColor(args.color, io.env, io.stdoutIsTTY);
  const width = io.stdoutIsTTY && io.columns ? io.columns : 80;
  io.stdout(machines.map((m) => topologyText(m, { color, width })).join('\n'));
  return machines.some((m) => m.map) ? 0 : 2;
}

