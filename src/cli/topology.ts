import { relative, resolve } from 'node:path';
import { UsageError, type CliArgs } from './args.js';
import type { CliIo } from './io.js';
import { useColor } from './color.js';
import { topologyOfFiles } from '../topology/index.js';
import { topologyText } from './topology-text.js';
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { tempNameFor } from '../io/write.js';
import { describeFsError } from '../io/read.js';
import { InputError } from '../pipeline/inputs.js';
import { oneLine } from '../reporters/text.js';

/**
 * `vfio-lint topology [paths...]`: the host's CPUs with what each domain pins there, in the terminal,
 * or as a self-contained SVG with `--output FILE.svg`. Exit 0 when drawn, 2 when nothing could be.
 */
export async function topologyCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (args.live) throw new UsageError('topology --live: reading the live host is not available in this version; give the host\'s capabilities XML instead (virsh capabilities > capabilities.xml)');
  if (args.paths.length === 0) throw new UsageError('topology needs the host\'s capabilities XML (virsh capabilities > capabilities.xml), with the domain XML and /etc files to lay on it: vfio-lint topology capabilities.xml win11.xml /etc');
  const machines = topologyOfFiles(args.paths, { cwd: io.cwd, kind: args.kind, show: (p) => relative(io.cwd, p) || p });
  if (args.topologyOutput !== undefined) {
    const target = resolve(io.cwd, args.topologyOutput);
    if (!/\.svg$/i.test(target)) throw new UsageError(`topology --output writes SVG: give a file name ending in .svg (got ${args.topologyOutput})`);
    const { topologySvg } = await import('./topology-svg.js');
    const drawn = machines.filter((m) => m.map);
    if (drawn.length === 0) throw new InputError(oneLine(machines.flatMap((m) => m.notes)[0] ?? 'no host topology to draw'));
    const w = writeWhole(target, topologySvg(machines));
    if (w !== undefined) throw new InputError(`cannot write ${args.topologyOutput}: ${w}`);
    io.stderr(`vfio-lint: wrote ${args.topologyOutput}\n`);
    return 0;
  }
  const color = useColor(args.color, io.env, io.stdoutIsTTY);
  const width = io.stdoutIsTTY && io.columns ? io.columns : 80;
  io.stdout(machines.map((m) => topologyText(m, { color, width })).join('\n'));
  return machines.some((m) => m.map) ? 0 : 2;
}

/** Write a whole file or nothing: a temporary file beside it (O_EXCL), fsync, rename over the target. */
function writeWhole(target: string, text: string): string | undefined {
  const tmp = tempNameFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
    return undefined;
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    return describeFsError(err);
  }
}
