import { collectMachines, type CollectOptions } from '../pipeline/inputs.js';
import { parseFile, readFile } from '../pipeline/load.js';
import { buildMachine } from '../model/build.js';
import { machineTopology, type MachineTopology } from './machine.js';
import type { TopologyFacts } from './facts.js';

export interface FileTopology extends MachineTopology {
  /** The machine's name when a folder held several, else undefined. */
  name: string | undefined;
  /** Files that could not be read or parsed, with why: the map is drawn from the rest. */
  problems: Array<{ path: string; message: string }>;
}

/**
 * Read files and folders as the linter does (one machine, or one per machine in a folder of several)
 * and return each machine's topology map. `live` facts, when given, apply to the first machine.
 */
export function topologyOfFiles(paths: readonly string[], options: CollectOptions & { live?: TopologyFacts; show?: (path: string) => string } = {}): FileTopology[] {
  const run = collectMachines(paths, options);
  return run.machines.map((m, i) => {
    const problems = m.unusable.map((u) => ({ path: (options.show ?? ((x: string) => x))(u.path), message: u.message }));
    const files = m.files.map((input) => {
      const r = readFile(input);
      const parsed = parseFile(r.source, input.kind, input.systemPath, r.failure);
      const fatal = parsed.problems.find((p) => p.severity === 'fatal');
      if (fatal) {
        const at = r.source.lines.point(fatal.start);
        problems.push({ path: `${(options.show ?? ((x: string) => x))(input.displayPath)}:${at.line}:${at.column}`, message: fatal.message });
      }
      return parsed;
    });
    return { name: m.name, problems, ...machineTopology(buildMachine(files), i === 0 ? options.live : undefined, options.show) };
  });
}
