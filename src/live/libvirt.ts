import type { Collector } from './collector.js';
import type { LibvirtFacts, RunningDomain } from './types.js';

/** The system connection, read-only: its socket is open to every user, and nothing can be changed through it. */
const VIRSH = ['-r', '-c', 'qemu:///system'];
const MAX_DOMAINS = 256;

export function readLibvirt(c: Collector): LibvirtFacts {
  const caps = c.runTool('virsh', [...VIRSH, 'capabilities']);
  const capsSource = `virsh ${VIRSH.join(' ')} capabilities`;
  if (!caps.ok) {
    c.noteUnread('libvirt.capabilities', capsSource, caps);
    // Without virsh (or a daemon), listing domains fails the same way: said once per item.
    c.noteUnread('libvirt.domains', `virsh ${VIRSH.join(' ')} list --name`, caps);
    return { capabilities: null, domains: null };
  }
  c.noteRead('libvirt.capabilities', capsSource);
  return { capabilities: caps.stdout, domains: readDomains(c) };
}

function readDomains(c: Collector): RunningDomain[] | null {
  const listSource = `virsh ${VIRSH.join(' ')} list --name`;
  const list = c.runTool('virsh', [...VIRSH, 'list', '--name']);
  if (!list.ok) {
    c.noteUnread('libvirt.domains', listSource, list);
    return null;
  }
  c.noteRead('libvirt.domains', listSource);
  const names = [...new Set(list.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== ''))].sort().slice(0, MAX_DOMAINS);
  const domains: RunningDomain[] = [];
  for (const name of names) {
    const source = `virsh ${VIRSH.join(' ')} dumpxml --domain ${name}`;
    const xml = c.runTool('virsh', [...VIRSH, 'dumpxml', '--domain', name]);
    if (!xml.ok) {
      // It may have stopped between the list and the dump.
      c.noteUnread('libvirt.domains', source, xml);
      continue;
    }
    c.noteRead('libvirt.domains', source);
    domains.push({ name, xml: xml.stdout });
  }
  return domains;
}
