import { attr, childElements, firstChild, type XmlAttribute, type XmlElement } from '../parsers/xml/index.js';
import type { Loc } from '../core/range.js';
import type { DomainView } from './view.js';
import { qemuArgs } from './qemu-args.js';

export { qemuArgs } from './qemu-args.js';

/**
 * One Hyper-V setting as QEMU receives it, keyed by QEMU's property name
 * (`hv-stimer`, `hv-time`, `hv-spinlocks`), with where it is written.
 */
export interface HvSetting {
  flag: string;
  on: boolean;
  /** How the file spells it: `<stimer>`, `<direct>` in `<stimer>`, `<timer name='hypervclock'>`, or `hv_time` in -cpu. */
  written: string;
  loc: Loc;
  /** The libvirt element; undefined when the setting comes from a `-cpu` argument. */
  element: XmlElement | undefined;
  /** `hv-spinlocks` retries or `hv-vendor-id` text, as written. */
  value: string | undefined;
  valueLoc: Loc | undefined;
}

export interface ClockTimer {
  element: XmlElement;
  name: string;
  present: XmlAttribute | undefined;
  tickpolicy: XmlAttribute | undefined;
}

export interface HypervSettings {
  /**
   * A `-cpu` in `<qemu:commandline>`: QEMU keeps the last `-cpu` it is given and
   * libvirt appends these arguments after its own, so this string replaces every
   * `-cpu` property libvirt builds from `<hyperv>`, `<kvm>`, `<cpu><feature>` and
   * the hypervclock timer.
   */
  cpuOverride: { element: XmlElement; loc: Loc; value: string } | undefined;
  /** `<features><hyperv>`, if any (dead when `cpuOverride` is set). */
  hyperv: XmlElement | undefined;
  /** `mode='passthrough'` on `<hyperv>`, or `hv-passthrough` in the -cpu override: the one in effect. */
  passthrough: HvSetting | undefined;
  /** The effective settings by QEMU flag, on or off. */
  flags: ReadonlyMap<string, HvSetting>;
  isOn(flag: string): boolean;
  /** `<kvm><hidden state='on'/>` or `kvm=off` in the override: the KVM signature is hidden. */
  kvmHidden: HvSetting | undefined;
  /** The `hypervisor` CPUID bit turned off: `<feature policy='disable' name='hypervisor'/>` or `-hypervisor` in the override. */
  hypervisorBitOff: { loc: Loc; written: string; element: XmlElement | undefined } | undefined;
  clock: XmlElement | undefined;
  /** `<clock><timer>` by name (the first of each), as libvirt reads them; a -cpu override does not touch these except hv-time. */
  timers: ReadonlyMap<string, ClockTimer>;
}

/** libvirt `<hyperv>` children and the QEMU property each becomes (libvirt `qemu_command.c`). */
export const LIBVIRT_HYPERV: Readonly<Record<string, string>> = {
  relaxed: 'hv-relaxed',
  vapic: 'hv-vapic',
  spinlocks: 'hv-spinlocks',
  vpindex: 'hv-vpindex',
  runtime: 'hv-runtime',
  synic: 'hv-synic',
  stimer: 'hv-stimer',
  reset: 'hv-reset',
  vendor_id: 'hv-vendor-id',
  frequencies: 'hv-frequencies',
  reenlightenment: 'hv-reenlightenment',
  tlbflush: 'hv-tlbflush',
  ipi: 'hv-ipi',
  evmcs: 'hv-evmcs',
  avic: 'hv-avic',
  emsr_bitmap: 'hv-emsr-bitmap',
  xmm_input: 'hv-xmm-input',
};
const LIBVIRT_SUB: Readonly<Record<string, Record<string, string>>> = {
  stimer: { direct: 'hv-stimer-direct' },
  tlbflush: { direct: 'hv-tlbflush-direct', extended: 'hv-tlbflush-ext' },
};
/** QEMU aliases of one property. */
const QEMU_ALIAS: Readonly<Record<string, string>> = { 'hv-apicv': 'hv-avic' };
const OFF = new Set(['off', 'no', 'false', 'n']);

/** The libvirt name of a QEMU flag, for messages and suggested XML (`hv-time` is the hypervclock timer). */
export function libvirtName(flag: string): string {
  if (flag === 'hv-time') return "<timer name='hypervclock' present='yes'/>";
  for (const [name, f] of Object.entries(LIBVIRT_HYPERV)) if (f === flag) return name;
  for (const [parent, subs] of Object.entries(LIBVIRT_SUB)) for (const [sub, f] of Object.entries(subs)) if (f === flag) return `${parent}/${sub}`;
  return flag;
}

export function hypervSettings(view: DomainView): HypervSettings {
  let settings = settingsOf.get(view);
  if (!settings) settingsOf.set(view, (settings = readHyperv(view)));
  return settings;
}

// Seven rules ask for the same domain's settings: read once per view (views do not change).
const settingsOf = new WeakMap<DomainView, HypervSettings>();

function readHyperv(view: DomainView): HypervSettings {
  const path = view.path;
  const hyperv = view.features ? firstChild(view.features, 'hyperv') : undefined;
  const clock = firstChild(view.root, 'clock');
  const timers = new Map<string, ClockTimer>();
  for (const t of clock ? childElements(clock, 'timer') : []) {
    const name = attr(t, 'name')?.value;
    if (name && !timers.has(name)) timers.set(name, { element: t, name, present: attr(t, 'present'), tickpolicy: attr(t, 'tickpolicy') });
  }
  const cpuOverride = qemuCpuArgument(view.root, path);
  const flags = new Map<string, HvSetting>();
  let passthrough: HvSetting | undefined;
  let kvmHidden: HvSetting | undefined;
  let hypervisorBitOff: HypervSettings['hypervisorBitOff'];

  if (cpuOverride) {
    for (const tok of cpuTokens(cpuOverride.value, cpuOverride.loc, cpuOverride.element, path)) {
      const setting = (flag: string, on: boolean): HvSetting => ({ flag, on, written: tok.text, loc: tok.loc, element: undefined, value: tok.value, valueLoc: tok.loc });
      if (tok.name === 'kvm') kvmHidden = setting('kvm', tok.value !== undefined && OFF.has(tok.value));
      else if (tok.name === 'hypervisor') hypervisorBitOff = tok.on ? undefined : { loc: tok.loc, written: tok.text, element: undefined };
      else if (tok.name === 'hv-passthrough') passthrough = tok.on ? setting('hv-passthrough', true) : undefined;
      else if (tok.name.startsWith('hv-')) {
        const flag = QEMU_ALIAS[tok.name] ?? tok.name;
        // A value-carrying flag is on when given a value; for the others the value is the switch.
        const valued = flag === 'hv-spinlocks' || flag === 'hv-vendor-id';
        flags.set(flag, setting(flag, valued ? tok.sign !== '-' : tok.on));
      }
    }
  } else {
    const mode = hyperv ? attr(hyperv, 'mode') : undefined;
    if (hyperv && mode?.value === 'passthrough') {
      passthrough = { flag: 'hv-passthrough', on: true, written: "mode='passthrough'", loc: { path, start: mode.start, end: mode.end }, element: hyperv, value: undefined, valueLoc: undefined };
    }
    for (const el of hyperv ? childElements(hyperv) : []) {
      const flag = LIBVIRT_HYPERV[el.name];
      if (!flag || flags.has(flag)) continue;
      const on = isStateOn(el);
      const valueAttr = el.name === 'spinlocks' ? attr(el, 'retries') : el.name === 'vendor_id' ? attr(el, 'value') : undefined;
      flags.set(flag, {
        flag,
        on,
        written: `<${el.name}>`,
        loc: { path, start: el.start, end: el.startTagEnd },
        element: el,
        value: valueAttr?.value,
        valueLoc: valueAttr ? { path, start: valueAttr.valueStart, end: valueAttr.valueEnd } : undefined,
      });
      for (const [subName, subFlag] of Object.entries(LIBVIRT_SUB[el.name] ?? {})) {
        const sub = firstChild(el, subName);
        // libvirt emits a sub-feature only inside an enabled parent.
        if (sub) flags.set(subFlag, { flag: subFlag, on: on && isStateOn(sub), written: `<${subName}> in <${el.name}>`, loc: { path, start: sub.start, end: sub.startTagEnd }, element: sub, value: undefined, valueLoc: undefined });
      }
    }
    const hv = timers.get('hypervclock');
    if (hv) {
      // libvirt adds hv-time only for present='yes'.
      flags.set('hv-time', { flag: 'hv-time', on: hv.present?.value === 'yes', written: "<timer name='hypervclock'>", loc: { path, start: hv.element.start, end: hv.element.startTagEnd }, element: hv.element, value: undefined, valueLoc: undefined });
    }
    const kvm = view.features ? firstChild(view.features, 'kvm') : undefined;
    const hidden = kvm ? firstChild(kvm, 'hidden') : undefined;
    if (hidden) kvmHidden = { flag: 'kvm', on: isStateOn(hidden), written: '<hidden>', loc: { path, start: hidden.start, end: hidden.startTagEnd }, element: hidden, value: undefined, valueLoc: undefined };
    const bit = view.cpu?.features.find((f) => f.name === 'hypervisor');
    if (bit && (bit.policy === 'disable' || bit.policy === 'forbid')) hypervisorBitOff = { loc: { path, start: bit.element.start, end: bit.element.startTagEnd }, written: `<feature policy='${bit.policy}' name='hypervisor'/>`, element: bit.element };
  }

  return {
    cpuOverride,
    hyperv,
    passthrough,
    flags,
    isOn: (flag) => flags.get(flag)?.on === true,
    kvmHidden: kvmHidden?.on ? kvmHidden : undefined,
    hypervisorBitOff,
    clock,
    timers,
  };
}

/** libvirt's `state` switch: `on` unless written `off` (an absent state is libvirt's parse error, not ours to guess). */
function isStateOn(el: XmlElement): boolean {
  return attr(el, 'state')?.value !== 'off';
}

/** The value after the last `-cpu` among `<qemu:commandline>` arguments, with its place. */
function qemuCpuArgument(root: XmlElement, path: string): HypervSettings['cpuOverride'] {
  let found: HypervSettings['cpuOverride'];
  const args = qemuArgs(root);
  for (let i = 0; i + 1 < args.length; i++) {
    if (args[i]!.value?.value !== '-cpu') continue;
    const v = args[i + 1]!.value;
    if (v) found = { element: args[i + 1]!.element, loc: { path, start: v.valueStart, end: v.valueEnd }, value: v.value };
  }
  return found;
}

interface CpuToken {
  /** Property name as QEMU reads it: underscores become dashes (`hv_time` is `hv-time`). */
  name: string;
  text: string;
  sign: '+' | '-' | '';
  value: string | undefined;
  on: boolean;
  loc: Loc;
}

/** `host,hv_time,kvm=off,+invtsc,-hypervisor` split as QEMU's -cpu parser does (the model first, then features). */
function cpuTokens(value: string, whole: Loc, el: XmlElement, path: string): CpuToken[] {
  const out: CpuToken[] = [];
  const attrEl = attr(el, 'value')!;
  // Offsets inside the attribute are exact unless an entity changed the length.
  const exact = attrEl.valueEnd - attrEl.valueStart === value.length;
  let offset = 0;
  value.split(',').forEach((text, i) => {
    const start = offset;
    offset += text.length + 1;
    if (i === 0 || text === '') return;
    const sign = text[0] === '+' || text[0] === '-' ? (text[0] as '+' | '-') : '';
    const body = sign ? text.slice(1) : text;
    const eq = body.indexOf('=');
    const rawName = eq < 0 ? body : body.slice(0, eq);
    const v = eq < 0 ? undefined : body.slice(eq + 1);
    const on = sign === '-' ? false : v === undefined ? true : !OFF.has(v.toLowerCase());
    out.push({
      name: rawName.replace(/_/g, '-').toLowerCase(),
      text,
      sign,
      value: v,
      on,
      loc: exact ? { path, start: whole.start + start, end: whole.start + start + text.length } : whole,
    });
  });
  return out;
}
