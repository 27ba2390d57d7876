import { join } from 'node:path';
import { readBytes } from './fs.js';
import type { RedactionCounts } from './redact.js';
import { OLDEST_SNAPSHOT_VERSION, SNAPSHOT_VERSION, type HostSnapshot, type LiveItem } from './types.js';

/** The facts file at the top of a snapshot folder: its presence is what makes a folder a snapshot. */
export const SNAPSHOT_FILE = 'vfio-lint-snapshot.json';
export const SNAPSHOT_FORMAT = 'vfio-lint-snapshot';
/** A snapshot's JSON holds capabilities and domain XML; real ones are well under 1 MiB. */
const MAX_SNAPSHOT_JSON = 64 * 1024 * 1024;

/** The content of vfio-lint-snapshot.json (docs/snapshot.md). */
export interface SnapshotDocument {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** `vfio-lint 0.1.0`: informative only. */
  writer: string;
  redaction: RedactionCounts;
  /**
   * The configuration files beside this file, by host path. `masked` ones are
   * symlinks to /dev/null, as on the host; `sameAs` names an earlier entry that is
   * the same file on the host (a symlink there, such as /lib -> usr/lib), and is a
   * relative symlink to it here, so the snapshot lints as the host does.
   */
  files: SnapshotFile[];
  /** Configuration files that exist but could not be copied, and why. */
  problems: Array<{ path: string; message: string }>;
  host: HostSnapshot;
}

export interface SnapshotFile {
  path: string;
  masked: boolean;
  sameAs: string | null;
}

/** A snapshot that cannot be read or written: one line, naming the path. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** The host facts of the snapshot folder `dir`, as `readLiveHost` gave them when it was written. */
export function readSnapshot(dir: string): HostSnapshot {
  return readSnapshotDocument(dir).host;
}

/** Read and check `dir/vfio-lint-snapshot.json`; a shortened document (docs/snapshot.md) is completed. Throws SnapshotError. */
export function readSnapshotDocument(dir: string): SnapshotDocument {
  const file = join(dir, SNAPSHOT_FILE);
  const r = readBytes(file, MAX_SNAPSHOT_JSON);
  if (!r.ok) throw new SnapshotError(`${file}: ${r.reason === 'missing' ? `no such file (a snapshot folder has ${SNAPSHOT_FILE} at its top)` : r.detail}`);
  let doc: unknown;
  try {
    doc = JSON.parse(r.bytes.toString('utf8'));
  } catch (err) {
    throw new SnapshotError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  const checked = completeDocument(doc);
  if (typeof checked === 'string') throw new SnapshotError(`${file}: ${checked}`);
  return checked;
}

/** Why `doc` is not a snapshot this vfio-lint reads, or undefined. */
export function checkDocument(doc: unknown): string | undefined {
  const r = completeDocument(doc);
  return typeof r === 'string' ? r : undefined;
}

/** Each top-level group of facts and the items it stands for when a document has no `read` list. */
const GROUP_ITEMS: Record<string, LiveItem[]> = {
  kernelRelease: ['kernel-release'],
  cmdline: ['cmdline'],
  iommu: ['iommu'],
  pci: ['pci'],
  modules: ['modules.loaded', 'modules.parameters', 'modules.builtin', 'modules.order', 'modules.installed'],
  hugepages: ['hugepages'],
  numa: ['numa'],
  cpu: ['cpu', 'cpuinfo'],
  boot: ['boot.efi', 'boot.entries', 'boot.grub', 'boot.proxmox', 'boot.uki'],
  initramfs: ['initramfs'],
  initramfsInputs: ['initramfs.inputs'],
  libvirt: ['libvirt.capabilities', 'libvirt.domains'],
};

/**
 * The document checked field by field, with what a shortened one leaves out
 * filled in: a missing nullable field is null, a missing list empty. An older
 * version is read the same way: what it did not record is left out. A group of
 * facts left out entirely is not known: it is listed in `unread` as not recorded,
 * so the host model says "unknown", never "none". Without a `read` list, every
 * group present counts as read (a hand-written snapshot for a bug report or a test).
 */
export function completeDocument(doc: unknown): SnapshotDocument | string {
  if (!isObject(doc) || doc.format !== SNAPSHOT_FORMAT) return `not a vfio-lint snapshot (no "format": "${SNAPSHOT_FORMAT}")`;
  if (typeof doc.version !== 'number') return 'has no format version';
  if (doc.version > SNAPSHOT_VERSION) return `format version ${doc.version} was written by a newer vfio-lint; this one reads version ${SNAPSHOT_VERSION}`;
  if (!Number.isInteger(doc.version) || doc.version < OLDEST_SNAPSHOT_VERSION) return `format version ${doc.version} is not one this vfio-lint reads (${OLDEST_SNAPSHOT_VERSION} to ${SNAPSHOT_VERSION})`;
  const host = doc.host;
  if (!isObject(host)) return '"host" is missing';
  const absent = Object.keys(GROUP_ITEMS).filter((k) => !(k in host));
  const hadRead = 'read' in host;
  const out: Record<string, unknown> = {};
  const problem = fill(host, HOST_SHAPE, 'host', out);
  if (problem) return problem;
  const completed = out as unknown as HostSnapshot;
  completed.version = SNAPSHOT_VERSION;
  if (!hadRead) {
    completed.read = Object.keys(GROUP_ITEMS)
      .filter((k) => !absent.includes(k))
      .flatMap((k) => GROUP_ITEMS[k]!)
      .filter((item) => !completed.unread.some((u) => u.item === item))
      .map((item) => ({ item, source: SNAPSHOT_FILE }));
  }
  for (const k of absent) {
    for (const item of GROUP_ITEMS[k]!) {
      if (!completed.unread.some((u) => u.item === item)) completed.unread.push({ item, source: SNAPSHOT_FILE, reason: 'missing', detail: `not recorded in this snapshot (no "${k}")` });
    }
  }
  const files = Array.isArray(doc.files) ? doc.files : [];
  const problems = Array.isArray(doc.problems) ? doc.problems : [];
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    writer: typeof doc.writer === 'string' ? doc.writer : '',
    redaction: (isObject(doc.redaction) ? doc.redaction : {}) as unknown as RedactionCounts,
    files: files as SnapshotFile[],
    problems: problems as SnapshotDocument['problems'],
    host: completed,
  };
}

type Shape = 'string' | 'number' | 'boolean' | 'string?' | 'number?' | 'boolean?' | 'strings' | 'strings?' | 'record' | { object: Record<string, Shape>; nullable?: true } | { array: Shape; nullable?: true };

const POOL: Shape = { object: { sizeKiB: 'number', total: 'number?', free: 'number?', reserved: 'number?', surplus: 'number?', overcommit: 'number?' } };
const FILE_FACT = { path: 'string', size: 'number', mtimeMs: 'number' } as const;
/** HostSnapshot's shape, field by field (src/live/types.ts); `?` allows null. */
const HOST_SHAPE: Record<string, Shape> = {
  version: 'number?',
  kernelRelease: 'string?',
  cmdline: 'string?',
  iommu: { object: { groups: { array: { object: { id: 'number', devices: 'strings' } } }, units: 'strings' } },
  pci: {
    array: {
      object: {
        address: 'string', vendor: 'string?', device: 'string?', subsystemVendor: 'string?', subsystemDevice: 'string?', class: 'string?',
        driver: 'string?', driverOverride: 'string?', iommuGroup: 'number?', bootVga: 'boolean?', numaNode: 'number?', resetMethods: 'strings?',
      },
    },
  },
  modules: {
    object: {
      loaded: { array: { object: { name: 'string', state: 'string', usedBy: 'strings' } }, nullable: true },
      parameters: 'record',
      builtin: 'strings?',
      order: 'strings?',
      installed: 'strings?',
    },
  },
  hugepages: { array: POOL },
  numa: { array: { object: { id: 'number', cpus: 'string?', hugepages: { array: POOL } } } },
  cpu: {
    object: {
      online: 'string?', possible: 'string?', present: 'string?', isolated: 'string?', nohzFull: 'string?', smtControl: 'string?',
      cpus: {
        array: {
          object: {
            id: 'number', online: 'boolean', packageId: 'number?', dieId: 'number?', clusterId: 'number?', coreId: 'number?', threadSiblings: 'string?',
            l3: { object: { id: 'number?', size: 'string?', sharedCpus: 'string?' }, nullable: true }, coreType: 'string?', capacity: 'number?',
          },
        },
      },
      vendor: 'string?', modelName: 'string?', family: 'number?', model: 'number?', flags: 'strings',
    },
  },
  boot: {
    object: {
      firmware: 'string?',
      efi: { object: { bootCurrent: 'string?', bootCurrentDescription: 'string?', bootCurrentPath: 'string?', loaderInfo: 'string?', loaderEntrySelected: 'string?', stubInfo: 'string?' }, nullable: true },
      entries: { array: { object: { path: 'string', mtimeMs: 'number', title: 'string?', version: 'string?', linux: 'string?', initrd: 'strings', options: 'string?' } } },
      grub: { object: { path: 'string', mtimeMs: 'number', linuxArgs: 'strings' }, nullable: true },
      proxmox: { object: { espCount: 'number', kernelCmdlineFile: 'boolean' }, nullable: true },
      ukis: { array: { object: FILE_FACT } },
    },
  },
  initramfs: { array: { object: { ...FILE_FACT, entry: 'string?', lister: 'string?', modules: 'strings?' } } },
  initramfsInputs: { array: { object: FILE_FACT } },
  libvirt: { object: { capabilities: 'string?', domains: { array: { object: { name: 'string', xml: 'string' } }, nullable: true } } },
  read: { array: { object: { item: 'string', source: 'string' } } },
  unread: { array: { object: { item: 'string', source: 'string', reason: 'string', detail: 'string' } } },
};

/** Check `value` against `shape`, writing the completed copy into `out`. */
function fill(value: Record<string, unknown>, shape: Record<string, Shape>, where: string, out: Record<string, unknown>): string | undefined {
  for (const [key, s] of Object.entries(shape)) {
    const r = complete(value[key], key in value, s, `${where}.${key}`);
    if (typeof r === 'string') return r;
    out[key] = r.value;
  }
  return undefined;
}

/** The value completed, or what is wrong with it. `given`: the key was there (a present null is not a missing value). */
function complete(v: unknown, given: boolean, s: Shape, where: string): { value: unknown } | string {
  if (typeof s === 'string') {
    const nullable = s.endsWith('?');
    const base = s.replace('?', '');
    if (!given) {
      if (nullable) return { value: null };
      if (base === 'strings') return { value: [] };
      if (base === 'record') return { value: {} };
      return `${where} is missing`;
    }
    if (v === null && nullable) return { value: null };
    if (base === 'strings') return Array.isArray(v) && v.every((x) => typeof x === 'string') ? { value: v } : `${where} should be a list of strings${nullable ? ' or null' : ''}`;
    if (base === 'record') return isObject(v) ? { value: v } : `${where} should be an object`;
    return typeof v === base ? { value: v } : `${where} should be a ${base}${nullable ? ' or null' : ''}`;
  }
  if (!given) {
    if (s.nullable) return { value: null };
    if ('array' in s) return { value: [] };
    return complete({}, true, s, where);
  }
  if (v === null && s.nullable) return { value: null };
  if ('array' in s) {
    if (!Array.isArray(v)) return `${where} should be a list`;
    const items: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = complete(v[i], true, s.array, `${where}[${i}]`);
      if (typeof r === 'string') return r;
      items.push(r.value);
    }
    return { value: items };
  }
  if (!isObject(v)) return `${where} should be an object`;
  const out: Record<string, unknown> = {};
  const problem = fill(v, s.object, where, out);
  return problem ?? { value: out };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
