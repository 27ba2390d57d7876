import { closeSync, constants, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { discoverHostTree } from '../host/discover.js';
import { MAX_INPUT_BYTES, readInput } from '../io/read.js';
import { readLiveHost, type LiveReadOptions } from './read.js';
import { readHostIdentity, Redactor } from './redact.js';
import { SNAPSHOT_VERSION } from './types.js';

import { SNAPSHOT_FILE, SNAPSHOT_FORMAT, SnapshotError, type SnapshotDocument, type SnapshotFile } from './document.js';

export { SNAPSHOT_FILE, SnapshotError, readSnapshot, readSnapshotDocument, checkDocument, type SnapshotDocument, type SnapshotFile } from './document.js';

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
    format: SNAPSHOT_FORMAT,
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
