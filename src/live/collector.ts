import { ATTR_BYTES, linkName, listNames, readBytes, statPath, under, type Failure } from './fs.js';
import type { LiveItem, ReadItem, UnreadItem } from './types.js';
import type { ToolRunner } from './tools.js';

/**
 * What one live read carries through the readers: the root, the tool runner,
 * and the lists of what was read and what was not. Each reader asks it for
 * host paths; it records failures so no reader forgets to.
 */
export class Collector {
  readonly read: ReadItem[] = [];
  readonly unread: UnreadItem[] = [];

  constructor(
    readonly root: string,
    readonly runTool: ToolRunner,
  ) {}

  path(hostPath: string): string {
    return under(this.root, hostPath);
  }

  noteRead(item: LiveItem, source: string): void {
    this.read.push({ item, source });
  }

  noteUnread(item: LiveItem, source: string, f: Pick<Failure, 'reason' | 'detail'>): void {
    this.unread.push({ item, source, reason: f.reason, detail: f.detail });
  }

  /**
   * A file's text, or null. `optional`: a missing file is normal here and not
   * recorded (boot_vga on a device that is not a display); any other failure is.
   */
  text(item: LiveItem, hostPath: string, opts: { max?: number; optional?: boolean; prefix?: boolean } = {}): string | null {
    const r = readBytes(this.path(hostPath), opts.max ?? ATTR_BYTES, opts.prefix);
    if (r.ok) return r.bytes.toString('utf8');
    if (!(opts.optional && r.reason === 'missing')) this.noteUnread(item, hostPath, r);
    return null;
  }

  /** A one-line attribute without its trailing newline. */
  attr(item: LiveItem, hostPath: string, optional = false): string | null {
    const t = this.text(item, hostPath, { optional });
    return t === null ? null : t.replace(/\n$/, '');
  }

  bytes(item: LiveItem, hostPath: string, max: number, optional = false): Buffer | null {
    const r = readBytes(this.path(hostPath), max);
    if (r.ok) return r.bytes;
    if (!(optional && r.reason === 'missing')) this.noteUnread(item, hostPath, r);
    return null;
  }

  list(item: LiveItem, hostPath: string, opts: { max?: number; optional?: boolean } = {}): string[] | null {
    const r = listNames(this.path(hostPath), opts.max ?? 16384);
    if (r.ok) return r.names;
    if (!(opts.optional && r.reason === 'missing')) this.noteUnread(item, hostPath, r);
    return null;
  }

  link(item: LiveItem, hostPath: string, optional = false): string | null {
    const r = linkName(this.path(hostPath));
    if (r.ok) return r.name;
    if (!(optional && r.reason === 'missing')) this.noteUnread(item, hostPath, r);
    return null;
  }

  stat(item: LiveItem, hostPath: string, optional = false): { size: number; mtimeMs: number; isDir: boolean; isFile: boolean } | null {
    const r = statPath(this.path(hostPath));
    if (r.ok) return r;
    if (!(optional && r.reason === 'missing')) this.noteUnread(item, hostPath, r);
    return null;
  }
}

/** A whole decimal number, or null. */
export function int(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : null;
}

/** A sysfs hex id (`0x10de`) as `10de`; null when it is not one. */
export function hexId(text: string | null): string | null {
  if (text === null) return null;
  const m = /^0x([0-9a-fA-F]+)$/.exec(text.trim());
  return m ? m[1]!.toLowerCase() : null;
}
