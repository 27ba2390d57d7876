import { posix } from 'node:path';
import type { ParsedFile } from '../model/file.js';
import { mkinitcpioConfig } from '../parsers/initramfs/mkinitcpio.js';
import { dracutConfig, type DracutConfig } from '../parsers/initramfs/dracut.js';
import { sortVersion, type ListEntry, type ModuleEntry } from '../parsers/initramfs/shell-lists.js';
import type { ParsedShellFile } from '../parsers/shell-vars/index.js';
import type { FileItemFact, InitramfsConfig, ModuleFact } from './facts.js';
import { dropinOrder } from './precedence.js';

function shellOf(f: ParsedFile): ParsedShellFile | undefined {
  return f.ast.kind === 'mkinitcpio' || f.ast.kind === 'dracut' ? f.ast.file.shell : undefined;
}

function facts(entries: readonly ListEntry[], files: readonly ParsedFile[], name: (e: ListEntry) => string): ModuleFact[] {
  const out: ModuleFact[] = [];
  for (const e of entries) {
    const f = files[e.file];
    if (!f) continue;
    out.push({ name: e.text, module: name(e), file: f, loc: { path: f.source.path, start: e.start, end: e.end } });
  }
  return out;
}

function fileItems(entries: readonly ListEntry[], files: readonly ParsedFile[]): FileItemFact[] {
  return facts(entries, files, (e) => e.text).map((f) => ({ path: f.name, file: f.file, loc: f.loc }));
}

/** mkinitcpio.conf, then mkinitcpio.conf.d/*.conf in `sort -V` order (catalog 1.4.1). */
export function mkinitcpioFacts(files: readonly ParsedFile[]): InitramfsConfig | undefined {
  if (files.length === 0) return undefined;
  const main = files.filter((f) => !f.systemPath.startsWith('/etc/mkinitcpio.conf.d/'));
  const dropins = sortVersion(files.filter((f) => f.systemPath.startsWith('/etc/mkinitcpio.conf.d/')), (f) => posix.basename(f.systemPath));
  const ordered = [...main, ...dropins];
  const cfg = mkinitcpioConfig(ordered.map((f) => shellOf(f)!));
  return {
    generator: 'mkinitcpio',
    early: facts(cfg.modules.entries, ordered, (e) => (e as ModuleEntry).module),
    included: [],
    hooks: facts(cfg.hooks.entries, ordered, (e) => e.text),
    omitted: [],
    extraFiles: fileItems(cfg.files.entries, ordered),
    hostonly: undefined,
    uncertain: cfg.modules.uncertain || cfg.hooks.uncertain || cfg.files.uncertain,
    files: ordered,
  };
}

/** /etc/dracut.conf, then the drop-ins of /usr/lib/dracut/dracut.conf.d and /etc/dracut.conf.d (same name: /etc wins) in `sort -V` order. */
export function dracutFacts(files: readonly ParsedFile[]): InitramfsConfig | undefined {
  if (files.length === 0) return undefined;
  const main = files.filter((f) => f.systemPath === '/etc/dracut.conf');
  const { effective } = dropinOrder(files.filter((f) => f.systemPath !== '/etc/dracut.conf'), ['etc/dracut.conf.d', 'usr/lib/dracut/dracut.conf.d']);
  const ordered = [...main, ...sortVersion(effective, (f) => posix.basename(f.systemPath))];
  const cfg = dracutConfig(ordered.map((f) => shellOf(f)!));
  const module = (e: ListEntry) => (e as ModuleEntry).module;
  return {
    generator: 'dracut',
    early: facts(cfg.forceDrivers.entries, ordered, module),
    included: facts([...cfg.addDrivers.entries, ...cfg.drivers.entries], ordered, module),
    hooks: [],
    omitted: facts(cfg.omitDrivers.entries, ordered, module),
    extraFiles: fileItems([...cfg.installItems.entries, ...cfg.installOptionalItems.entries], ordered),
    hostonly: hostonlyOf(cfg.hostonly, ordered),
    uncertain: [cfg.forceDrivers, cfg.addDrivers, cfg.drivers, cfg.installItems, cfg.installOptionalItems].some((l) => l.uncertain),
    files: ordered,
  };
}

function hostonlyOf(h: DracutConfig['hostonly'], files: readonly ParsedFile[]): InitramfsConfig['hostonly'] {
  const set = h?.setBy;
  const f = set && files[set.file];
  if (!h || !set || !f) return undefined;
  return { enabled: h.enabled, at: { path: f.source.path, start: set.assignment.start, end: set.assignment.end } };
}
