import { describe, expect, it } from 'vitest';
import { hostVendor } from '../../src/host/vendor.js';
import type { HostModel } from '../../src/host/model.js';

/** A host model with only what hostVendor reads from a running host: /proc/cpuinfo's vendor_id. */
const liveHost = (vendor: string) =>
  ({ live: { has: (item: string) => item === 'cpuinfo', facts: { cpu: { vendor } }, origin: 'live' }, capabilities: undefined }) as unknown as HostModel;

describe('hostVendor: Hygon, as /proc/cpuinfo and libvirt name it', () => {
  it('the kernel\'s vendor_id HygonGenuine (arch/x86/kernel/cpu/hygon.c) is AMD\'s family, like libvirt\'s Hygon', () => {
    expect(hostVendor(liveHost('HygonGenuine'))).toEqual({ vendor: 'AMD', from: "the running host's /proc/cpuinfo" });
  });
});
