import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { buildSnapshot, SNAPSHOT_FILE, writeSnapshot } from '../live/snapshot.js';
import { UsageError, type CliArgs } from './args.js';
import type { CliIo } from './io.js';

/**
 * `vfio-lint snapshot DIR`: read this host (or the tree given with --root),
 * write the redacted snapshot folder, and say what was read and what was not.
 */
export function snapshotCommand(args: CliArgs, io: CliIo, version: string): number {
  const root = args.root === undefined ? '/' : resolve(io.cwd, args.root);
  if (args.root !== undefined && !isDir(root)) throw new UsageError(`--root takes a directory that stands for / (got ${args.root})`);
  const dir = resolve(io.cwd, args.snapshotDir!);
  const built = buildSnapshot(root, { writer: `vfio-lint ${version}` });
  writeSnapshot(dir, built);
  const { document: doc } = built;
  const shown = relative(io.cwd, dir) || dir;
  const lines = [`Wrote ${shown}/ (${SNAPSHOT_FILE} and ${doc.files.length} configuration file${doc.files.length === 1 ? '' : 's'}).`, '', 'Read:'];
  for (const r of doc.host.read) lines.push(`  ${r.item.padEnd(21)} ${r.source}`);
  const notRead = [...doc.host.unread.map((u) => ({ what: `${u.item.padEnd(21)} ${u.source}`, why: `${u.reason}: ${u.detail}` })), ...doc.problems.map((p) => ({ what: `${'config'.padEnd(21)} ${p.path}`, why: p.message }))];
  if (notRead.length > 0) {
    lines.push('', 'Not read:');
    for (const n of notRead) lines.push(`  ${n.what}`, `      ${n.why}`);
  }
  const c = doc.redaction;
  lines.push('', `Redacted: ${c.uuids} UUIDs, ${c.filesystemIds} filesystem ids, ${c.macs} MAC addresses, ${c.machineIds} machine ids, ${c.hostnames} host names, ${c.serials} serial numbers.`);
  lines.push('Read it through before you post it: paths, VM names and IP addresses are kept (docs/snapshot.md).');
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
