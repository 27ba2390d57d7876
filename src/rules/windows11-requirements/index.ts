import { defineRule } from '../../engine/rule.js';
import { attr, childElements, firstChild } from '../../parsers/xml/index.js';
import { windowsGuest, type WindowsGuest } from '../../domain/windows.js';
import { insertLastChild, quoteOf } from '../../edit/xml.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'windows11-requirements',
    description: 'A Windows 11 guest needs a TPM 2.0 and UEFI firmware that can do Secure Boot; without them Windows 11 Setup refuses to install unless its checks are bypassed.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      noTpm: 'Windows 11 guest ({because}) without a <tpm>: Windows 11 requires TPM 2.0, and Setup refuses to install without it unless its check is bypassed; add an emulated TPM 2.0 (swtpm)',
      tpm12: "Windows 11 guest ({because}) with a TPM {version}: Windows 11 requires TPM 2.0; set version='2.0'",
      tpmDefault: "Windows 11 guest ({because}) with an emulated TPM of no stated version on model '{model}': libvirt then picks the version (\"The default version used depends on the combination of hypervisor, guest architecture, TPM model and backend\"); write version='2.0' to be sure of TPM 2.0",
      bios: 'Windows 11 guest ({because}) booting with BIOS firmware ({how}): Windows 11 requires UEFI with Secure Boot capability; use <os firmware=\'efi\'>',
      noSecureBoot: 'Windows 11 guest ({because}) with firmware that cannot do Secure Boot ({how}): Windows 11 requires Secure Boot capable UEFI firmware',
    },
    sources: [
      'Microsoft, "Windows 11 specifications and system requirements": TPM version 2.0; UEFI, Secure Boot capable: https://www.microsoft.com/en-us/windows/windows-11-specifications',
      'libvirt, Domain XML format, "TPM device" (backends, `version`, "The default version used depends on the combination of hypervisor, guest architecture, TPM model and backend"; tpm-crb only with TPM 2.0): https://libvirt.org/formatdomain.html#tpm-device',
      'libvirt, Domain XML format, "Operating system booting", "BIOS bootloader": `firmware=\'efi\'`, `<firmware><feature name=\'secure-boot\'>`, `<loader secure=\'yes|no\'>`: https://libvirt.org/formatdomain.html#bios-bootloader',
      'libosinfo ids for Windows 11 (`http://microsoft.com/win/11`) as virt-manager writes them into `<metadata>`: https://libvirt.org/formatdomain.html#general-metadata',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    const win = windowsGuest(view);
    if (!win || !isWindows11(win)) return;
    const path = file.source.path;
    const text = file.source.text;
    const because = win.osinfoVersion && win.nameVersion && win.osinfoVersion !== win.nameVersion
      ? `the name '${view.name}', although libosinfo says win/${win.osinfoVersion}`
      : win.because;

    // TPM.
    const tpms = view.devices ? childElements(view.devices, 'tpm') : [];
    const tpm = tpms.find((t) => attr(t, 'model')?.value !== 'spapr-tpm-proxy');
    if (!tpm && view.devices) {
      const q = quoteOf(view.root);
      ctx.report({
        messageId: 'noTpm',
        data: { because },
        at: tagLoc(path, view.devices),
        suggestions: [{
          description: "Add an emulated TPM 2.0 (<tpm model='tpm-crb'> with the emulator backend; the host needs swtpm)",
          fix: { edits: [insertLastChild(path, text, view.devices, `<tpm model=${q}tpm-crb${q}><backend type=${q}emulator${q} version=${q}2.0${q}/></tpm>`)] },
        }],
      });
    } else if (tpm) {
      const backend = firstChild(tpm, 'backend');
      const version = backend ? attr(backend, 'version') : undefined;
      const model = attr(tpm, 'model')?.value ?? 'tpm-tis';
      if (backend && attr(backend, 'type')?.value === 'emulator') {
        if (version && version.value !== '2.0') ctx.report({ messageId: 'tpm12', data: { because, version: version.value }, at: valueLoc(path, version) });
        else if (!version && model !== 'tpm-crb') ctx.report({ messageId: 'tpmDefault', data: { because, model }, at: tagLoc(path, backend), severity: 'info' });
      }
    }

    // Firmware.
    const os = view.os;
    if (!os) return;
    const loader = firstChild(os.element, 'loader');
    const loaderType = loader ? attr(loader, 'type')?.value : undefined;
    const loaderPath = loader ? textOf(loader) : '';
    const efi = os.firmware === 'efi' || loaderType === 'pflash' || /ovmf|edk2|uefi|\.fd$/i.test(loaderPath);
    if (!efi) {
      const how = os.firmware === 'bios' ? "firmware='bios'" : loader ? `loader ${loaderPath || "type='rom'"}` : "no firmware='efi' and no UEFI loader, so SeaBIOS";
      ctx.report({ messageId: 'bios', data: { because, how }, at: os.firmware ? valueLoc(path, attr(os.element, 'firmware')!) : tagLoc(path, os.element) });
      return;
    }
    const fw = firstChild(os.element, 'firmware');
    const sbFeature = fw ? childElements(fw, 'feature').find((f) => attr(f, 'name')?.value === 'secure-boot') : undefined;
    if (sbFeature && attr(sbFeature, 'enabled')?.value === 'no') {
      ctx.report({ messageId: 'noSecureBoot', data: { because, how: "<feature enabled='no' name='secure-boot'/> picks firmware without it" }, at: tagLoc(path, sbFeature) });
      return;
    }
    const secure = loader ? attr(loader, 'secure') : undefined;
    if (secure?.value === 'no') {
      ctx.report({ messageId: 'noSecureBoot', data: { because, how: "<loader secure='no'> says the firmware is not Secure Boot capable" }, at: valueLoc(path, secure) });
    }
  },
});

/** Windows 11 by libosinfo (unless the name says another version) or by the name. */
function isWindows11(win: WindowsGuest): boolean {
  if (win.nameVersion === '11') return true;
  return win.osinfoVersion === '11' && win.nameVersion === undefined;
}

function textOf(el: import('../../parsers/xml/index.js').XmlElement): string {
  let out = '';
  for (const c of el.children) if (c.type === 'text' || c.type === 'cdata') out += c.value;
  return out.trim();
}
