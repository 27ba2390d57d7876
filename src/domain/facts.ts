import { attr, firstChild, parseXml, textContent, type XmlElement } from '../parsers/xml/index.js';
import { CpuSet } from '../core/cpuset.js';
import type { Loc } from '../core/range.js';
import type { SourceFile } from '../core/source.js';
import { hugepageBacking } from './hugepage-backing.js';
import { isPciHostdev } from './passthrough.js';
import { pinSource, type PinSource } from './pins.js';
import { onlineVcpus } from './vcpus.js';
import { domainView, usesVfio, type DomainView } from './view.js';

/**
 * What a machine keeps of one domain once the domain's own rules have run: values and the places
 * they come from, never the parsed tree (which is about 15 times the size of the text; issue 21).
 * The machine-scoped rules that read every domain read these. A new question a machine rule asks
 * of every domain is a new field here, computed from the view while the tree is alive; a fix that
 * edits one domain gets its view again (`viewAgain`).
 */
export interface DomainFacts {
  /** The file's path, as in `Loc.path`. */
  path: string;
  /** The file's text and line index: what a finding or a fix on the domain needs. */
  source: SourceFile;
  /** Where the file sits on the machine it describes (a session libvirt's domains are apart). */
  systemPath: string;
  /** The `<name>`'s text (the last one, as the view reads it). */
  name: string | undefined;
  /** The `<domain>` start tag. */
  rootTag: Loc;
  /** The first `<name>` and `<uuid>`: the trimmed text and where it is (the text inside, or the element when empty). */
  firstName: { text: string; at: Loc } | undefined;
  uuid: { text: string; at: Loc } | undefined;
  /** `<memory>` in bytes. */
  memoryBytes: number | undefined;
  /** `<memoryBacking><hugepages>`: each `<page>`'s size in bytes (undefined: unreadable, so the default); none for a bare `<hugepages/>`. */
  hugepages: { pageSizes: Array<number | undefined> } | undefined;
  /** Guest memory per huge page size, as src/domain/hugepage-backing.ts assigns it; `at` is the `<page>` (or `<hugepages>`) start tag. */
  backing: HugepageBackingFact[];
  hostdevs: HostdevFact[];
  /** The domain passes a device through with VFIO (src/domain/view.ts `usesVfio`). */
  usesVfio: boolean;
  /** The domain's own hint at the host CPU vendor: its `<cpu><vendor>` text and `<cpu><model>`. */
  cpu: DomainCpu | undefined;
  /** What the effective pinning is made of: `domainPins(d.pinning)` (src/domain/pins.ts). Kept instead of the pins, which hold an object per vCPU. */
  pinning: PinSource;
  /** The vCPUs online at start (src/domain/vcpus.ts). */
  onlineVcpus: CpuSet;
}

export interface HostdevFact {
  mode: string | undefined;
  type: string | undefined;
  /** `0000:01:00.0` form when the source gives a PCI address. */
  pciAddress: string | undefined;
  pciFunction: number | undefined;
  managed: boolean;
  /** The `<hostdev>` start tag. */
  at: Loc;
  /** The `<source><address>` start tag, else the `<hostdev>` one. */
  addressAt: Loc;
}

export interface HugepageBackingFact {
  sizeBytes: number | undefined;
  bytes: number;
  cells: number[] | undefined;
  hostNodes: CpuSet | undefined;
  hostNodesLoc: Loc | undefined;
  at: Loc;
}

/** The facts of a parsed domain. Nothing in the result refers to the tree. */
export function domainFacts(source: SourceFile, systemPath: string, view: DomainView): DomainFacts {
  const path = source.path;
  const root = view.root;
  const tag = (el: XmlElement): Loc => ({ path, start: el.start, end: el.startTagEnd });
  const nameEl = firstChild(root, 'name');
  const uuidEl = firstChild(root, 'uuid');
  const hp = view.memoryBacking?.hugepages;
  return {
    path,
    source,
    systemPath,
    name: view.name,
    rootTag: tag(root),
    firstName: nameEl ? { text: textContent(nameEl).trim(), at: contentLoc(path, nameEl) } : undefined,
    uuid: uuidEl ? { text: textContent(uuidEl).trim(), at: contentLoc(path, uuidEl) } : undefined,
    memoryBytes: view.memoryBytes,
    hugepages: hp ? { pageSizes: hp.pages.map((p) => p.sizeBytes) } : undefined,
    backing: hugepageBacking(view).map((b) => ({ sizeBytes: b.sizeBytes, bytes: b.bytes, cells: b.cells, hostNodes: b.hostNodes, hostNodesLoc: b.hostNodesLoc, at: tag(b.element) })),
    hostdevs: view.hostdevs.map((h) => {
      const address = firstChild(h.element, 'source');
      const addressEl = address && firstChild(address, 'address');
      return { mode: h.mode, type: h.type, pciAddress: h.pciAddress, pciFunction: h.pciFunction, managed: attr(h.element, 'managed')?.value === 'yes', at: tag(h.element), addressAt: tag(addressEl ?? h.element) };
    }),
    usesVfio: usesVfio(view),
    cpu: domainCpu(view),
    pinning: pinSource(view),
    onlineVcpus: CpuSet.fromIds(onlineVcpus(view)),
  };
}

/** A domain's `<cpu>`: its `<vendor>` text and its `<model>`. */
export interface DomainCpu {
  vendor: string | undefined;
  model: string | undefined;
}

/** The domain's `<cpu><vendor>` and `<cpu><model>`, undefined without a `<cpu>`. */
export function domainCpu(view: DomainView): DomainCpu | undefined {
  if (!view.cpu) return undefined;
  const vendorEl = firstChild(view.cpu.element, 'vendor');
  return { vendor: vendorEl ? textContent(vendorEl).trim() : undefined, model: view.cpu.model };
}

/** The domain's PCI host devices given with VFIO, picked as `pciHostdevs` picks them from a view. */
export function pciHostdevFacts(d: DomainFacts): HostdevFact[] {
  return d.hostdevs.filter(isPciHostdev);
}

/**
 * The domain's view again, from its text: for a machine rule's fix on one domain (the machine keeps
 * no tree). Parsing costs about what the first parse did, so it is for the few domains a finding
 * is made on, never for every domain.
 */
export function viewAgain(d: DomainFacts): DomainView {
  const root = parseXml(d.source.text).root;
  if (!root) throw new Error(`${d.path} no longer parses`);
  return domainView(d.path, root);
}

/** The text inside an element (`win10` of `<name>win10</name>`), or the element when it is empty. */
function contentLoc(path: string, el: XmlElement): Loc {
  return el.selfClosing || el.endTagStart === el.startTagEnd ? { path, start: el.start, end: el.end } : { path, start: el.startTagEnd, end: el.endTagStart };
}
