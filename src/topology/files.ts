import { collectMachines, type CollectOptions } from '../pipeline/inputs.js';
import { parseFile, readFile } from '../pipeline/load.js';
import { buildMachine } from '../model/build.js';
import { withSnapshots, type MachineInputs } from '../live/inputs.js';
import type { DiscoveredFile } from '../host/discover.js';
import { machineTopology, type MachineTopology } from './machine.js';
import type { TopologyFacts } from './facts.js';

export interface FileTopology extends MachineTopology {
  /** The machine's name when a folder held several, else undefined. */
  name: string | undefined;
  /** Files that could not be read or parsed, with why: the map is drawn from the rest. */
  problems: Array<{ path: string; message: string }>;
}

type TopologyOptions = CollectOptions & { live?: TopologyFacts; show?: (path: string) => string };

/**
 * Read files and folders as the linter does (one machine, or one per machine in a folder of several;
 * a snapshot folder brings its host's facts) and return each machine's topology map. `live` facts,
 * when given, apply to the first machine.
 */
export function topologyOfFiles(paths: readonly string[], options: TopologyOptions = {}): FileTopology[] {
  return topologyOfMachines(collectMachines(paths, options).machines.flatMap(withSnapshots), options);
}

/** The maps of machines already collected (with their live facts, as `--live` joins them: src/cli/live.ts). */
export function topologyOfMachines(machines: ReadonlyArray<MachineInputs<DiscoveredFile>>, options: Pick<TopologyOptions, 'live' | 'show'> = {}): FileTopology[] {
  const show = options.show ?? ((x: string) => x);
  return machines.map((m, i) => {
    const problems = m.unusable.map((u) => ({ path: show(u.path), message: u.message }));
    const files = m.files.map((input) => {
      const r = readFile(input);
      const parsed = parseFile(r.source, input.kind, input.systemPath, r.failure);
      const fatal = parsed.problems.find((p) => p.severity === 'fatal');
      if (fatal) {
        const at = r.source.lines.point(fatal.start);
        problems.push({ path: `${show(input.displayPath)}:${at.line}:${at.column}`, message: fatal.message });
      }
      return parsed;
    });
    return { name: m.name, problems, ...machineTopology(buildMachine(files, undefined, m.live), i === 0 ? options.live : undefined, show) };
  });
}
