import { closeSync, constants, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { discoverHostTree } from '../host/discover.js';
import { MAX_INPUT_BYTES, readInput } from '../io/read.js';
import { readBytes } from './fs.js';
import { readLiveHost, type LiveReadOptions } from './read.js';
import { readHostIdentity, Redactor, type RedactionCounts } from './redact.js';
import { SNAPSHOT_VERSION, type HostSnapshot } from './types.js';

/** The facts file at the top of a snapshot folder. */
export const SNAPSHOT_FILE = 'vfio-lint-snapshot.json';
const FORMAT = 'vfio-lint-snapshot';
/** A snapshot's JSON holds capabilities and domain XML; real ones are well under 1 MiB. */
const MAX_SNAPSHOT_JSON = 64 * 1024 * 1024;

/** The content of vfio-lint-snapshot.json (docs/snapshot.md). */
export interface SnapshotDocument {
  format: typeof FORMAT;
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

/** A snapshot's contents, redacted, before it is written: each file's bytes, or null for a link. */
export interface BuiltSnapshot {
  document: SnapshotDocument;
  files: Array<SnapshotFile & { bytes: Buffer | null }>;
}

export interface BuildOptions extends LiveReadOptions {
  /** The redaction key; random by default (tests and fixtures give a fixed one). */
  key?: Buffer;
  writer?: string;
}

/** A snapshot that cannot be read or written: one line, naming the path. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/**
 * Everything a snapshot holds, read from the host at `root` and redacted: the
 * live facts, and every configuration file vfio-lint reads there (the files
 * `discoverHostTree` finds, so the snapshot lints as the host does).
 */
export function buildSnapshot(root = '/', options: BuildOptions = {}): BuiltSnapshot {
  const redactor = new Redactor(readHostIdentity(root), options.key);
  const host = redactor.value(readLiveHost(root, options));
  const tree = discoverHostTree(root, 'root');
  const files: BuiltSnapshot['files'] = [];
  const problems = tree.problems.map((p) => ({ path: hostPathOf(root, p.path), message: p.message }));
  const firstPathOf = new Map<string, string>();
  for (const f of tree.files) {
    if (f.masked) {
      files.push({ path: f.systemPath, masked: true, sameAs: null, bytes: null });
      continue;
    }
    const first = firstPathOf.get(f.realPath);
    if (first !== undefined) {
      files.push({ path: f.systemPath, masked: false, sameAs: first, bytes: null });
      continue;
    }
    firstPathOf.set(f.realPath, f.systemPath);
    const read = f.preread ? { ok: true as const, bytes: Buffer.from(f.preread.bytes) } : readInput(f.realPath, MAX_INPUT_BYTES);
    if (!read.ok) {
      problems.push({ path: f.systemPath, message: read.message });
      continue;
    }
    // Bytes as latin1: one char per byte, so redaction (ASCII patterns) leaves every other byte as it was.
    files.push({ path: f.systemPath, masked: false, sameAs: null, bytes: Buffer.from(redactor.text(Buffer.from(read.bytes).toString('latin1')), 'latin1') });
  }
  const document: SnapshotDocument = {
    format: FORMAT,
    version: SNAPSHOT_VERSION,
    writer: options.writer ?? 'vfio-lint',
    redaction: redactor.counts,
    files: files.map((f) => ({ path: f.path, masked: f.masked, sameAs: f.sameAs })),
    problems: redactor.value(problems),
    host,
  };
  return { document, files };
}

/** `/etc/x` for a discovery path under `root`. */
function hostPathOf(root: string, path: string): string {
  const r = resolve(root);
  const p = resolve(path);
  if (r === '/') return p;
  return p.startsWith(r + sep) ? p.slice(r.length) : p;
}

/**
 * Write a snapshot to `dir`, which must not exist: everything goes into a new
 * private directory beside it (mode 0700, files 0600: it may hold root-only
 * configuration), each file created exclusively and fsynced, then the directory
 * is renamed to `dir` in one step. On any failure nothing is left behind.
 */
export function writeSnapshot(dir: string, built: BuiltSnapshot): void {
  const target = resolve(dir);
  if (existsSync(target) || isLink(target)) throw new SnapshotError(`${dir}: already exists; give a new directory for the snapshot`);
  const parent = dirname(target);
  if (!existsSync(parent)) throw new SnapshotError(`${dir}: the directory ${parent} does not exist`);
  const tmp = join(parent, `.${basename(target)}.vfio-lint-${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    mkdirSync(tmp, { mode: 0o700 });
  } catch (err) {
    throw new SnapshotError(`${dir}: cannot create a directory beside it: ${(err as Error).message}`);
  }
  try {
    for (const f of built.files) {
      const path = inside(tmp, f.path);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      if (f.masked) symlinkSync('/dev/null', path);
      else if (f.sameAs !== null) symlinkSync(relative(dirname(path), inside(tmp, f.sameAs)), path);
      else if (f.bytes !== null) writeNew(path, f.bytes);
    }
    writeNew(join(tmp, SNAPSHOT_FILE), Buffer.from(`${JSON.stringify(built.document, null, 2)}\n`));
    syncDir(tmp);
    // rename() would replace an empty directory made meanwhile; a non-empty one makes it fail.
    renameSync(tmp, target);
    syncDir(parent);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err instanceof SnapshotError ? err : new SnapshotError(`${dir}: could not write the snapshot: ${(err as Error).message}`);
  }
}

/** `hostPath` placed under `base`, refusing any path that would leave it. */
function inside(base: string, hostPath: string): string {
  const parts = hostPath.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '..' || p === '.')) throw new SnapshotError(`refusing to write ${hostPath}: not a plain path`);
  const path = join(base, ...parts);
  if (!path.startsWith(base + sep)) throw new SnapshotError(`refusing to write ${hostPath}: outside the snapshot`);
  return path;
}

function writeNew(path: string, bytes: Buffer): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse; the data is written either way.
  }
}

function isLink(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

/** The host facts of the snapshot folder `dir`, as `readLiveHost` gave them when it was written. */
export function readSnapshot(dir: string): HostSnapshot {
  return readSnapshotDocument(dir).host;
}

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
  const problem = checkDocument(doc);
  if (problem) throw new SnapshotError(`${file}: ${problem}`);
  return doc as SnapshotDocument;
}

/** Why `doc` is not a version 1 snapshot, or undefined. Checks every field's kind, not every value. */
export function checkDocument(doc: unknown): string | undefined {
  if (!isObject(doc) || doc.format !== FORMAT) return `not a vfio-lint snapshot (no "format": "${FORMAT}")`;
  if (typeof doc.version !== 'number') return 'has no format version';
  if (doc.version > SNAPSHOT_VERSION) return `format version ${doc.version} was written by a newer vfio-lint; this one reads version ${SNAPSHOT_VERSION}`;
  if (doc.version !== SNAPSHOT_VERSION) return `format version ${doc.version} is not one this vfio-lint reads (${SNAPSHOT_VERSION})`;
  const host = doc.host;
  if (!isObject(host)) return '"host" is missing';
  return checkShape(host, HOST_SHAPE, 'host');
}

type Shape = 'string' | 'number' | 'boolean' | 'string?' | 'number?' | 'boolean?' | 'strings' | 'strings?' | 'record' | { object: Record<string, Shape>; nullable?: true } | { array: Shape; nullable?: true };

const POOL: Shape = { object: { sizeKiB: 'number', total: 'number?', free: 'number?', reserved: 'number?', surplus: 'number?', overcommit: 'number?' } };
const FILE_FACT = { path: 'string', size: 'number', mtimeMs: 'number' } as const;
/** HostSnapshot's shape, field by field (src/live/types.ts); `?` allows null. */
const HOST_SHAPE: Record<string, Shape> = {
  version: 'number',
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
      firmware: 'string',
      efi: { object: { bootCurrent: 'string?', bootCurrentDescription: 'string?', bootCurrentPath: 'string?', loaderInfo: 'string?', loaderEntrySelected: 'string?', stubInfo: 'string?' }, nullable: true },
      entries: { array: { object: { path: 'string', mtimeMs: 'number', title: 'string?', version: 'string?', linux: 'string?', initrd: 'strings', options: 'string?' } } },
      grub: { object: { path: 'string', mtimeMs: 'number', linuxArgs: 'strings' }, nullable: true },
      proxmox: { object: { espCount: 'number', kernelCmdlineFile: 'boolean' }, nullable: true },
      ukis: { array: { object: FILE_FACT } },
    },
  },
  initramfs: { array: { object: { ...FILE_FACT, lister: 'string?', modules: 'strings?' } } },
  libvirt: { object: { capabilities: 'string?', domains: { array: { object: { name: 'string', xml: 'string' } }, nullable: true } } },
  read: { array: { object: { item: 'string', source: 'string' } } },
  unread: { array: { object: { item: 'string', source: 'string', reason: 'string', detail: 'string' } } },
};

function checkShape(value: Record<string, unknown>, shape: Record<string, Shape>, where: string): string | undefined {
  for (const [key, s] of Object.entries(shape)) {
    const problem = checkValue(value[key], s, `${where}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}

function checkValue(v: unknown, s: Shape, where: string): string | undefined {
  if (typeof s === 'string') {
    const nullable = s.endsWith('?');
    if (v === null && nullable) return undefined;
    const base = s.replace('?', '');
    if (base === 'strings') return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `${where} should be a list of strings${nullable ? ' or null' : ''}`;
    if (base === 'record') return isObject(v) ? undefined : `${where} should be an object`;
    return typeof v === base ? undefined : `${where} should be a ${base}${nullable ? ' or null' : ''}`;
  }
  if (v === null && s.nullable) return undefined;
  if ('array' in s) {
    if (!Array.isArray(v)) return `${where} should be a list`;
    for (let i = 0; i < v.length; i++) {
      const p = checkValue(v[i], s.array, `${where}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  return isObject(v) ? checkShape(v, s.object, where) : `${where} should be an object`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
