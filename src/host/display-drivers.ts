import type { LiveHost } from './live.js';

/**
 * The host drivers that bind a GPU's display function, by PCI vendor id, as the kernel's drivers
 * declare them (each driver's PCI id table: drivers/gpu/drm/nouveau, amd/amdgpu, radeon, i915, xe;
 * NVIDIA's own nvidia.ko for 10de). nvidia_drm, nvidia_modeset and nvidia_uvm bind nothing
 * themselves but load nvidia as a dependency, so listing them loads the binder.
 */
const BY_VENDOR: Record<string, readonly string[]> = {
  '10de': ['nouveau', 'nvidia', 'nvidia_drm', 'nvidia_modeset', 'nvidia_uvm', 'nvidia_peermem', 'nvidiafb'],
  '1002': ['amdgpu', 'radeon'],
  '8086': ['i915', 'xe'],
};

export const VENDOR_NAMES: Record<string, string> = { '10de': 'NVIDIA', '1002': 'AMD', '8086': 'Intel' };

/** snd_hda_intel binds the HDMI/DP audio function these GPU vendors put beside the display function. */
export const GPU_AUDIO_DRIVER = 'snd_hda_intel';

/** The vendor whose display function `module` binds; undefined for any other module. */
export function displayVendorOf(module: string): string | undefined {
  for (const [vendor, drivers] of Object.entries(BY_VENDOR)) if (drivers.includes(module)) return vendor;
  return undefined;
}

/** Every display driver of a vendor (empty for a vendor without one here). */
export function displayDriversOf(vendor: string): readonly string[] {
  return BY_VENDOR[vendor] ?? [];
}

/**
 * The ids given to vfio-pci that are a GPU of `vendor`, so that its display driver would bind them.
 * 1002 (ATI) makes only GPUs and their HDMI audio, so any of its ids counts. 8086 (Intel) makes
 * chipsets, NICs and audio controllers too: an Intel id counts only when the running host (--live or a
 * snapshot) shows it is a display device (class 03).
 */
export function gpuIdsOf<T extends { vendor: string; device: string }>(ids: readonly T[], vendor: string, live: LiveHost | undefined): T[] {
  const mine = ids.filter((i) => i.vendor === vendor);
  const isDisplay = (i: T) => live?.pci?.withId(i.vendor, i.device).some((d) => d.class?.startsWith('03')) === true;
  if (vendor === '8086') return mine.filter(isDisplay);
  return [...mine.filter(isDisplay), ...mine.filter((i) => !isDisplay(i))];
}
