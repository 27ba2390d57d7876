import type { Rule } from '../engine/rule.js';
import { rule as syntax } from './syntax/index.js';
import { rule as unusedSuppression } from './unused-suppression/index.js';
import { rule as duplicateDomain } from './duplicate-domain/index.js';
import { rule as memballoonPresent } from './memballoon-present/index.js';
import { rule as missingTopoext } from './missing-topoext/index.js';
import { rule as emulatorpinOverlapsVcpupin } from './emulatorpin-overlaps-vcpupin/index.js';
import { rule as isolcpusMismatch } from './isolcpus-mismatch/index.js';
import { rule as hugepagesWithoutBacking } from './hugepages-without-backing/index.js';
import { rule as nvidiaNotBlacklisted } from './nvidia-not-blacklisted/index.js';
import { rule as noiommuModeEnabled } from './noiommu-mode-enabled/index.js';
import { rule as unsafeInterruptsEnabled } from './unsafe-interrupts-enabled/index.js';
import { rule as iommuParamNoop } from './iommu-param-noop/index.js';
import { rule as unknownCpuFeature } from './unknown-cpu-feature/index.js';
import { rule as cpusetInvalid } from './cpuset-invalid/index.js';
import { rule as vcpupinInvalid } from './vcpupin-invalid/index.js';
import { rule as topologyVcpuMismatch } from './topology-vcpu-mismatch/index.js';
import { rule as vcpupinIncomplete } from './vcpupin-incomplete/index.js';
import { rule as iothreadpinOverlapsVcpupin } from './iothreadpin-overlaps-vcpupin/index.js';
import { rule as vcpupinSmtLayout } from './vcpupin-smt-layout/index.js';
import { rule as topoextOnIntel } from './topoext-on-intel/index.js';
import { rule as hugepagesConfigInvalid } from './hugepages-config-invalid/index.js';
import { rule as cpuModeNotPassthrough } from './cpu-mode-not-passthrough/index.js';
import { rule as lockedWithVfio } from './locked-with-vfio/index.js';
import { rule as hypervEnlightenmentsMissing } from './hyperv-enlightenments-missing/index.js';
import { rule as hypervDependency } from './hyperv-dependency/index.js';
import { rule as windowsTimers } from './windows-timers/index.js';
import { rule as kvmHiddenObsolete } from './kvm-hidden-obsolete/index.js';
import { rule as hypervisorBitHidden } from './hypervisor-bit-hidden/index.js';
import { rule as windows11Requirements } from './windows11-requirements/index.js';
import { rule as windowsSocketLimit } from './windows-socket-limit/index.js';
import { rule as invtscHidden } from './invtsc-hidden/index.js';
import { rule as hypervPassthroughMode } from './hyperv-passthrough-mode/index.js';
import { rule as q3540SplitIrqchip } from './q35-4.0-split-irqchip/index.js';
import { rule as legacyMachineOrFirmware } from './legacy-machine-or-firmware/index.js';
import { rule as hostdevRomFile } from './hostdev-rom-file/index.js';
import { rule as emulatedLegacyDevice } from './emulated-legacy-device/index.js';
import { rule as kernelParamInvalid } from './kernel-param-invalid/index.js';
import { rule as obsoleteVfioModule } from './obsolete-vfio-module/index.js';
import { rule as unknownModule } from './unknown-module/index.js';
import { rule as moduleParamUnknown } from './module-param-unknown/index.js';
import { rule as iommuGroupNotViable } from './iommu-group-not-viable/index.js';
import { rule as ignoreMsrsUnreported } from './ignore-msrs-unreported/index.js';
import { rule as deviceBoundToHostDriver } from './device-bound-to-host-driver/index.js';
import { rule as vfioPciBuiltinOptionsIgnored } from './vfio-pci-builtin-options-ignored/index.js';
import { rule as qemuCommandlineOverride } from './qemu-commandline-override/index.js';
import { rule as acsOverrideInUse } from './acs-override-in-use/index.js';
import { rule as riskyKernelParam } from './risky-kernel-param/index.js';
import { rule as efifbOffObsolete } from './efifb-off-obsolete/index.js';
import { rule as cmdlineParamMissingPrefix } from './cmdline-param-missing-prefix/index.js';
import { rule as pinsSpanL3 } from './pins-span-l3/index.js';
import { rule as emulatorOnIsolatedCpu } from './emulator-on-isolated-cpu/index.js';
import { rule as vfioPciLateLoad } from './vfio-pci-late-load/index.js';
import { rule as initramfsModconfMissing } from './initramfs-modconf-missing/index.js';
import { rule as initramfsVfioOrder } from './initramfs-vfio-order/index.js';
import { rule as unknownElement } from './unknown-element/index.js';
import { rule as iommuNotEnabled } from './iommu-not-enabled/index.js';
import { rule as cmdlineDuplicateParam } from './cmdline-duplicate-param/index.js';
import { rule as cmdlineListWhitespace } from './cmdline-list-whitespace/index.js';
import { rule as memorybackingWithoutHugepages } from './memorybacking-without-hugepages/index.js';
import { rule as hugepagesPoolShort } from './hugepages-pool-short/index.js';
import { rule as hugetlbShmGroupUnneeded } from './hugetlb-shm-group-unneeded/index.js';
import { rule as numaMisaligned } from './numa-misaligned/index.js';
import { rule as gpuNumaLocality } from './gpu-numa-locality/index.js';
import { rule as vendorResetMisconfig } from './vendor-reset-misconfig/index.js';
import { rule as vfioIdsInvalid } from './vfio-ids-invalid/index.js';
import { rule as vfioIdsOverridden } from './vfio-ids-overridden/index.js';
import { rule as softdepIneffective } from './softdep-ineffective/index.js';
import { rule as blacklistIneffective } from './blacklist-ineffective/index.js';
import { rule as blacklistHostDriver } from './blacklist-host-driver/index.js';
import { rule as hugepagesInsufficient } from './hugepages-insufficient/index.js';
import { rule as hugepagesSysctlSize } from './hugepages-sysctl-size/index.js';
import { rule as sysctlShadowed } from './sysctl-shadowed/index.js';
import { rule as initramfsStale } from './initramfs-stale/index.js';
import { rule as cmdlineDrift } from './cmdline-drift/index.js';
import { rule as grubDropinOverride } from './grub-dropin-override/index.js';

/** Every built-in rule, in the order they are listed. */
export const builtinRules: readonly Rule[] = [
  memballoonPresent,
  missingTopoext,
  emulatorpinOverlapsVcpupin,
  isolcpusMismatch,
  hugepagesWithoutBacking,
  nvidiaNotBlacklisted,
  noiommuModeEnabled,
  unsafeInterruptsEnabled,
  iommuParamNoop,
  unknownCpuFeature,
  cpusetInvalid,
  duplicateDomain,
  vcpupinInvalid,
  topologyVcpuMismatch,
  vcpupinIncomplete,
  iothreadpinOverlapsVcpupin,
  vcpupinSmtLayout,
  topoextOnIntel,
  hugepagesConfigInvalid,
  cpuModeNotPassthrough,
  lockedWithVfio,
  hypervEnlightenmentsMissing,
  hypervDependency,
  windowsTimers,
  kvmHiddenObsolete,
  hypervisorBitHidden,
  windows11Requirements,
  windowsSocketLimit,
  invtscHidden,
  hypervPassthroughMode,
  q3540SplitIrqchip,
  legacyMachineOrFirmware,
  hostdevRomFile,
  emulatedLegacyDevice,
  kernelParamInvalid,
  obsoleteVfioModule,
  unknownModule,
  moduleParamUnknown,
  iommuGroupNotViable,
  ignoreMsrsUnreported,
  deviceBoundToHostDriver,
  vfioPciBuiltinOptionsIgnored,
  qemuCommandlineOverride,
  acsOverrideInUse,
  riskyKernelParam,
  efifbOffObsolete,
  cmdlineParamMissingPrefix,
  pinsSpanL3,
  emulatorOnIsolatedCpu,
  vfioPciLateLoad,
  initramfsModconfMissing,
  initramfsVfioOrder,
  unknownElement,
  iommuNotEnabled,
  cmdlineDuplicateParam,
  cmdlineListWhitespace,
  memorybackingWithoutHugepages,
  hugepagesPoolShort,
  hugetlbShmGroupUnneeded,
  numaMisaligned,
  gpuNumaLocality,
  vendorResetMisconfig,
  vfioIdsInvalid,
  vfioIdsOverridden,
  softdepIneffective,
  blacklistIneffective,
  blacklistHostDriver,
  hugepagesInsufficient,
  hugepagesSysctlSize,
  sysctlShadowed,
  initramfsStale,
  cmdlineDrift,
  grubDropinOverride,
  syntax,
  unusedSuppression,
];

/** Rules whose findings the engine produces itself rather than through `check`. */
export const ENGINE_RULE_IDS = new Set(['syntax', 'unused-suppression']);
