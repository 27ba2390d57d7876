// Files and folders dropped on the page: each file the library can tell the kind of becomes a pane,
// named by its path inside what was dropped (a host tree's `etc/default/grub` keeps its place).
import { detectKind } from '../../src/lint-texts.js';

/** Bounds for a drop: a whole home folder dropped by mistake must not freeze the tab. */
const MAX_FILES = 200;
const MAX_BYTES = 4 * 1024 * 1024;

/** A snapshot folder's facts file (docs/snapshot.md): its presence makes the folder around it a snapshot. */
const SNAPSHOT_FILE = 'vfio-lint-snapshot.json';

export interface Dropped {
  files: Array<{ path: string; text: string }>;
  skipped: string[];
  /** The facts file of a snapshot folder among what was dropped (the first one), for lintTexts' `snapshot`. */
  snapshot?: { path: string; text: string };
}

export async function filesFromDrop(data: DataTransfer): Promise<Dropped> {
  const skipped: string[] = [];
  const entries = [...data.items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const found: Array<{ path: string; file: File }> = [];
  for (const e of entries) await walk(e, found, skipped);
  return filesFromFound(found, skipped);
}

/** Files picked with the folder button (`<input webkitdirectory>`): each named by its path inside the folder. */
export async function filesFromPicked(list: FileList): Promise<Dropped> {
  return filesFromFound([...list].map((file) => ({ path: file.webkitRelativePath || file.name, file })), []);
}

async function filesFromFound(all: ReadonlyArray<{ path: string; file: File }>, skipped: string[]): Promise<Dropped> {
  const out: Dropped = { files: [], skipped };
  // A snapshot's facts are its JSON, and its copies of /proc/cmdline and loader entries are files the
  // CLI lints with it: under a snapshot folder proc/ and sys/ are kept; elsewhere they are a live
  // system's, which the page cannot read.
  const snapshotDirs = all.filter((f) => baseName(f.path) === SNAPSHOT_FILE).map((f) => dirName(f.path));
  const found: Array<{ path: string; file: File }> = [];
  const told = new Set<string>();
  for (const f of all) {
    if (baseName(f.path) === SNAPSHOT_FILE) {
      if (!out.snapshot && f.file.size <= MAX_BYTES) out.snapshot = { path: f.path, text: await f.file.text() };
      else out.skipped.push(`${f.path} (only one snapshot is read at a time)`);
      continue;
    }
    const system = /^(.*?)(?:^|\/)(proc|sys)\//.exec(f.path);
    if (system && !snapshotDirs.includes(system[1]!)) {
      const dir = `${system[1] ? `${system[1]}/` : ''}${system[2]}/`;
      if (!told.has(dir)) out.skipped.push(`${dir} (a live system's /proc and /sys are read by the CLI: vfio-lint --live, or a snapshot folder)`);
      told.add(dir);
      continue;
    }
    found.push(f);
  }
  for (const { path, file } of found) {
    if (out.files.length >= MAX_FILES) {
      out.skipped.push(`${found.length - MAX_FILES} more files (at most ${MAX_FILES} are added)`);
      break;
    }
    if (file.size > MAX_BYTES) {
      out.skipped.push(`${path} (larger than ${MAX_BYTES / 1024 / 1024} MiB)`);
      continue;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer());
    } catch {
      out.skipped.push(`${path} (not UTF-8 text)`);
      continue;
    }
    if (!detectKind(path, text)) {
      out.skipped.push(`${path} (not a kind of file vfio-lint reads)`);
      continue;
    }
    out.files.push({ path, text });
  }
  return out;
}

async function walk(entry: FileSystemEntry, found: Array<{ path: string; file: File }>, skipped: string[]): Promise<void> {
  if (found.length > MAX_FILES) return;
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    found.push({ path, file: await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej)) });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, found, skipped);
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
