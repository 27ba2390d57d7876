import { defineRule } from '../../engine/rule.js';
import { kernelParamDoc, kernelParamsVersion, lookupKernelParam, moduleInfo, suggest, suggestKernelParam } from '../../data/index.js';
import { iommuItems, iommuOptions, isIommuParam } from '../../host/iommu-options.js';
import { kernelBool, paramToken } from '../../host/params.js';
import { userspaceParam, userspaceParamNames, type Generator } from '../../host/userspace-params.js';
import { parseKernelSize } from '../../core/units.js';
import { renameParam } from '../../edit/params.js';
import { missingModulePrefix } from '../../host/module-prefix.js';
import type { KernelParamFact } from '../../host/facts.js';

/** Where each generator takes modules to load early, for the message about `rd.driver.pre`. */
const EARLY_MODULES: Record<Generator, string> = {
  dracut: 'force_drivers+=" ... " in /etc/dracut.conf.d/*.conf',
  mkinitcpio: 'MODULES=(...) in /etc/mkinitcpio.conf',
  'initramfs-tools': '/etc/initramfs-tools/modules',
};

/** Parameters whose whole value is one word from a short list the kernel's parser compares against (kernel-parameters.txt). */
const ENUMS = new Set(['pcie_aspm', 'transparent_hugepage', 'pti', 'tsx']);
const THP = ['always', 'madvise', 'never'];

const X86_HUGEPAGE_SIZES = new Set([2 * 1024 * 1024, 1024 * 1024 * 1024]);

export const rule = defineRule({
  meta: {
    id: 'kernel-param-invalid',
    description: 'Kernel command-line parameters the kernel does not know, values its parser ignores, and initramfs parameters for a generator the host does not use.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'machine',
    requires: ['cmdline'],
    optional: ['initramfs'],
    messages: {
      unknownName: "'{name}' is not in the parameter documentation of Linux {kernel}, nor a module parameter or one a boot tool is known to read: the kernel passes it to init, where it most likely does nothing{hint}",
      unknownModuleParam: "Module {module} has no parameter '{param}' in Linux {kernel}: {written} is ignored{hint}",
      moduleWord: "'{name}' is a module name, not a parameter: written alone it is passed to init and neither loads the module nor sets anything (options are written {name}.<option>=<value>; modules to load at boot go in /etc/modules-load.d/ or the initramfs configuration)",
      missingValue: '{name} needs a value ({name}=...): written alone it does not reach the kernel\'s {name}= handler and is passed to init instead',
      iommuOption: "'{item}' is not an option of {param}= (it knows {options}; an item is read by its first letters): the kernel {ignores}",
      notBool: '{written} is not a boolean (kstrtobool takes 1/0, y/n, on/off): the kernel rejects the value and keeps the default',
      hugepageSize: '{written} is not a huge page size an x86-64 kernel has (2M, or 1G with the pdpe1gb CPU flag): the kernel ignores it ("unsupported page size"){counts}',
      enumValue: "{written}: {name}= takes {values}; the kernel ignores '{value}'",
      wrongInitramfs: '{written} is read only by {reader}, but this host\'s initramfs is built by {generator} ({file}): it does nothing here{alt}',
    },
    sources: [
      'Linux Documentation/admin-guide/kernel-parameters.txt (data/kernel-params.json, generated from Debian\'s linux-doc package; version in the file) — https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux init/main.c (unknown_bootoption, obsolete_checksetup): a name the kernel does not know goes to init\'s environment or argv; kernel/params.c (parse_args, parameq): "-" and "_" are one character — https://github.com/torvalds/linux/blob/master/init/main.c',
      'Module parameters of Linux 6.12 and 6.1 (data/kernel-modules.json, generated from Debian\'s linux-image packages)',
      'Linux arch/x86/kernel/pci-dma.c (iommu_setup) and arch/x86/kernel/amd_gart_64.c (gart_parse_options), drivers/iommu/intel/iommu.c (intel_iommu_setup), drivers/iommu/amd/init.c (parse_amd_iommu_options): each item is compared with strncmp against the option names; others are ignored — https://github.com/torvalds/linux/blob/master/drivers/iommu/intel/iommu.c',
      'Linux drivers/iommu/iommu.c (iommu_set_def_domain_type, iommu_dma_setup): iommu.passthrough= and iommu.strict= are read with kstrtobool — https://github.com/torvalds/linux/blob/master/drivers/iommu/iommu.c',
      'Linux mm/hugetlb.c (hugepagesz_setup, default_hugepagesz_setup) and Documentation/admin-guide/mm/hugetlbpage.rst: unsupported sizes are ignored — https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'dracut.cmdline(7): rd.driver.pre, rd.driver.blacklist and the other rd. parameters dracut reads — https://man7.org/linux/man-pages/man7/dracut.cmdline.7.html',
      'systemd kernel-command-line(7): the parameters systemd and udev read — https://www.freedesktop.org/software/systemd/man/latest/kernel-command-line.html',
      'mkinitcpio(8) and initramfs-tools(7): the parameters their init scripts read — https://man.archlinux.org/man/mkinitcpio.8',
    ],
  },
  check(ctx) {
    const { host } = ctx.machine;
    const kernel = kernelParamsVersion();
    const generators = host.initramfs;
    const generator = generators.length === 1 ? generators[0] : undefined;
    for (const source of host.configuredCmdlines) {
      for (const p of source.params) {
        if (p.afterDashDash) continue;
        const written = paramToken(p);
        const rename = (to: string) => {
          const edit = renameParam(p, to);
          return edit ? { suggestions: [{ description: `Rename to ${to}`, fix: { edits: [edit] } }] } : {};
        };

        const user = userspaceParam(p.name);
        if (user && !kernelParamDoc(p.name)) {
          if (user.onlyFor && generator && generator.generator !== user.onlyFor) {
            const alt = user.onlyFor === 'dracut' && p.key.startsWith('rd.driver.pre') ? `; to load ${p.value ?? 'a module'} early, use ${EARLY_MODULES[generator.generator]}` : '';
            ctx.report({
              messageId: 'wrongInitramfs',
              data: { written, reader: user.onlyFor, generator: generator.generator, file: generator.files[0]?.systemPath ?? '', alt },
              at: p.loc,
              related: generator.files[0] ? [{ path: generator.files[0].source.path, start: 0, end: 0, message: `${generator.generator} builds this host's initramfs` }] : [],
            });
          }
          continue;
        }

        // risky-kernel-param says what thermal.nocrt is; the near miss thermal.crt means something else (a trip temperature).
        if (p.key === 'thermal.nocrt') continue;
        // A module parameter without its module is cmdline-param-missing-prefix's.
        if (missingModulePrefix(p.key, undefined)) continue;
        const lookup = lookupKernelParam(p.name);
        if (lookup.known === 'unverifiable') continue;
        if (lookup.known === false) {
          const guess = didYouMean(p.name);
          if (p.value === undefined && !p.name.includes('.') && moduleInfo(p.name)) {
            ctx.report({ messageId: 'moduleWord', data: { name: p.name }, at: p.loc });
            continue;
          }
          // module_param_cb parameters without a description are missing from modinfo, so the module
          // dictionary cannot prove a dotted name wrong: only a near miss of a known name is reported.
          if (p.name.includes('.') && !guess) continue;
          if (lookup.module !== undefined && lookup.param !== undefined && moduleInfo(lookup.module)) {
            ctx.report({ messageId: 'unknownModuleParam', data: { module: lookup.module, param: lookup.param, kernel, written, hint: `; did you mean ${guess}?` }, at: p.loc, ...rename(guess!) });
            continue;
          }
          ctx.report({ messageId: 'unknownName', data: { name: p.name, kernel, hint: guess ? `; did you mean ${guess}?` : '' }, at: p.loc, ...(guess ? rename(guess) : {}) });
          continue;
        }
        if (lookup.via !== 'doc') continue;
        const doc = lookup.doc;
        if (p.value === undefined) {
          // Documented only as name=...: its __setup("name=") handler does not match the bare word.
          if (doc.value === 'required' && !doc.name.startsWith('<')) ctx.report({ messageId: 'missingValue', data: { name: p.name }, at: p.loc });
          continue;
        }
        checkValue(ctx, p, written);
      }
    }
  },
});

type Ctx = Parameters<typeof rule.check>[0];

const normalise = (n: string) => n.replaceAll('-', '_');

/** The known name a typo was most likely meant as: dracut's for `rd.` names, else the kernel's, then the boot tools'. Names of 4 characters or fewer get none (too many near misses). */
function didYouMean(name: string): string | undefined {
  if (name.length <= 4) return undefined;
  if (name.startsWith('rd.')) return suggest(name, userspaceParamNames(), { normalise })[0];
  return suggestKernelParam(name)[0] ?? suggest(name, userspaceParamNames(), { normalise })[0];
}

function checkValue(ctx: Ctx, p: KernelParamFact, written: string): void {
  const key = p.key;
  if (isIommuParam(key)) {
    for (const item of iommuItems({ ...p, key })) {
      // Words meant to switch an IOMMU on (amd_iommu=on, iommu=1) are iommu-param-noop's.
      if (item.option !== undefined || item.enableWord || item.text === '') continue;
      ctx.report({
        messageId: 'iommuOption',
        data: { item: item.text, param: p.name, options: iommuOptions(key).join(', '), ignores: key === 'iommu' ? 'ignores it without a word' : 'logs "Unknown option" and ignores it' },
        at: item.loc,
      });
    }
    return;
  }
  if (key === 'iommu.passthrough' || key === 'iommu.strict') {
    if (kernelBool(p.value) === undefined) ctx.report({ messageId: 'notBool', data: { written }, at: p.valueLoc ?? p.loc });
    return;
  }
  if (key === 'hugepagesz' || key === 'default_hugepagesz') {
    const size = parseKernelSize(p.value!);
    if (!size.ok || !X86_HUGEPAGE_SIZES.has(size.bytes)) {
      ctx.report({ messageId: 'hugepageSize', data: { written, counts: key === 'hugepagesz' ? ', and a hugepages= count after it is ignored too' : '' }, at: p.valueLoc ?? p.loc });
    }
    return;
  }
  if (ENUMS.has(key)) {
    const values = key === 'transparent_hugepage' ? THP : (kernelParamDoc(key)?.values ?? []);
    if (values.length > 0 && !values.includes(p.value!)) {
      ctx.report({ messageId: 'enumValue', data: { written, name: p.name, values: values.join(', '), value: p.value! }, at: p.valueLoc ?? p.loc });
    }
  }
}
