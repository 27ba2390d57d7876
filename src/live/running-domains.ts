import { dirname } from 'node:path';
import { decode } from '../core/source.js';
import type { DiscoveredFile } from '../host/discover.js';
import type { LiveHost } from '../host/live.js';
import { MAX_INPUT_BYTES, readInput } from '../io/read.js';
import { firstChild, parseXml, textContent } from '../parsers/xml/index.js';

/**
 * How one running domain (`virsh dumpxml`) joined its machine: as the domain
 * defined in a file (`definedAt`, its host path: the file is linted, not the
 * running XML), or as a domain of its own when no file defines it (a transient
 * domain, or one whose file was not given).
 */
export interface RunningDomainJoin {
  name: string;
  definedAt: string | undefined;
}

/** A user's session libvirt (`~/.config/libvirt`) keeps its own domains; virsh reads the system's (qemu:///system). */
const SESSION = /^\/home\/[^/]+\/\.config\/libvirt\//;

/** Why a fix cannot be written to a running domain's XML (the fix loop says it, and keeps the fix out). */
export const RUNNING_READ_ONLY = 'it is the XML of a running domain as virsh gave it, not a file; define the domain from a file (virsh define) and lint that file to fix it';

/**
 * The path a running domain is shown at: where libvirt keeps the running XML of a
 * system domain (wrapped in its status document there, so lines differ; the
 * findings point into the XML virsh gave). Absolute, so every reporter shows it as
 * it is, and never a file vfio-lint reads or writes: its bytes come from virsh.
 */
export const runningDomainPath = (name: string): string => `/run/libvirt/qemu/${name}.xml`;

/**
 * The running domains of `live` that join `files` as domains of their own, and how each joined.
 * A running domain and the defined domain with the same name or UUID are one domain: the defined
 * file is linted (findings and fixes must point at a file that can be edited), the running XML is
 * left out, so duplicate-domain sees one. A running domain no file defines is linted from its XML,
 * shown at `runningDomainPath`, read-only (its findings carry no fix). Defined files read here keep their bytes (`preread`),
 * so the lint reads each once.
 */
export function runningDomainInputs(live: LiveHost, files: DiscoveredFile[]): { inputs: DiscoveredFile[]; joins: RunningDomainJoin[] } {
  const running = live.has('libvirt.domains') ? (live.facts.libvirt.domains ?? []) : [];
  if (running.length === 0) return { inputs: [], joins: [] };
  const byName = new Map<string, string>();
  const byUuid = new Map<string, string>();
  for (const f of files) {
    if (f.kind !== 'domain' || f.masked || f.readOnly || SESSION.test(f.systemPath)) continue;
    const bytes = bytesOf(f);
    const text = bytes && decode(bytes);
    const id = text?.ok ? identity(text.text) : undefined;
    if (!id) continue;
    if (id.name && !byName.has(id.name)) byName.set(id.name, f.systemPath);
    if (id.uuid && !byUuid.has(id.uuid)) byUuid.set(id.uuid, f.systemPath);
  }
  const inputs: DiscoveredFile[] = [];
  const joins: RunningDomainJoin[] = [];
  for (const d of running) {
    const id = identity(d.xml);
    const definedAt = (id?.name !== undefined ? byName.get(id.name) : undefined) ?? (id?.uuid !== undefined ? byUuid.get(id.uuid) : undefined);
    joins.push({ name: d.name, definedAt });
    if (definedAt !== undefined) continue;
    const path = runningDomainPath(d.name);
    inputs.push({
      realPath: path,
      displayPath: path,
      systemPath: path,
      kind: 'domain',
      masked: false,
      preread: { bytes: Buffer.from(d.xml, 'utf8'), mode: 0o444 },
      readOnly: RUNNING_READ_ONLY,
    });
  }
  return { inputs, joins };
}

/** A defined domain file's bytes: those discovery kept, else read now and kept for the lint. */
function bytesOf(f: DiscoveredFile): Uint8Array | undefined {
  if (f.preread) return f.preread.bytes;
  const r = readInput(f.realPath, MAX_INPUT_BYTES, f.confine ?? { within: dirname(f.realPath) });
  if (!r.ok) return undefined; // the lint reads it again and reports why it cannot
  f.preread = { bytes: r.bytes, mode: r.mode };
  return r.bytes;
}

/** A domain's name and UUID (as libvirt compares UUIDs: without dashes, any case); undefined when it is not a domain. */
function identity(text: string): { name: string | undefined; uuid: string | undefined } | undefined {
  let root;
  try {
    root = parseXml(text).root;
  } catch {
    return undefined;
  }
  if (!root || root.name !== 'domain') return undefined;
  const name = firstChild(root, 'name');
  const uuid = firstChild(root, 'uuid');
  return {
    name: name ? textContent(name).trim() || undefined : undefined,
    uuid: uuid ? textContent(uuid).trim().replaceAll('-', '').toLowerCase() || undefined : undefined,
  };
}
