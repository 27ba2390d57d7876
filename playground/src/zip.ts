// A ZIP archive of text files, stored (no compression): the "Download files" button saves every pane
// as one .zip. Written here, not taken from a library: a stored archive is a header per file, the
// bytes, a central directory and an end record (PKWARE APPNOTE.TXT, sections 4.3 and 4.4), and the
// only computation is CRC-32. No ZIP64: the page holds at most a few hundred small files.

export interface ZipEntry {
  /** The name inside the archive, `/`-separated (see zipName). */
  name: string;
  bytes: Uint8Array;
}

const MAX_ENTRIES = 0xffff;
const MAX_TOTAL = 0xffffffff;

/** CRC-32 (ISO-HDLC, the polynomial 0xEDB88320 reflected), as ZIP, gzip and PNG use it. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A pane's path as a safe name inside the archive: `/`-separated, relative, with no `.` or `..`
 * part (an unpacker must not be led outside the folder it unpacks into). Undefined when nothing is left.
 */
export function zipName(path: string): string | undefined {
  const parts = path.replaceAll('\\', '/').split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return parts.length > 0 ? parts.join('/') : undefined;
}

/** MS-DOS time and date, as ZIP records them (local time, two-second steps, from 1980). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** The archive's bytes. Throws an Error naming the problem (two entries with one name, too many or too large). */
export function storedZip(entries: readonly ZipEntry[], when: Date = new Date()): Uint8Array {
  if (entries.length > MAX_ENTRIES) throw new Error(`too many files for a ZIP archive without ZIP64 (${entries.length})`);
  const seen = new Set<string>();
  const utf8 = new TextEncoder();
  const { time, date } = dosTime(when);
  const items = entries.map((e) => {
    if (seen.has(e.name)) throw new Error(`two files would be ${e.name} in the archive`);
    seen.add(e.name);
    return { name: utf8.encode(e.name), bytes: e.bytes, crc: crc32(e.bytes) };
  });
  const localSize = items.reduce((n, i) => n + 30 + i.name.length + i.bytes.length, 0);
  const centralSize = items.reduce((n, i) => n + 46 + i.name.length, 0);
  if (localSize + centralSize + 22 > MAX_TOTAL) throw new Error('the files are too large for a ZIP archive without ZIP64');
  const out = new Uint8Array(localSize + centralSize + 22);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v: number) => {
    view.setUint16(at, v, true);
    at += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(at, v >>> 0, true);
    at += 4;
  };
  const put = (b: Uint8Array) => {
    out.set(b, at);
    at += b.length;
  };
  // Bit 11: the names are UTF-8. Version 2.0 is what a stored entry with that flag needs.
  const FLAGS = 0x0800;
  const VERSION = 20;
  const offsets: number[] = [];
  for (const i of items) {
    offsets.push(at);
    u32(0x04034b50);
    u16(VERSION);
    u16(FLAGS);
    u16(0); // stored
    u16(time);
    u16(date);
    u32(i.crc);
    u32(i.bytes.length);
    u32(i.bytes.length);
    u16(i.name.length);
    u16(0);
    put(i.name);
    put(i.bytes);
  }
  const centralAt = at;
  items.forEach((i, n) => {
    u32(0x02014b50);
    u16(VERSION);
    u16(VERSION);
    u16(FLAGS);
    u16(0);
    u16(time);
    u16(date);
    u32(i.crc);
    u32(i.bytes.length);
    u32(i.bytes.length);
    u16(i.name.length);
    u16(0); // extra field
    u16(0); // comment
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offsets[n]!);
    put(i.name);
  });
  const centralLength = at - centralAt;
  u32(0x06054b50);
  u16(0);
  u16(0);
  u16(items.length);
  u16(items.length);
  u32(centralLength);
  u32(centralAt);
  u16(0);
  return out;
}
