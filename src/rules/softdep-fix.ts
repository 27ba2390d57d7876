import type { Suggestion } from '../engine/fix.js';
import type { Machine } from '../model/machine.js';
import { appendLines } from '../edit/lines.js';

/**
 * Load vfio-pci before `module`. kmod reads only a module's first softdep line, so an existing one gets
 * vfio-pci at the head of its `pre:` list (a second line would be ignored); otherwise a new line goes
 * into the modprobe.d file that gives vfio-pci its ids (or the first /etc one).
 */
export function softdepSuggestion(machine: Machine, module: string): Suggestion[] {
  const host = machine.host;
  const existing = host.modprobe.softdep(module);
  if (existing) {
    const at = existing.preAt?.end ?? existing.moduleLoc.end;
    return [{
      description: `Load vfio-pci before ${module} (add it to the softdep line kmod uses, in ${existing.file.systemPath})`,
      fix: { edits: [{ path: existing.file.source.path, start: at, end: at, text: existing.preAt ? ' vfio-pci' : ' pre: vfio-pci' }] },
    }];
  }
  const idsFact = host.modprobe.facts.find((f) => f.keyword === 'options' && f.module === 'vfio_pci');
  const file = idsFact?.file ?? host.modprobe.effective.find((f) => f.systemPath.startsWith('/etc/modprobe.d/'));
  if (!file) return [];
  return [{ description: `Load vfio-pci before ${module} (softdep ${module} pre: vfio-pci in ${file.systemPath})`, fix: { edits: [appendLines(file.source, [`softdep ${module} pre: vfio-pci`])] } }];
}
