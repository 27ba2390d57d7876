import type { Collector } from './collector.js';
import type { LoadedModule, ModuleFacts } from './types.js';

const MODULE_LIST_BYTES = 16 * 1024 * 1024;
const MAX_MODULES = 16384;

/** /proc/modules, /sys/module/NAME/parameters, and the module lists of /lib/modules/RELEASE. */
export function readModules(c: Collector, release: string | null): ModuleFacts {
  return {
    loaded: readLoaded(c),
    parameters: readParameters(c),
    builtin: readModuleList(c, 'modules.builtin', release),
    order: readModuleList(c, 'modules.order', release),
    installed: readModuleList(c, 'modules.dep', release),
  };
}

function readLoaded(c: Collector): LoadedModule[] | null {
  const text = c.text('modules.loaded', '/proc/modules', { max: MODULE_LIST_BYTES });
  if (text === null) return null;
  c.noteRead('modules.loaded', '/proc/modules');
  const out: LoadedModule[] = [];
  // name size refcount users state address; users is `-` or `a,b,`.
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0] === '') continue;
    out.push({ name: f[0]!, state: f[4]!, usedBy: f[3] === '-' ? [] : f[3]!.split(',').filter((u) => u !== '') });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readParameters(c: Collector): Record<string, Record<string, string | null>> {
  const modules = c.list('modules.parameters', '/sys/module', { max: MAX_MODULES });
  const out: Record<string, Record<string, string | null>> = {};
  if (modules === null) return out;
  c.noteRead('modules.parameters', '/sys/module/*/parameters');
  // A user who may not read some parameters (many are root-only) gets one line about it, not hundreds.
  let refused = 0;
  let firstRefused = '';
  for (const mod of modules) {
    const dir = `/sys/module/${mod}/parameters`;
    const params = c.list('modules.parameters', dir, { optional: true, max: 4096 });
    if (params === null || params.length === 0) continue;
    const values: Record<string, string | null> = {};
    for (const p of params) {
      const before = c.unread.length;
      const v = c.attr('modules.parameters', `${dir}/${p}`);
      if (v === null) {
        c.unread.length = before;
        refused++;
        if (firstRefused === '') firstRefused = `${dir}/${p}`;
      }
      values[p] = v;
    }
    out[mod] = values;
  }
  if (refused > 0) {
    c.noteUnread('modules.parameters', '/sys/module/*/parameters', {
      reason: 'permission',
      detail: `${refused} parameter${refused === 1 ? '' : 's'} could not be read (root-only or write-only), e.g. ${firstRefused}; they are null`,
    });
  }
  return out;
}

/** Module names from a kmod index file whose lines start with a module path (`kernel/drivers/vfio/pci/vfio-pci.ko[.zst][: deps]`). */
function readModuleList(c: Collector, file: string, release: string | null): string[] | null {
  const item = file === 'modules.builtin' ? 'modules.builtin' : file === 'modules.order' ? 'modules.order' : 'modules.installed';
  const path = `/lib/modules/${release ?? 'RELEASE'}/${file}`;
  if (release === null) {
    c.noteUnread(item, path, { reason: 'failed', detail: 'the kernel release is unknown, so its module directory is too' });
    return null;
  }
  const text = c.text(item, path, { max: MODULE_LIST_BYTES });
  if (text === null) return null;
  c.noteRead(item, path);
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const modPath = line.split(':')[0]!.trim();
    const name = moduleNameOf(modPath);
    if (name) names.add(name);
  }
  return [...names].sort();
}

/** `kernel/drivers/vfio/pci/vfio-pci.ko.zst` -> `vfio_pci` (the kernel's name: `-` becomes `_`). */
export function moduleNameOf(path: string): string | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const m = /^(.+)\.ko(?:\.(?:xz|gz|zst|bz2|lz4))?$/.exec(base);
  return m ? m[1]!.replaceAll('-', '_') : undefined;
}
