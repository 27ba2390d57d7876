/** The host's CPU topology as data to draw and to ask: facts (any source), layout, pinning laid on it, a proposed layout. */
export { factsFromCapabilities, type TopologyFacts, type TopologyCpuFact, type CacheFact, type NodeFact } from './facts.js';
export { buildLayout, formatBytes, type TopologyLayout, type PackageGroup, type NodeGroup, type L3Group, type CoreGroup } from './layout.js';
export { pinningMap, type PinningMap, type PinnedDomain, type CpuUse, type CpuRole, type Conflict, type ConflictKind } from './usage.js';
export { planPins, describePlan, type PinPlan } from './plan.js';
export { machineTopology, disagreements, hostLayout, liveTopologyFacts, type MachineTopology } from './machine.js';
export { factsFromSnapshot } from './live-facts.js';
export { topologyOfFiles, topologyOfMachines, type FileTopology } from './files.js';
export { domainNuma, numaProblems, type DomainNuma } from './numa.js';
export { topologySvg } from './svg.js';
