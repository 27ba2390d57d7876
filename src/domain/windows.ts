import { attr, childElements, firstChild, type XmlElement } from '../parsers/xml/index.js';
import type { Loc } from '../core/range.js';
import type { DomainView } from './view.js';

/** One reason to think a domain runs Windows, with where it is. */
export type WindowsEvidence =
  | { kind: 'libosinfo'; id: string; loc: Loc }
  | { kind: 'name'; name: string; loc: Loc }
  | { kind: 'hyperv'; loc: Loc };

export interface WindowsGuest {
  /** Strongest first: libosinfo, then the name, then a `<hyperv>` block. */
  evidence: readonly WindowsEvidence[];
  /** The evidence in words, for messages: `libosinfo id http://microsoft.com/win/11`, `the name 'win10'`. */
  because: string;
  /** Windows version as the libosinfo id or the name gives it (`11`, `10`, `7`, `2k22`), libosinfo first. */
  version: string | undefined;
  /** The version the name gives (`win11` made from the win10 profile has 11 here and 10 in osinfoVersion). */
  nameVersion: string | undefined;
  osinfoVersion: string | undefined;
  /** True for a Windows Server libosinfo id (`win/2k19`) or a name that says server; undefined when unknown. */
  server: boolean | undefined;
}

/** Names that say the guest is something else: a copied `<hyperv>` block on a macOS VM proves nothing. */
const OTHER_OS_NAME = /mac ?os|osx|catalina|big ?sur|monterey|ventura|sonoma|sequoia|hackintosh|ubuntu|fedora|debian|arch(?!itect)|manjaro|linux|mint|centos|rhel|suse|nixos|gentoo|bsd|android/i;
/** `win`, `windows`, `win10`, `Windows11-gaming`, `gaming-win`: "win" not inside another word (winnie, darwin). */
const WINDOWS_NAME = /(^|[^a-z])win(dows)?(?![a-z])/i;

/**
 * Whether a domain runs Windows, and why we think so (catalog 0.4 WIN(d)):
 * a libosinfo id under microsoft.com/win, the domain's name, or a
 * `<features><hyperv>` block. A libosinfo id of another OS, or a name that
 * names another OS, outweighs a `<hyperv>` block (macOS VMs often carry
 * one copied from a Windows template, and a VM named `fedora` with a Windows
 * libosinfo id is left alone: the two disagree, so nothing is known).
 */
export function windowsGuest(view: DomainView): WindowsGuest | undefined {
  if (!guestOf.has(view)) guestOf.set(view, readGuest(view));
  return guestOf.get(view);
}

// Eight rules ask whether the same domain runs Windows: answered once per view (views do not change).
const guestOf = new WeakMap<DomainView, WindowsGuest | undefined>();

function readGuest(view: DomainView): WindowsGuest | undefined {
  const path = view.path;
  const evidence: WindowsEvidence[] = [];
  let otherOs = false;

  const osinfo = libosinfoOs(view.root);
  if (osinfo) {
    const id = attr(osinfo, 'id')!;
    if (/^https?:\/\/microsoft\.com\/win\//.test(id.value)) evidence.push({ kind: 'libosinfo', id: id.value, loc: { path, start: id.valueStart, end: id.valueEnd } });
    else otherOs = true;
  }

  const nameEl = firstChild(view.root, 'name');
  const name = view.name ?? '';
  const nameLoc: Loc | undefined = nameEl ? { path, start: nameEl.startTagEnd, end: nameEl.endTagStart } : undefined;
  if (nameLoc && WINDOWS_NAME.test(name)) evidence.push({ kind: 'name', name, loc: nameLoc });
  else if (OTHER_OS_NAME.test(name)) otherOs = true;

  if (otherOs) return undefined;

  const hyperv = view.features && firstChild(view.features, 'hyperv');
  if (hyperv) evidence.push({ kind: 'hyperv', loc: { path, start: hyperv.start, end: hyperv.startTagEnd } });
  if (evidence.length === 0) return undefined;

  const lib = evidence.find((e) => e.kind === 'libosinfo');
  const osinfoVersion = lib?.kind === 'libosinfo' ? lib.id.replace(/^.*\/win\//, '').replace(/\/.*$/, '') : undefined;
  const named = evidence.find((e) => e.kind === 'name');
  const nameVersion = named ? versionFromName(name) : undefined;
  const server = osinfoVersion ? /^2k\d/.test(osinfoVersion) : /server|2k\d\d|20(08|12|16|19|22|25)/i.test(name) ? true : undefined;
  return {
    evidence,
    because: describe(evidence[0]!),
    version: osinfoVersion ?? nameVersion,
    nameVersion,
    osinfoVersion,
    server,
  };
}

export function describe(e: WindowsEvidence): string {
  if (e.kind === 'libosinfo') return `libosinfo id ${e.id}`;
  if (e.kind === 'name') return `the name '${e.name}'`;
  return 'its <hyperv> block';
}

function libosinfoOs(root: XmlElement): XmlElement | undefined {
  const metadata = firstChild(root, 'metadata');
  if (!metadata) return undefined;
  for (const child of childElements(metadata)) {
    if (child.name !== 'libosinfo' && !child.name.endsWith(':libosinfo')) continue;
    for (const os of childElements(child)) if ((os.name === 'os' || os.name.endsWith(':os')) && attr(os, 'id')?.value) return os;
  }
  return undefined;
}

/** `win11`, `Windows10-gaming`, `win-11`, `win7`; not `win-vrchat` or `win10q35`'s 35. */
function versionFromName(name: string): string | undefined {
  const m = /win(?:dows)?[\s_-]?(xp|vista|\d{1,2})(?!\d)/i.exec(name);
  return m ? m[1]!.toLowerCase() : undefined;
}
