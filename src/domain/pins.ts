import type { CpuSet } from '../core/cpuset.js';
import type { Loc } from '../core/range.js';
import type { CpusetValue } from './view.js';

/** Where a thread may run: a set of host CPUs, or every host CPU (unknown without capabilities XML). */
export type Placement = { kind: 'set'; set: CpuSet; loc: Loc } | { kind: 'all' };

export interface ThreadPin {
  /** vCPU or iothread id. */
  id: number;
  placement: Placement;
  /** What decided it: its own pin element, `<vcpu cpuset>`, or nothing. */
  from: 'pin' | 'vcpu-cpuset' | 'none';
}

export interface DomainPins {
  /** `<vcpu placement='auto'>`: numad decides at start, so nothing can be said. */
  indeterminate: boolean;
  /** A cpuset that does not parse (cpuset-invalid reports it): set maths would be wrong. */
  invalid: boolean;
  vcpus: readonly ThreadPin[];
  emulator: ThreadPin;
  iothreads: readonly ThreadPin[];
  /** True when the domain pins anything at all (a vcpupin, emulatorpin, iothreadpin or vcpu cpuset). */
  pinned: boolean;
}

/** A cpuset attribute's set and place. */
type PinCpuset = Pick<CpusetValue, 'set' | 'loc'>;

/**
 * What effective pinning is made from: the view's `<vcpu>`, `<cputune>` pins and `<iothreads>` count
 * (a `DomainView` is one; `pinSource` copies them without the elements, for a domain's facts).
 */
export interface PinSource {
  vcpu: { count: number | undefined; placement: string; cpuset: PinCpuset | undefined } | undefined;
  cputune: {
    vcpupins: ReadonlyArray<{ vcpu: number | undefined; cpuset: PinCpuset | undefined }>;
    emulatorpin: { cpuset: PinCpuset | undefined } | undefined;
    iothreadpins: ReadonlyArray<{ iothread: number | undefined; cpuset: PinCpuset | undefined }>;
  } | undefined;
  iothreads: number | undefined;
}

/** The pinning inputs of a view, without its elements: about a tenth of the pins they give, kept per domain. */
export function pinSource(view: PinSource): PinSource {
  const cs = (c: PinCpuset | undefined): PinCpuset | undefined => c && { set: c.set, loc: c.loc };
  const { vcpu, cputune } = view;
  return {
    vcpu: vcpu && { count: vcpu.count, placement: vcpu.placement, cpuset: cs(vcpu.cpuset) },
    cputune: cputune && {
      vcpupins: cputune.vcpupins.map((p) => ({ vcpu: p.vcpu, cpuset: cs(p.cpuset) })),
      emulatorpin: cputune.emulatorpin && { cpuset: cs(cputune.emulatorpin.cpuset) },
      iothreadpins: cputune.iothreadpins.map((p) => ({ iothread: p.iothread, cpuset: cs(p.cpuset) })),
    },
    iothreads: view.iothreads,
  };
}

/**
 * Effective pinning of a domain's threads (catalog 1.5): a vCPU without a
 * vcpupin, the emulator without emulatorpin and an iothread without
 * iothreadpin all fall back to `<vcpu cpuset>`, else to every host CPU.
 * vcpupins for vCPUs at or beyond the `<vcpu>` count are ignored, as libvirt does.
 */
export function domainPins(view: PinSource): DomainPins {
  let pins = pinsOf.get(view);
  if (!pins) pinsOf.set(view, (pins = computePins(view)));
  return pins;
}

// About ten rules ask for the same domain's pins: computed once per view (views do not change).
const pinsOf = new WeakMap<PinSource, DomainPins>();

function computePins(view: PinSource): DomainPins {
  const count = view.vcpu?.count ?? 0;
  const cpusetAttr = view.vcpu?.cpuset;
  const cputune = view.cputune;
  const cpusets = [cpusetAttr, ...(cputune?.vcpupins.map((p) => p.cpuset) ?? []), cputune?.emulatorpin?.cpuset, ...(cputune?.iothreadpins.map((p) => p.cpuset) ?? [])];
  const invalid = cpusets.some((c) => c !== undefined && c.set === undefined);
  const fallback: ThreadPin['placement'] = cpusetAttr?.set ? { kind: 'set', set: cpusetAttr.set, loc: cpusetAttr.loc } : { kind: 'all' };
  const fallbackFrom: ThreadPin['from'] = cpusetAttr?.set ? 'vcpu-cpuset' : 'none';

  const byVcpu = new Map<number, ThreadPin>();
  for (const p of cputune?.vcpupins ?? []) {
    if (p.vcpu === undefined || p.vcpu >= count || !p.cpuset?.set || byVcpu.has(p.vcpu)) continue;
    byVcpu.set(p.vcpu, { id: p.vcpu, placement: { kind: 'set', set: p.cpuset.set, loc: p.cpuset.loc }, from: 'pin' });
  }
  const vcpus: ThreadPin[] = [];
  for (let v = 0; v < count; v++) vcpus.push(byVcpu.get(v) ?? { id: v, placement: fallback, from: fallbackFrom });

  const ep = cputune?.emulatorpin?.cpuset;
  const emulator: ThreadPin = ep?.set ? { id: 0, placement: { kind: 'set', set: ep.set, loc: ep.loc }, from: 'pin' } : { id: 0, placement: fallback, from: fallbackFrom };

  const iothreads: ThreadPin[] = [];
  const pinnedIo = new Map<number, ThreadPin>();
  for (const p of cputune?.iothreadpins ?? []) {
    if (p.iothread === undefined || !p.cpuset?.set) continue;
    pinnedIo.set(p.iothread, { id: p.iothread, placement: { kind: 'set', set: p.cpuset.set, loc: p.cpuset.loc }, from: 'pin' });
  }
  for (let i = 1; i <= (view.iothreads ?? 0); i++) iothreads.push(pinnedIo.get(i) ?? { id: i, placement: fallback, from: fallbackFrom });

  return {
    indeterminate: view.vcpu?.placement === 'auto',
    invalid,
    vcpus,
    emulator,
    iothreads,
    pinned: cpusets.some((c) => c !== undefined),
  };
}

/** The host CPUs a thread's own pin element gives it; undefined when no pin element of its own decides it. */
export function ownPin(t: ThreadPin): CpuSet | undefined {
  return t.from === 'pin' && t.placement.kind === 'set' ? t.placement.set : undefined;
}

/** A placement as a concrete set: `all` becomes the host's CPUs when known, else undefined. */
export function resolvePlacement(p: Placement, hostCpus: CpuSet | undefined): CpuSet | undefined {
  return p.kind === 'set' ? p.set : hostCpus;
}
