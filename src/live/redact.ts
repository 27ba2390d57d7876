import { createHmac, randomBytes } from 'node:crypto';
import { readBytes } from './fs.js';
import { under } from './fs.js';

/** How many values of each kind were replaced. */
export interface RedactionCounts {
  uuids: number;
  diskIds: number;
  filesystemIds: number;
  macs: number;
  machineIds: number;
  hostnames: number;
  serials: number;
}

/** What identifies this machine, read from its tree: its host name(s) and systemd machine id. */
export interface HostIdentity {
  hostnames: string[];
  machineId: string | null;
}

/**
 * GUIDs that name a standard, not a machine: the UEFI global variable GUID,
 * systemd's loader GUID, and the GPT partition types of the ESP, XBOOTLDR and
 * Linux data and root partitions. Kept.
 */
const WELL_KNOWN_GUIDS = new Set([
  '8be4df61-93ca-11d2-aa0d-00e098032b8c',
  '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f',
  'c12a7328-f81f-11d2-ba4b-00a0c93ec93b',
  'bc13c2ff-59e6-4262-a352-b275fd779f7f',
  '0fc63daf-8483-4772-8e79-3d69d8477de4',
  '4f68bce3-e8cd-4db1-96e7-fbcaf984b709',
  '00000000-0000-0000-0000-000000000000',
]);

/** Host names that every install of a distribution gets, so they say nothing about the machine (and some are common words: `vm.` starts sysctl keys). */
const GENERIC_HOSTNAMES = new Set(['localhost', 'localhost.localdomain', 'pve', 'proxmox', 'debian', 'ubuntu', 'fedora', 'arch', 'archlinux', 'manjaro', 'nixos', 'opensuse', 'gentoo', 'linux', 'host', 'server', 'desktop', 'vm', 'none', '(none)']);

const UUID = /\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g;
/** Short filesystem and partition ids after UUID= or PARTUUID=: FAT (`1A2B-3C4D`), MBR (`1234abcd-01`), NTFS (16 hex digits). */
const FS_ID = /\b((?:PART)?UUID=)([0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{2}|[0-9A-Fa-f]{16})\b/g;
const MAC = /\b([0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}):([0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2})\b/g;
/** /dev/disk/by-id names carry the disk's model and serial number (`nvme-Samsung_SSD_980_PRO_1TB_S5GX...`, `wwn-0x5002...`). */
const DISK_ID = /(\/dev\/disk\/by-id\/)([a-z]+)-([^\s'"<>/]+?)(-part\d+)?(?=[\s'"<>]|$)/gm;
/** libvirt's places for serial numbers: <serial> (disks, and a host's serial copied into a VM), and SMBIOS sysinfo entries. */
const XML_SERIAL = /(<serial>)([^<]*)(<\/serial>)|(<entry\s+name=(['"])(?:serial|asset|sku)\5\s*>)([^<]*)(<\/entry>)/g;

/**
 * Replaces what identifies a machine, in text and in JSON values, with
 * pseudonyms: keyed hashes of the value, so one value gets one pseudonym
 * wherever it appears (the booted command line and /etc/default/grub still
 * agree), while two snapshots, each with a fresh random key, cannot be linked.
 * Pseudonyms keep the shape of the value (a UUID stays a UUID; a MAC address
 * keeps its vendor prefix, which names the maker, not the machine).
 */
export class Redactor {
  readonly counts: RedactionCounts = { uuids: 0, diskIds: 0, filesystemIds: 0, macs: 0, machineIds: 0, hostnames: 0, serials: 0 };
  readonly #key: Buffer;
  readonly #machineId: string | null;
  readonly #hostname: RegExp | undefined;

  constructor(identity: HostIdentity, key: Buffer = randomBytes(32)) {
    this.#key = key;
    this.#machineId = identity.machineId && /^[0-9a-f]{32}$/.test(identity.machineId) ? identity.machineId : null;
    const names = identity.hostnames.map((h) => h.trim()).filter((h) => h.length >= 2 && !GENERIC_HOSTNAMES.has(h.toLowerCase()));
    // Longest first, so `box.example.org` goes before `box`.
    const alternatives = [...new Set(names)].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#hostname = alternatives.length > 0 ? new RegExp(`(?<![\\w.-])(?:${alternatives.join('|')})(?![\\w-]|\\.\\w)`, 'gi') : undefined;
  }

  text(s: string): string {
    let out = s;
    if (this.#machineId) {
      const id = this.#machineId;
      out = out.replace(new RegExp(id, 'gi'), () => (this.counts.machineIds++, this.#hex('machine-id', id, id)));
    }
    out = out.replace(UUID, (u) => {
      if (WELL_KNOWN_GUIDS.has(u.toLowerCase())) return u;
      this.counts.uuids++;
      return this.#hex('uuid', u.toLowerCase(), u);
    });
    out = out.replace(DISK_ID, (_m, dir: string, bus: string, id: string, part?: string) => {
      this.counts.diskIds++;
      return `${dir}${bus}-disk-${this.#digest('disk', `${bus}-${id}`).slice(0, 8)}${part ?? ''}`;
    });
    out = out.replace(FS_ID, (_m, prefix: string, id: string) => (this.counts.filesystemIds++, prefix + this.#hex('fs-id', id.toLowerCase(), id)));
    out = out.replace(MAC, (m, oui: string, nic: string) => {
      const lower = m.toLowerCase();
      if (lower === '00:00:00:00:00:00' || lower === 'ff:ff:ff:ff:ff:ff') return m;
      this.counts.macs++;
      return `${oui}:${this.#hex('mac', lower, nic)}`;
    });
    out = out.replace(XML_SERIAL, (m, open1?: string, v1?: string, close1?: string, open2?: string, _q?: string, v2?: string, close2?: string) => {
      const [open, value, close] = open1 !== undefined ? [open1, v1!, close1!] : [open2!, v2!, close2!];
      if (value.trim() === '') return m;
      this.counts.serials++;
      return `${open}serial-${this.#digest('serial', value).slice(0, 8)}${close}`;
    });
    if (this.#hostname) out = out.replace(this.#hostname, (h) => (this.counts.hostnames++, `host-${this.#digest('hostname', h.toLowerCase()).slice(0, 6)}`));
    return out;
  }

  /** A JSON value with every string (and object key) redacted. */
  value<T>(v: T): T {
    if (typeof v === 'string') return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.value(x)) as T;
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[this.text(k)] = this.value(x);
      return out as T;
    }
    return v;
  }

  #digest(kind: string, value: string): string {
    return createHmac('sha256', this.#key).update(`${kind}\0${value}`).digest('hex');
  }

  /** `shape` with each hex digit replaced by one of the digest's, case kept. */
  #hex(kind: string, value: string, shape: string): string {
    const d = this.#digest(kind, value);
    let i = 0;
    return shape.replace(/[0-9a-fA-F]/g, (ch) => {
      const r = d[i++ % d.length]!;
      return ch >= 'A' && ch <= 'F' ? r.toUpperCase() : r;
    });
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The host names (kernel and /etc/hostname, short and full) and machine id of the host at `root`. */
export function readHostIdentity(root: string): HostIdentity {
  const read = (p: string) => {
    const r = readBytes(under(root, p), 4096);
    return r.ok ? r.bytes.toString('utf8').split('\n')[0]!.trim() : '';
  };
  const names = new Set<string>();
  for (const p of ['/proc/sys/kernel/hostname', '/etc/hostname']) {
    const h = read(p);
    if (h === '') continue;
    names.add(h);
    // The short name appears on its own too (prompts, libvirt's default network names).
    if (h.includes('.')) names.add(h.slice(0, h.indexOf('.')));
  }
  const machineId = read('/etc/machine-id').toLowerCase();
  return { hostnames: [...names], machineId: machineId === '' ? null : machineId };
}
