// The shared corpus as the benchmark sees it: the manifest's files by kind, and
// a config file that describes the whole corpus as machines for one CLI run.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS = resolve(ROOT, '../shared/corpus');

/** Rows of MANIFEST.tsv: `{ path (relative), abs, kind }`. */
export function manifest(corpus = CORPUS) {
  const file = join(corpus, 'MANIFEST.tsv');
  if (!existsSync(file)) throw new Error(`no corpus at ${corpus} (MANIFEST.tsv missing)`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cols = line.split('\t');
      return { path: cols[0], abs: join(corpus, cols[0]), kind: cols[5] };
    });
}

export const isXmlKind = (kind) => kind === 'domain-xml' || kind === 'capabilities-xml';

export function totalBytes(paths) {
  let n = 0;
  for (const p of paths) n += statSync(p).size;
  return n;
}

/**
 * The whole corpus as machines, the way a user with many hosts would describe
 * them: each real-world repository is one machine (its domain XMLs and every
 * host file it holds, as listed in the manifest); libvirt's test domains are
 * one machine (one folder of many VMs); each capabilities file is a machine of
 * its own. `prefix` goes before every corpus-relative path (the corpus, or one
 * copy of it); `tag` keeps names apart when several copies are listed.
 */
export function corpusMachines(rows, prefix, tag = '') {
  const repos = new Map();
  const machines = [];
  for (const row of rows) {
    const parts = row.path.split('/');
    if (parts[0] === 'real-world') {
      const repo = parts.slice(0, 2).join('/');
      if (!repos.has(repo)) repos.set(repo, { domains: [], files: [] });
      const m = repos.get(repo);
      if (row.kind === 'domain-xml') m.domains.push(prefix + row.path);
      else m.files.push(prefix + row.path);
    } else if (row.kind === 'capabilities-xml') {
      machines.push({ name: `${tag}${parts.at(-1)}`, capabilities: prefix + row.path });
    }
  }
  machines.unshift({ name: `${tag}libvirt-tests`, domains: [`${prefix}libvirt-tests/domains/*.xml`] });
  for (const [repo, m] of repos) {
    const entry = { name: tag + repo.slice('real-world/'.length) };
    if (m.domains.length > 0) entry.domains = m.domains;
    if (m.files.length > 0) entry.files = m.files;
    machines.push(entry);
  }
  return machines;
}

export function writeJson(file, value) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
