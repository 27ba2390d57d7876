import { defineRule } from '../../engine/rule.js';
import type { Suggestion } from '../../engine/fix.js';
import { attr, childElements, firstChild } from '../../parsers/xml/index.js';
import { insertAfter, insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { hostTopology } from '../../host/topology.js';
import { windowsGuest } from '../../domain/windows.js';
import type { DomainView } from '../../domain/view.js';
import type { CapabilitiesView } from '../../host/capabilities.js';
import { tagLoc, valueLoc } from '../locate.js';

const REQUIRED = ['sockets', 'cores', 'threads'] as const;
const OPTIONAL = ['dies', 'clusters'] as const;

export const rule = defineRule({
  meta: {
    id: 'topology-vcpu-mismatch',
    description: 'A guest CPU <topology> must multiply out to the <vcpu> count, and a Windows guest with more than two vCPUs needs one.',
    category: 'correctness',
    severity: 'error',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    optional: ['capabilities'],
    messages: {
      mismatch: "<topology> gives {product} vCPU{s} ({formula}) but <vcpu> is {count}: libvirt's QEMU driver refuses the domain (\"CPU topology doesn't match maximum vcpu count\")",
      incomplete: "<topology> {problem}: libvirt refuses the domain (sockets, cores and threads are required and must be positive; dies and clusters default to 1)",
      windowsNoTopology: 'Windows guest ({evidence}) with {count} vCPUs and no <topology>: libvirt then gives it {count} sockets of one core each, and Windows client editions use at most 2 sockets, so Windows 10/11 Pro runs on 2 of the {count} vCPUs and Home on 1 (the edition is not known from the XML)',
    },
    sources: [
      'libvirt `src/qemu/qemu_validate.c` (`qemuValidateDomainDefCpu`): "CPU topology doesn\'t match maximum vcpu count" when sockets*dies*clusters*cores*threads differs from the maximum vCPU count (QEMU 2.7 and later); the string is in Debian\'s libvirt-daemon-driver-qemu 9.0.0-4: https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_validate.c',
      'libvirt `src/conf/cpu_conf.c` (`virCPUDefParseXML`): sockets, cores and threads are required non-zero attributes, dies defaults to 1: https://gitlab.com/libvirt/libvirt/-/blob/master/src/conf/cpu_conf.c',
      'libvirt, Domain XML format, "CPU model and topology": https://libvirt.org/formatdomain.html#cpu-model-and-topology',
      'libvirt `src/qemu/qemu_command.c` (`qemuBuildSmpCommandLine`): without <topology>, `-smp N,sockets=N,cores=1,threads=1` (as in libvirt\'s tests/qemuxmlconfdata/*.args): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_command.c',
      'Socket limits of Windows client editions (Home 1, Pro and Education 2, Pro for Workstations 4; Microsoft publishes no table, the limit is the licence value Kernel-RegisteredProcessors): https://blog.poly.nomial.co.uk/2022-04-07-cpu-socket-and-core-count-limits-in-windows-10-and-how-to-remove-them.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const path = file.source.path;
    const count = view.vcpu ? view.vcpu.count : 1;
    const topo = view.cpu?.topology;

    if (topo) {
      const el = topo.element;
      // Each attribute as libvirt reads it: required ones must be present and non-zero, optional ones non-zero when given.
      for (const name of [...REQUIRED, ...OPTIONAL]) {
        const a = attr(el, name);
        const value = topo[name];
        const required = (REQUIRED as readonly string[]).includes(name);
        if (!a) {
          if (required) ctx.report({ messageId: 'incomplete', data: { problem: `has no ${name} attribute` }, at: tagLoc(path, el) });
          if (required) return;
          continue;
        }
        if (value === undefined || value === 0) {
          ctx.report({ messageId: 'incomplete', data: { problem: `has ${name}='${a.value}', which is not a positive number` }, at: valueLoc(path, a) });
          return;
        }
      }
      if (count === undefined) return;
      const factors = [topo.sockets!, topo.dies ?? 1, topo.clusters ?? 1, topo.cores!, topo.threads!];
      const product = factors.reduce((a, b) => a * b, 1);
      if (product === count) return;
      const formula = [`${topo.sockets} socket${topo.sockets === 1 ? '' : 's'}`, ...(topo.dies !== undefined ? [`${topo.dies} die${topo.dies === 1 ? '' : 's'}`] : []), ...(topo.clusters !== undefined ? [`${topo.clusters} cluster${topo.clusters === 1 ? '' : 's'}`] : []), `${topo.cores} core${topo.cores === 1 ? '' : 's'}`, `${topo.threads} thread${topo.threads === 1 ? '' : 's'}`].join(' x ');
      ctx.report({
        messageId: 'mismatch',
        data: { product, s: product === 1 ? '' : 's', formula, count },
        at: tagLoc(path, el),
        related: view.vcpu ? [{ ...tagLoc(path, view.vcpu.element), message: `<vcpu> is ${count}` }] : [],
        suggestions: coresSuggestion(view, file.source.text, path, count),
      });
      return;
    }

    if (count === undefined || count <= 2 || !view.vcpu) return;
    const win = windowsGuest(view);
    if (!win || win.server) return; // Windows Server editions take many sockets
    ctx.report({
      messageId: 'windowsNoTopology',
      data: { evidence: win.because, count },
      at: tagLoc(path, view.vcpu.element),
      // A <hyperv> block alone is a guess (Linux guests use enlightenments too): advice, not a fault.
      severity: win.evidence[0]!.kind === 'hyperv' ? 'info' : 'warning',
      suggestions: addTopology(view, file.source.text, path, count, ctx.machine.host.capabilities),
    });
  },
});

/** Keep sockets, dies, clusters and threads; set cores so the product is the vCPU count, when it divides. */
function coresSuggestion(view: DomainView, text: string, path: string, count: number): Suggestion[] {
  const t = view.cpu!.topology!;
  const rest = t.sockets! * (t.dies ?? 1) * (t.clusters ?? 1) * t.threads!;
  if (count % rest !== 0) return [];
  const cores = count / rest;
  return [{ description: `Set cores='${cores}' so the topology gives ${count} vCPUs`, fix: { edits: [setAttribute(path, text, t.element, 'cores', String(cores))] } }];
}

/**
 * One socket; two threads per core when the host has SMT (capabilities XML) and the count is even,
 * else one. The guest's thread pairs then match host sibling pairs when the pins do (vcpupin-smt-layout).
 */
function addTopology(view: DomainView, text: string, path: string, count: number, caps: CapabilitiesView | undefined): Suggestion[] {
  const threads = caps && hostTopology(caps).smt && count % 2 === 0 ? 2 : 1;
  const cpu = view.cpu;
  const q = cpu ? quoteOf(cpu.element) : quoteOf(view.vcpu!.element);
  const topology = `<topology sockets=${q}1${q} dies=${q}1${q} cores=${q}${count / threads}${q} threads=${q}${threads}${q}/>`;
  const edit = cpu ? insertLastChild(path, text, cpu.element, topology) : insertAfter(path, text, view.vcpu!.element, `<cpu>${topology}</cpu>`);
  const why = threads === 2 ? 'two threads per core, as the host has SMT' : caps ? 'one thread per core' : 'one thread per core (give capabilities XML to match the host\'s SMT)';
  return [{ description: `Add <topology>: 1 socket, ${count / threads} cores, ${why}`, fix: { edits: [edit] } }];
}
