import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS } from '../helpers/corpus.js';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { capabilitiesView } from '../../src/host/capabilities.js';
import { hostTopology } from '../../src/host/topology.js';

const caps = (cpus: string) => capabilitiesView(parseXml(`<capabilities><host><topology><cells num='1'><cell id='0'><cpus num='9'>${cpus}</cpus></cell></cells></topology></host></capabilities>`).root!);

describe('host topology', () => {
  it('groups CPUs into cores by their siblings list, whatever the numbering', () => {
    // Siblings 0,4 as in libvirt's own capabilities example (not i and i+N/2 by assumption).
    const t = hostTopology(caps(`
      <cpu id='0' socket_id='0' core_id='0' siblings='0,4'/><cpu id='4' socket_id='0' core_id='0' siblings='0,4'/>
      <cpu id='1' socket_id='0' core_id='1' siblings='1-2'/><cpu id='2' socket_id='0' core_id='1' siblings='1-2'/>
      <cpu id='3' socket_id='0' core_id='2' siblings='3'/>`));
    expect(t.cores.map((c) => c.cpus.format())).toEqual(['0,4', '1-2', '3']);
    expect(t.coreOf(4)!.first).toBe(0);
    expect(t.coreOf(2)!.coreId).toBe(1);
    expect(t.coreOf(9)).toBeUndefined();
    expect(t.smt).toBe(true);
  });

  it('falls back to socket and core ids when siblings are missing', () => {
    const t = hostTopology(caps(`
      <cpu id='0' socket_id='0' core_id='0'/><cpu id='1' socket_id='1' core_id='0'/><cpu id='2' socket_id='0' core_id='0'/>`));
    expect(t.cores.map((c) => c.cpus.format())).toEqual(['0,2', '1']);
  });

  it('reads a real capabilities file: one thread per core is no SMT', () => {
    const text = readFileSync(join(CORPUS, 'libvirt-tests/capabilities/vircaps-x86_64-basic.xml'), 'utf8');
    const t = hostTopology(capabilitiesView(parseXml(text).root!));
    expect(t.cores.length).toBeGreaterThan(1);
    expect(t.smt).toBe(false);
    for (const core of t.cores) for (const c of core.cpus.toArray()) expect(t.coreOf(c)).toBe(core);
  });
});
