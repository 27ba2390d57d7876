import type { Collector } from './collector.js';
import type { BootEntry, BootFacts, EfiFacts, FileFact, GrubConfig, ProxmoxBoot } from './types.js';

const EFIVARS = '/sys/firmware/efi/efivars';
/** The UEFI global variable GUID (BootCurrent, Boot####). */
const EFI_GLOBAL = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
/** systemd-boot's and systemd-stub's vendor GUID (LoaderInfo, StubInfo). */
const SYSTEMD_LOADER = '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f';
const EFIVAR_BYTES = 64 * 1024;
const GRUB_CFG_BYTES = 8 * 1024 * 1024;
/** Where the ESP or XBOOTLDR is mounted, in the order bootctl looks. */
const BOOT_ROOTS = ['/efi', '/boot', '/boot/efi'];

/** Which bootloader boots the machine, and what it is configured with. */
export function readBoot(c: Collector): BootFacts {
  const uefi = c.stat('boot.efi', '/sys/firmware/efi', true)?.isDir === true;
  return {
    firmware: uefi ? 'uefi' : 'bios',
    efi: uefi ? readEfi(c) : null,
    entries: readEntries(c),
    grub: readGrub(c),
    proxmox: readProxmox(c),
    ukis: readUkis(c),
  };
}

function readEfi(c: Collector): EfiFacts | null {
  const names = c.list('boot.efi', EFIVARS);
  if (names === null) return null;
  c.noteRead('boot.efi', EFIVARS);
  const variable = (name: string, guid: string) => (names.includes(`${name}-${guid}`) ? c.bytes('boot.efi', `${EFIVARS}/${name}-${guid}`, EFIVAR_BYTES) : null);
  // efivarfs files start with the variable's 4-byte attributes.
  const current = variable('BootCurrent', EFI_GLOBAL);
  const bootCurrent = current && current.length >= 6 ? current.readUInt16LE(4).toString(16).toUpperCase().padStart(4, '0') : null;
  const option = bootCurrent ? variable(`Boot${bootCurrent}`, EFI_GLOBAL) : null;
  const parsed = option ? parseLoadOption(option.subarray(4)) : null;
  const str = (name: string) => {
    const b = variable(name, SYSTEMD_LOADER);
    return b ? utf16z(b, 4).text : null;
  };
  return {
    bootCurrent,
    bootCurrentDescription: parsed?.description ?? null,
    bootCurrentPath: parsed?.path ?? null,
    loaderInfo: str('LoaderInfo'),
    loaderEntrySelected: str('LoaderEntrySelected'),
    stubInfo: str('StubInfo'),
  };
}

/** A NUL-terminated UTF-16LE string at `start`, and the offset past its NUL. */
function utf16z(b: Buffer, start: number): { text: string; end: number } {
  let end = start;
  while (end + 1 < b.length && b.readUInt16LE(end) !== 0) end += 2;
  return { text: b.subarray(start, end).toString('utf16le'), end: Math.min(b.length, end + 2) };
}

/**
 * EFI_LOAD_OPTION (UEFI 2.10, 3.1.3): UINT32 Attributes, UINT16 FilePathListLength,
 * CHAR16 Description[], then the device path, whose media file path node
 * (type 4, subtype 4) names the loader.
 */
export function parseLoadOption(b: Buffer): { description: string; path: string | null } | null {
  if (b.length < 8) return null;
  const pathLength = b.readUInt16LE(4);
  const desc = utf16z(b, 6);
  let path: string | null = null;
  let at = desc.end;
  const end = Math.min(b.length, desc.end + pathLength);
  while (at + 4 <= end) {
    const type = b[at]!;
    const subtype = b[at + 1]!;
    const len = b.readUInt16LE(at + 2);
    if (len < 4 || at + len > end) break;
    if (type === 0x04 && subtype === 0x04) path = utf16z(b.subarray(0, at + len), at + 4).text;
    if (type === 0x7f) break;
    at += len;
  }
  return { description: desc.text, path };
}

/** Boot Loader Specification type 1 entries (`loader/entries/*.conf`). */
function readEntries(c: Collector): BootEntry[] {
  const out: BootEntry[] = [];
  for (const root of BOOT_ROOTS) {
    const dir = `${root}/loader/entries`;
    const names = c.list('boot.entries', dir, { optional: true });
    if (names === null) continue;
    c.noteRead('boot.entries', dir);
    for (const name of names) {
      if (!name.endsWith('.conf') || name.startsWith('.')) continue;
      const path = `${dir}/${name}`;
      const st = c.stat('boot.entries', path);
      const text = c.text('boot.entries', path);
      if (st === null || text === null) continue;
      out.push({ path, mtimeMs: st.mtimeMs, ...parseEntry(text) });
    }
  }
  return out;
}

export function parseEntry(text: string): Omit<BootEntry, 'path' | 'mtimeMs'> {
  const entry: Omit<BootEntry, 'path' | 'mtimeMs'> = { title: null, version: null, linux: null, initrd: [], options: null };
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const [key, value] = [m[1]!, m[2]!];
    if (key === 'title') entry.title = value;
    else if (key === 'version') entry.version = value;
    else if (key === 'linux') entry.linux = value;
    else if (key === 'initrd') entry.initrd.push(value);
    else if (key === 'options') options.push(value);
  }
  entry.options = options.length > 0 ? options.join(' ') : null;
  return entry;
}

function readGrub(c: Collector): GrubConfig | null {
  for (const path of ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg']) {
    const st = c.stat('boot.grub', path, true);
    if (st === null) continue;
    const text = c.text('boot.grub', path, { max: GRUB_CFG_BYTES });
    if (text === null) return null;
    c.noteRead('boot.grub', path);
    const linuxArgs: string[] = [];
    for (const line of text.split('\n')) {
      const m = /^\s*linux(?:efi|16)?\s+\S+\s*(.*?)\s*$/.exec(line);
      if (m) linuxArgs.push(m[1]!);
    }
    return { path, mtimeMs: st.mtimeMs, linuxArgs };
  }
  return null;
}

function readProxmox(c: Collector): ProxmoxBoot | null {
  const path = '/etc/kernel/proxmox-boot-uuids';
  const text = c.text('boot.proxmox', path, { optional: true });
  if (text === null) return null;
  c.noteRead('boot.proxmox', path);
  return {
    espCount: text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length,
    kernelCmdlineFile: c.stat('boot.proxmox', '/etc/kernel/cmdline', true)?.isFile === true,
  };
}

function readUkis(c: Collector): FileFact[] {
  const out: FileFact[] = [];
  for (const root of BOOT_ROOTS) {
    const dir = `${root}/EFI/Linux`;
    const names = c.list('boot.uki', dir, { optional: true });
    if (names === null) continue;
    c.noteRead('boot.uki', dir);
    for (const name of names) {
      if (!name.toLowerCase().endsWith('.efi')) continue;
      const st = c.stat('boot.uki', `${dir}/${name}`);
      if (st?.isFile) out.push({ path: `${dir}/${name}`, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}
