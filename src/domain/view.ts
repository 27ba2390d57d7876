import { attr, childElements, firstChild, textContent, type XmlAttribute, type XmlElement } from '../parsers/xml/index.js';
import { parseLibvirtCpuset, type CpuSet } from '../core/cpuset.js';
import { parseLibvirtScaled } from '../core/units.js';
import type { Loc } from '../core/range.js';

/** A cpuset attribute, parsed once, with where it is. */
export interface CpusetValue {
  attr: XmlAttribute;
  loc: Loc;
  /** The set, or undefined when the text does not parse (then `error` says why). */
  set: CpuSet | undefined;
  error: string | undefined;
}

export interface VcpuPin {
  element: XmlElement;
  vcpu: number | undefined;
  cpuset: CpusetValue | undefined;
}

export interface IothreadPin {
  element: XmlElement;
  iothread: number | undefined;
  cpuset: CpusetValue | undefined;
}

export interface CpuFeature {
  element: XmlElement;
  name: string;
  policy: string;
}

export interface Topology {
  element: XmlElement;
  sockets: number | undefined;
  dies: number | undefined;
  clusters: number | undefined;
  cores: number | undefined;
  threads: number | undefined;
}

export interface HugepageRequest {
  element: XmlElement;
  /** Page size in bytes; undefined means the host's default huge page size. */
  sizeBytes: number | undefined;
}

export interface Hostdev {
  element: XmlElement;
  mode: string | undefined;
  type: string | undefined;
  /** `0000:01:00.0` form when the source gives a PCI address. */
  pciAddress: string | undefined;
  pciFunction: number | undefined;
}

/**
 * A typed view of one domain XML: the values rules ask about, each keeping the
 * element or attribute it came from so a finding can point at it and a fix can
 * edit it. Built once per parse, by one walk over the top-level children.
 */
export interface DomainView {
  path: string;
  root: XmlElement;
  name: string | undefined;
  devices: XmlElement | undefined;
  vcpu: {
    element: XmlElement;
    count: number | undefined;
    placement: string;
    cpuset: CpusetValue | undefined;
  } | undefined;
  cputune: {
    element: XmlElement;
    vcpupins: VcpuPin[];
    emulatorpin: { element: XmlElement; cpuset: CpusetValue | undefined } | undefined;
    iothreadpins: IothreadPin[];
  } | undefined;
  iothreads: number | undefined;
  cpu: {
    element: XmlElement;
    /** `custom` when the attribute is absent, as libvirt defaults it. */
    mode: string;
    topology: Topology | undefined;
    features: CpuFeature[];
    model: string | undefined;
  } | undefined;
  memoryBytes: number | undefined;
  memoryBacking: {
    element: XmlElement;
    hugepages: { element: XmlElement; pages: HugepageRequest[] } | undefined;
  } | undefined;
  hostdevs: Hostdev[];
  memballoons: XmlElement[];
  features: XmlElement | undefined;
  os: { element: XmlElement; firmware: string | undefined; machine: string | undefined } | undefined;
  /** `windows` when libosinfo says so or a `<hyperv>` block is present. */
  guestOs: 'windows' | 'linux' | 'macos' | undefined;
}

export function domainView(path: string, root: XmlElement): DomainView {
  const cpusetOf = (el: XmlElement, name = 'cpuset'): CpusetValue | undefined => {
    const a = attr(el, name);
    if (!a) return undefined;
    const parsed = parseLibvirtCpuset(a.value);
    return parsed.ok
      ? { attr: a, loc: { path, start: a.valueStart, end: a.valueEnd }, set: parsed.set, error: undefined }
      : { attr: a, loc: { path, start: a.valueStart, end: a.valueEnd }, set: undefined, error: parsed.message };
  };

  const view: DomainView = {
    path,
    root,
    name: undefined,
    devices: undefined,
    vcpu: undefined,
    cputune: undefined,
    iothreads: undefined,
    cpu: undefined,
    memoryBytes: undefined,
    memoryBacking: undefined,
    hostdevs: [],
    memballoons: [],
    features: undefined,
    os: undefined,
    guestOs: undefined,
  };

  for (const el of childElements(root)) {
    switch (el.name) {
      case 'name':
        view.name = textContent(el).trim();
        break;
      case 'vcpu':
        view.vcpu = {
          element: el,
          count: intOf(textContent(el)),
          placement: attr(el, 'placement')?.value ?? 'static',
          cpuset: cpusetOf(el),
        };
        break;
      case 'iothreads':
        view.iothreads = intOf(textContent(el));
        break;
      case 'cputune': {
        const emulator = firstChild(el, 'emulatorpin');
        view.cputune = {
          element: el,
          vcpupins: childElements(el, 'vcpupin').map((p) => ({ element: p, vcpu: intOf(attr(p, 'vcpu')?.value), cpuset: cpusetOf(p) })),
          emulatorpin: emulator ? { element: emulator, cpuset: cpusetOf(emulator) } : undefined,
          iothreadpins: childElements(el, 'iothreadpin').map((p) => ({ element: p, iothread: intOf(attr(p, 'iothread')?.value), cpuset: cpusetOf(p) })),
        };
        break;
      }
      case 'cpu': {
        const topo = firstChild(el, 'topology');
        view.cpu = {
          element: el,
          mode: attr(el, 'mode')?.value ?? 'custom',
          topology: topo
            ? {
                element: topo,
                sockets: intOf(attr(topo, 'sockets')?.value),
                dies: intOf(attr(topo, 'dies')?.value),
                clusters: intOf(attr(topo, 'clusters')?.value),
                cores: intOf(attr(topo, 'cores')?.value),
                threads: intOf(attr(topo, 'threads')?.value),
              }
            : undefined,
          features: childElements(el, 'feature').map((f) => ({ element: f, name: attr(f, 'name')?.value ?? '', policy: attr(f, 'policy')?.value ?? 'require' })),
          model: (() => {
            const m = firstChild(el, 'model');
            return m ? textContent(m).trim() : undefined;
          })(),
        };
        break;
      }
      case 'memory': {
        const bytes = parseLibvirtScaled(textContent(el).trim(), attr(el, 'unit')?.value, 'KiB');
        view.memoryBytes = bytes.ok ? bytes.bytes : undefined;
        break;
      }
      case 'memoryBacking': {
        const hp = firstChild(el, 'hugepages');
        view.memoryBacking = {
          element: el,
          hugepages: hp
            ? {
                element: hp,
                pages: childElements(hp, 'page').map((p) => {
                  const size = attr(p, 'size')?.value;
                  const parsed = size === undefined ? undefined : parseLibvirtScaled(size, attr(p, 'unit')?.value, 'KiB');
                  return { element: p, sizeBytes: parsed?.ok ? parsed.bytes : undefined };
                }),
              }
            : undefined,
        };
        break;
      }
      case 'devices':
        view.devices = el;
        for (const dev of childElements(el)) {
          if (dev.name === 'memballoon') view.memballoons.push(dev);
          else if (dev.name === 'hostdev') view.hostdevs.push(hostdevOf(dev));
        }
        break;
      case 'features':
        view.features = el;
        if (firstChild(el, 'hyperv')) view.guestOs ??= 'windows';
        break;
      case 'os':
        view.os = {
          element: el,
          firmware: attr(el, 'firmware')?.value,
          machine: (() => {
            const t = firstChild(el, 'type');
            return t ? attr(t, 'machine')?.value : undefined;
          })(),
        };
        break;
      case 'metadata': {
        const os = guestOsFromMetadata(el);
        if (os) view.guestOs = os;
        break;
      }
    }
  }
  return view;
}

/** A domain passes a device through with VFIO (the catalog's VFIO(d)). */
export function usesVfio(view: DomainView): boolean {
  return view.hostdevs.some((h) => (h.mode ?? 'subsystem') === 'subsystem' && (h.type === 'pci' || (h.type === 'mdev' && attr(h.element, 'model')?.value === 'vfio-pci')));
}

function hostdevOf(el: XmlElement): Hostdev {
  const source = firstChild(el, 'source');
  const address = source && firstChild(source, 'address');
  let pciAddress: string | undefined;
  let pciFunction: number | undefined;
  if (address) {
    // libvirt zeroes the address and reads each attribute given (virPCIDeviceAddressParseXML): a missing
    // one is 0. With none of domain, bus and slot the address is empty: no device is named.
    const num = (n: string) => {
      const v = attr(address, n)?.value;
      return v === undefined ? 0 : addressNumber(v);
    };
    const given = ['domain', 'bus', 'slot'].some((n) => attr(address, n) !== undefined);
    const [d, b, s, f] = [num('domain'), num('bus'), num('slot'), num('function')];
    if (given && [d, b, s, f].every(Number.isFinite)) {
      pciAddress = `${hex(d, 4)}:${hex(b, 2)}:${hex(s, 2)}.${f.toString(16)}`;
      pciFunction = f;
    }
  }
  return { element: el, mode: attr(el, 'mode')?.value, type: attr(el, 'type')?.value, pciAddress, pciFunction };
}

function guestOsFromMetadata(metadata: XmlElement): DomainView['guestOs'] {
  for (const child of childElements(metadata)) {
    if (!child.name.endsWith('libosinfo')) continue;
    for (const os of childElements(child)) {
      const id = attr(os, 'id')?.value ?? '';
      if (id.includes('microsoft.com/win')) return 'windows';
      if (id.includes('apple.com')) return 'macos';
      if (id !== '') return 'linux';
    }
  }
  return undefined;
}

/** A number as libvirt reads an address attribute (strtoul with base 0: 0x hex, a leading 0 octal); NaN when it would refuse it. */
function addressNumber(v: string): number {
  if (/^0[xX][0-9a-fA-F]+$/.test(v)) return Number.parseInt(v.slice(2), 16);
  if (/^0[0-7]*$/.test(v)) return Number.parseInt(v, 8);
  return /^[1-9]\d*$/.test(v) ? Number(v) : Number.NaN;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function intOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}
