import { statSync, readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { classifyByContent, classifyByPath } from '../model/classify.js';
import type { FileKind } from '../model/machine.js';
import { compareNames, discoverHostTree, hostTreeShape, sniffXmlFile, type DiscoveredFile } from '../host/discover.js';
import { describeFsError, readInput } from '../io/read.js';
import { decode } from '../core/source.js';

/** A file to lint, before reading: where it is, what it is, where it sits on the machine. */
export type InputFile = DiscoveredFile;

export interface InputProblem {
  path: string;
  message: string;
}

export interface CollectedInputs {
  files: InputFile[];
  /** Files that exist but cannot be used (unknown kind, dangling link...): reported as fatal findings. */
  unusable: InputProblem[];
}

/** A command-line mistake: a path that does not exist. The CLI prints it and exits 2. */
export class InputError extends Error {}

/** Where a file of this kind sits when it was given alone and its path does not say. */
const DEFAULT_DIR: Partial<Record<FileKind, string>> = {
  modprobe: '/etc/modprobe.d/',
  sysctl: '/etc/sysctl.d/',
  'modules-load': '/etc/modules-load.d/',
  'bls-entry': '/boot/loader/entries/',
  grub: '/etc/default/',
  mkinitcpio: '/etc/',
  dracut: '/etc/dracut.conf.d/',
};

/**
 * Turn command-line paths into input files. A directory is a host tree (a root
 * containing etc/, or an etc directory) or a folder of domain XMLs; a file is
 * classified by `kind`, else XML by its root element, else by its path, else by
 * its content. Everything collected describes one machine.
 */
export function collectInputs(paths: readonly string[], options: { kind?: FileKind; cwd?: string } = {}): CollectedInputs {
  const cwd = options.cwd ?? process.cwd();
  const files: InputFile[] = [];
  const unusable: InputProblem[] = [];
  const seen = new Set<string>();
  const add = (f: InputFile) => {
    if (seen.has(f.realPath)) return;
    seen.add(f.realPath);
    files.push(f);
  };

  for (const given of paths) {
    const abs = resolve(cwd, given);
    let st;
    try {
      st = statSync(abs);
    } catch (err) {
      throw new InputError(`${given}: ${describeFsError(err)}`);
    }
    if (st.isDirectory()) {
      const shape = hostTreeShape(abs);
      if (shape) {
        const tree = discoverHostTree(abs, shape);
        tree.files.forEach(add);
        unusable.push(...tree.problems);
      } else {
        let names: string[];
        try {
          names = readdirSync(abs).sort(compareNames);
        } catch (err) {
          throw new InputError(`${given}: ${describeFsError(err)}`);
        }
        const before = files.length;
        for (const name of names) {
          if (!name.endsWith('.xml')) continue;
          const p = resolve(abs, name);
          const kind = sniffXmlFile(p);
          if (kind) add({ realPath: p, displayPath: p, systemPath: `/${name}`, kind, masked: false });
        }
        if (files.length === before) unusable.push({ path: abs, message: 'is neither a host tree (no etc/) nor a folder of libvirt XML files; nothing to lint in it' });
      }
      continue;
    }
    const kind = options.kind ?? classifyFile(abs);
    if (!kind) {
      unusable.push({ path: abs, message: 'cannot tell what kind of file this is; name it with --kind' });
      continue;
    }
    add({ realPath: abs, displayPath: abs, systemPath: systemPathOf(abs, kind), kind, masked: false });
  }
  return { files, unusable };
}

function classifyFile(abs: string): FileKind | undefined {
  if (abs.endsWith('.xml')) return sniffXmlFile(abs);
  const byPath = classifyByPath(abs.split('\\').join('/'));
  if (byPath) return byPath;
  const read = readInput(abs, 1024 * 1024);
  if (!read.ok) return undefined;
  const decoded = decode(read.bytes.subarray(0, 64 * 1024));
  return decoded.ok ? classifyByContent(decoded.text) : undefined;
}

/**
 * A lone file's place on the machine: the part of its path from `etc/` (or
 * `usr/`, `boot/`, `proc/`) on, as in a dotfiles repo's `hosts/desk/etc/...`;
 * else the kind's usual directory.
 */
export function systemPathOf(abs: string, kind: FileKind): string {
  const p = abs.split('\\').join('/');
  // The rightmost anchor wins: `/home/u/usr/dotfiles/etc/modprobe.d/x.conf` is /etc/modprobe.d/x.conf.
  for (const m of [...p.matchAll(/\/(?=(?:etc|usr|lib|run|boot|efi|proc)\/)/g)].reverse()) {
    const candidate = p.slice(m.index);
    if (classifyByPath(candidate) === kind) return candidate;
  }
  return (DEFAULT_DIR[kind] ?? '/') + basename(p);
}
