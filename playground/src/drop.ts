// Files and folders dropped on the page: each file the library can tell the kind of becomes a pane,
// named by its path inside what was dropped (a host tree's `etc/default/grub` keeps its place).
import { detectKind } from '../../src/lint-texts.js';

/** Bounds for a drop: a whole home folder dropped by mistake must not freeze the tab. */
const MAX_FILES = 200;
const MAX_BYTES = 4 * 1024 * 1024;

export interface Dropped {
  files: Array<{ path: string; text: string }>;
  skipped: string[];
}

export async function filesFromDrop(data: DataTransfer): Promise<Dropped> {
  const out: Dropped = { files: [], skipped: [] };
  const entries = [...data.items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const found: Array<{ path: string; file: File }> = [];
  for (const e of entries) await walk(e, found, out.skipped);
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
  if (/(^|\/)(proc|sys)$/.test(path)) {
    skipped.push(`${path}/ (a snapshot's /proc and /sys facts are read by the CLI, not here)`);
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, found, skipped);
  }
}
