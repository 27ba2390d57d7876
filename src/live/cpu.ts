import { parseKernelCpuList } from '../core/cpuset.js';
import { int, type Collector } from './collector.js';
import type { CacheInfo, CpuFacts, CpuInfo } from './types.js';

const CPU = '/sys/devices/system/cpu';
const MAX_CPUS = 16384;

/** CPU topology from /sys/devices/system/cpu, hybrid core types, and the first processor of /proc/cpuinfo. */
export function readCpu(c: Collector): CpuFacts {
  const names = c.list('cpu', CPU, { max: MAX_CPUS + 64 });
  if (names !== null) c.noteRead('cpu', CPU);
  const pCores = cpuSetOf(c.attr('cpu', '/sys/devices/cpu_core/cpus', true));
  const eCores = cpuSetOf(c.attr('cpu', '/sys/devices/cpu_atom/cpus', true));
  const cpus: CpuInfo[] = [];
  for (const id of (names ?? []).filter((n) => /^cpu\d+$/.test(n)).map((n) => Number(n.slice(3))).sort((a, b) => a - b)) {
    const dir = `${CPU}/cpu${id}`;
    const topo = (f: string) => c.attr('cpu', `${dir}/topology/${f}`, true);
    const online = c.attr('cpu', `${dir}/online`, true);
    cpus.push({
      id,
      // cpu0 usually cannot go offline and has no `online` file.
      online: online === null ? true : online.trim() === '1',
      packageId: int(topo('physical_package_id')),
      dieId: int(topo('die_id')),
      clusterId: int(topo('cluster_id')),
      coreId: int(topo('core_id')),
      threadSiblings: topo('thread_siblings_list'),
      l3: readL3(c, dir),
      coreType: pCores?.has(id) ? 'core' : eCores?.has(id) ? 'atom' : null,
      capacity: int(c.attr('cpu', `${dir}/cpu_capacity`, true)),
    });
  }
  const info = readCpuinfo(c);
  return {
    online: c.attr('cpu', `${CPU}/online`),
    possible: c.attr('cpu', `${CPU}/possible`),
    present: c.attr('cpu', `${CPU}/present`),
    isolated: c.attr('cpu', `${CPU}/isolated`, true),
    nohzFull: c.attr('cpu', `${CPU}/nohz_full`, true),
    smtControl: c.attr('cpu', `${CPU}/smt/control`, true),
    cpus,
    ...info,
  };
}

function readL3(c: Collector, cpuDir: string): CacheInfo | null {
  const dir = `${cpuDir}/cache`;
  const indexes = c.list('cpu', dir, { optional: true });
  if (indexes === null) return null;
  for (const idx of indexes) {
    if (!/^index\d+$/.test(idx)) continue;
    const at = (f: string, optional = false) => c.attr('cpu', `${dir}/${idx}/${f}`, optional);
    if (at('level')?.trim() !== '3') continue;
    return { id: int(at('id', true)), size: at('size', true), sharedCpus: at('shared_cpu_list', true) };
  }
  return null;
}

function cpuSetOf(list: string | null) {
  if (list === null) return undefined;
  const r = parseKernelCpuList(list);
  return r.ok ? r.set : undefined;
}

/** The first processor's block of /proc/cpuinfo: on x86 every block has the same vendor, model and (almost) flags. */
function readCpuinfo(c: Collector): Pick<CpuFacts, 'vendor' | 'modelName' | 'family' | 'model' | 'flags'> {
  // The first block is well under 64 KiB; the whole file grows with the CPU count, so only a prefix is read.
  const text = c.text('cpuinfo', '/proc/cpuinfo', { prefix: true, max: 64 * 1024 });
  const fields = new Map<string, string>();
  if (text !== null) {
    c.noteRead('cpuinfo', '/proc/cpuinfo');
    for (const line of text.split('\n')) {
      if (line.trim() === '') {
        if (fields.size > 0) break;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
  }
  return {
    vendor: fields.get('vendor_id') ?? null,
    modelName: fields.get('model name') ?? null,
    family: int(fields.get('cpu family') ?? null),
    model: int(fields.get('model') ?? null),
    flags: (fields.get('flags') ?? '').split(/\s+/).filter((f) => f !== ''),
  };
}
