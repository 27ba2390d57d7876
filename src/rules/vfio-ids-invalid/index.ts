import { defineRule } from '../../engine/rule.js';
import type { Fix } from '../../engine/fix.js';
import type { KernelParamFact } from '../../host/facts.js';
import type { HostModel } from '../../host/model.js';
import { idOf, vfioIdEntries, type VfioIdEntry } from '../../host/vfio-id-entries.js';
import { describeDevice, sysfsLoc } from '../../host/vfio-targets.js';
import { setParamValue } from '../../edit/params.js';

/** Text a guide or script meant to be replaced: `%DEVICES%`, `<id>`, `${IDS}`, `xxxx:yyyy`, `vendor:device`. */
const PLACEHOLDER = /[%<>${}]|^\s*(x{4}:y{4}|v{4}:d{4}|vendor:device|vendor_id:device_id)\s*$/i;
/** A word next to `ids=` that is an id or a list tail split off by a space (`ids=10de:2684, 10de:22ba`). */
const STRAY_ID = /^,?\s*(0x)?[0-9a-fA-F]{1,4}:(0x)?[0-9a-fA-F]{1,4}\b/;

export const rule = defineRule({
  meta: {
    id: 'vfio-ids-invalid',
    description: 'Each entry of vfio-pci `ids=` must be `vendor:device` in hex: the kernel skips an entry it cannot read, or reads it as another id, and says so only in dmesg.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: [{ anyOf: ['cmdline', 'modprobe'] }],
    optional: ['live'],
    messages: {
      placeholder: '`{entry}` is a placeholder that was never filled in: the kernel logs `invalid id string "{entry}"` and skips it, so vfio-pci claims no device from it. Put the vendor:device ids from `lspci -nn` here',
      skipped: '`{entry}` is not vendor:device: the kernel reads {read} from it, logs `invalid id string "{entry}"` and skips it, so vfio-pci does not claim the device it was meant for. Write it as two hex numbers, `10de:2684`',
      misread: '`{entry}` is read as {id}: the kernel\'s sscanf stops at `{rest}` and ignores the rest, so vfio-pci claims {id}, not the device meant. Write the id as `lspci -nn` prints it',
      tooLong: '`{entry}` has a {field} id of more than four hex digits ({value}): PCI ids are 16-bit, so this entry matches no device and vfio-pci claims nothing from it',
      split: '`{word}` is a separate word after `{param}`: the space ends the ids list, so the kernel reads `{word}` as a parameter of its own{fate}, and vfio-pci never claims it. Remove the space',
      subsystem: '`{entry}` is the subsystem id of {device}, not a device id: vfio-pci matches on vendor:device, so it claims no device from this entry. The device\'s own id is {wanted}',
      overflow: 'This ids value is {length} characters long: vfio-pci keeps it in a 1024-byte string, and the kernel refuses a value of 1024 characters or more (`param_set_copystring`: "string parameter too long"), so none of these ids are set. Drop repeats or use driver_override for some devices',
      duplicate: '`{entry}` is already in this list ({first}): the repeat changes nothing',
    },
    sources: [
      'Linux `drivers/vfio/pci/vfio_pci.c`, `vfio_pci_fill_ids` (splits `ids` on ",", skips empty entries, reads each with sscanf("%x:%x:%x:%x:%x:%x"), logs `invalid id string` and skips an entry with fewer than two fields): https://github.com/torvalds/linux/blob/master/drivers/vfio/pci/vfio_pci.c',
      'Linux `lib/vsprintf.c`, `vsscanf` (skips white space before a number, takes an optional 0x, reads hex digits until the first other character): https://github.com/torvalds/linux/blob/master/lib/vsprintf.c',
      'Linux `kernel/params.c`, `parse_args`/`next_arg` (parameters are separated by spaces) and `kernel/module/main.c` `unknown_module_param_cb` (an unknown module parameter is logged and ignored): https://github.com/torvalds/linux/blob/master/kernel/params.c',
      'Linux `Documentation/admin-guide/kernel-parameters.rst` (unknown parameters without `=` are passed to init as arguments): https://docs.kernel.org/admin-guide/kernel-parameters.html',
      'Linux `kernel/params.c`, `param_set_copystring` (a string parameter of `maxlen` bytes refuses a longer value with -ENOSPC; vfio-pci declares `ids` with `module_param_string(ids, ids, sizeof(ids), 0)` and `char ids[1024]`): https://github.com/torvalds/linux/blob/master/kernel/params.c',
      'PCI Local Bus Specification: vendor, device, subsystem vendor and subsystem ids are 16-bit configuration-space registers; lspci(8) `-nn` prints `[vendor:device]`: https://man7.org/linux/man-pages/man8/lspci.8.html',
    ],
  },
  check(ctx) {
    const { host } = ctx.machine;
    for (const setting of host.moduleParams('vfio_pci', 'ids')) {
      const param = setting.param;
      if (param.value === undefined) continue;
      if (param.value.length >= 1024) ctx.report({ messageId: 'overflow', data: { length: String(param.value.length) }, at: param.valueLoc ?? param.loc });
      const entries = vfioIdEntries(param);
      const seen = new Map<string, VfioIdEntry>();
      for (const e of entries) {
        if (e.fields.length < 2) {
          if (PLACEHOLDER.test(e.text)) ctx.report({ messageId: 'placeholder', data: { entry: e.text }, at: e.loc });
          else ctx.report({ messageId: 'skipped', data: { entry: e.text, read: e.fields.length === 0 ? 'no hex number' : `only one hex number (${e.fields[0]})` }, at: e.loc });
          continue;
        }
        const long = e.fields.slice(0, 2).findIndex((f) => f.replace(/^0+(?=.)/, '').length > 4);
        if (long >= 0) {
          ctx.report({ messageId: 'tooLong', data: { entry: e.text, field: long === 0 ? 'vendor' : 'device', value: e.fields[long]! }, at: e.loc });
          continue;
        }
        const id = idOf(e.fields);
        if (e.rest !== '' && e.rest !== ':') {
          ctx.report({ messageId: 'misread', data: { entry: e.text, id, rest: e.rest }, at: e.loc });
        } else if (e.fields.length === 2) {
          const sub = subsystemOf(host, e.fields, entries);
          if (sub) ctx.report({ messageId: 'subsystem', data: { entry: e.text, device: sub.device, wanted: sub.wanted }, at: e.loc, related: sub.related });
        }
        const first = seen.get(id);
        if (first) {
          const fix = dedupe(param, entries);
          ctx.report({ messageId: 'duplicate', severity: 'info', data: { entry: e.text, first: first.text === e.text ? 'the same entry comes first' : `as \`${first.text}\`` }, at: e.loc, related: [{ ...first.loc, message: 'first given here' }], fix });
        } else seen.set(id, e);
      }
      for (const word of strayWords(host, setting.options?.options ?? cmdlineOf(host, param), param)) {
        ctx.report({
          messageId: 'split',
          data: { word: word.name, param: `${param.name}=${param.value}`, fate: setting.options ? ' (an unknown parameter of vfio-pci, which the kernel logs and ignores)' : ' (an unknown one, passed to init)' },
          at: word.loc,
        });
      }
    }
  },
});

/** The words right after an `ids=` parameter that are ids split off by a space. */
function strayWords(_host: HostModel, params: readonly KernelParamFact[], ids: KernelParamFact): KernelParamFact[] {
  const out: KernelParamFact[] = [];
  // `params` holds `ids` (its options line or its command line), so the walk starts right after it.
  for (let i = params.indexOf(ids) + 1; i < params.length; i++) {
    const p = params[i]!;
    if (p.value !== undefined || !STRAY_ID.test(p.name)) break;
    out.push(p);
  }
  return out;
}

/** The configured command line an `ids=` parameter is written on (`moduleParams` takes command-line settings from these only). */
function cmdlineOf(host: HostModel, param: KernelParamFact): KernelParamFact[] {
  return host.configuredCmdlines.find((c) => c.params.includes(param))!.params;
}

/** The value with every repeated id dropped (the first of each kept); a fix only when the value is written verbatim (`setParamValue` says). */
function dedupe(param: KernelParamFact, entries: readonly VfioIdEntry[]): Fix | undefined {
  const keep: string[] = [];
  const ids = new Set<string>();
  for (const e of entries) {
    // As check() reads it: an id read whole (a stray `:` after it changes nothing); a misread entry stays for its own finding.
    if (e.fields.length >= 2 && (e.rest === '' || e.rest === ':')) {
      const id = idOf(e.fields);
      if (ids.has(id)) continue;
      ids.add(id);
    }
    keep.push(e.text);
  }
  const edit = setParamValue(param, keep.join(','));
  return edit && { edits: [edit] };
}

/** A device of the running host whose subsystem id (not device id) is this entry; none when a device has it as its own id. */
function subsystemOf(host: HostModel, fields: readonly string[], entries: readonly VfioIdEntry[]) {
  const pci = host.live?.pci;
  if (!pci) return undefined;
  const [vendor, device] = idOf(fields).split(':') as [string, string];
  if (pci.withId(vendor, device).length > 0) return undefined;
  const all = pci.devices.filter((d) => d.subsystemVendor === vendor && d.subsystemDevice === device && d.vendor && d.device);
  if (all.length === 0) return undefined;
  // A card's functions share its subsystem id: the one meant is the one whose own id the list lacks.
  // An entry of fewer than two fields gives an id without a colon, which no device's `vendor:device` equals.
  const listed = new Set(entries.map((e) => idOf(e.fields.slice(0, 2))));
  const unlisted = all.filter((d) => !listed.has(`${d.vendor}:${d.device}`));
  const matches = unlisted.length > 0 ? unlisted : all;
  const wanted = [...new Set(matches.map((d) => `${d.vendor}:${d.device}`))];
  return {
    device: matches.map(describeDevice).join(' and '),
    wanted: wanted.join(', '),
    related: matches.map((d) => ({ ...sysfsLoc(d.address, 'subsystem_device'), message: `${d.address}: device ${d.vendor}:${d.device}, subsystem ${d.subsystemVendor}:${d.subsystemDevice}` })),
  };
}
