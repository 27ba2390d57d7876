import { closeSync, lstatSync, openSync, readSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { UsageError, type CliArgs } from './args.js';
import type { CliIo } from './io.js';
import { useColor } from './color.js';
import { topologyOfMachines, topologySvg } from '../topology/index.js';
import { topologyText } from './topology-text.js';
import { collectMachines, InputError } from '../pipeline/inputs.js';
import { liveMachines } from './live.js';
import { readLiveMachine } from '../live/read-machine.js';
import { writeOutputFile } from '../io/write.js';
import { oneLine } from '../reporters/text.js';

/**
 * `vfio-lint topology [--live] [paths...]`: the host's CPUs with what each domain pins there, in the terminal,
 * or with `--output FILE` as an SVG image. Exit 0 when drawn, 2 when nothing could be.
 */
export async function topologyCommand(args: CliArgs, io: CliIo): Promise<number> {
  if (args.paths.length === 0 && !args.live) throw new UsageError('topology needs the host\'s topology: --live (this host), a snapshot folder, or its capabilities XML (virsh capabilities > capabilities.xml), with the domain XML and /etc files to lay on it: vfio-lint topology capabilities.xml win11.xml /etc');
  const target = args.topologyOutput === undefined ? undefined : resolve(io.cwd, args.topologyOutput);
  // Refused before any reading: a typo must not cost a run, nor replace a file that is not an image.
  if (target !== undefined) {
    const refusal = notReplaceable(target);
    if (refusal) throw new InputError(`cannot write ${args.topologyOutput}: ${refusal}`);
  }
  // Snapshot folders bring their host's facts; --live joins the running host's to the first machine (and says what it read).
  const run = collectMachines(args.paths, { cwd: io.cwd, kind: args.kind });
  const machines = topologyOfMachines(liveMachines(run, args, io, readLiveMachine), { show: (p) => relative(io.cwd, p) || p });
  const drawn = machines.some((m) => m.map);
  if (target === undefined) {
    const color = useColor(args.color, io.env, io.stdoutIsTTY);
    const width = io.stdoutIsTTY && io.columns ? io.columns : 80;
    io.stdout(machines.map((m) => topologyText(m, { color, width })).join('\n'));
    return drawn ? 0 : 2;
  }
  if (!drawn) {
    // What is missing, as the terminal says it; no image of nothing.
    io.stdout(machines.map((m) => topologyText(m, { color: false, width: 80 })).join('\n'));
    io.stderr(`vfio-lint: nothing to draw; ${oneLine(args.topologyOutput!)} not written\n`);
    return 2;
  }
  const w = writeOutputFile(target, Buffer.from(topologySvg(machines), 'utf8'));
  if (!w.ok) throw new InputError(`cannot write ${args.topologyOutput}: ${w.message}`);
  io.stderr(`vfio-lint: wrote the CPU map to ${oneLine(args.topologyOutput!)}\n`);
  return 0;
}

/**
 * Why `path` must not be replaced by the image: a directory, or an existing file that is not an SVG
 * image (most likely an input named by mistake: `--output win11.xml`). Undefined when it may be.
 */
function notReplaceable(path: string): string | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return undefined; // absent (or unreachable: the write says why)
  }
  if (st.isDirectory()) return 'is a directory; give a file name (vfio-lint topology --output pinning.svg ...)';
  if (!st.isFile()) return undefined; // the write refuses it with the reason
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n > 0 && !head.subarray(0, n).toString('latin1').includes('<svg')) return 'it exists and is not an SVG image; not replacing it (remove it first, or choose another name)';
  } catch {
    return undefined; // unreadable: the write says why, if it fails too
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return undefined;
}
