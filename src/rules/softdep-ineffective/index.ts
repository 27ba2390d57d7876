import { defineRule } from '../../engine/rule.js';
import type { Fix, Suggestion, TextEdit } from '../../engine/fix.js';
import type { ModprobeFact } from '../../host/facts.js';
import type { HostModel } from '../../host/model.js';
import { fnmatchModule } from '../../host/module-pattern.js';
import { displayVendorOf, GPU_AUDIO_DRIVER, VENDOR_NAMES } from '../../host/display-drivers.js';
import { deleteLine } from '../../edit/lines.js';

/** Parse problems that already say what is wrong with a softdep line (the `syntax` rule reports them). */
const SYNTAX_CODES = new Set(['modprobe-softdep-unused', 'modprobe-softdep-marker', 'modprobe-trailing-comment', 'modprobe-crlf']);

/** Drivers that bind a device a user gives to vfio-pci: a GPU's display function or its HDMI/DP audio. */
const claimsPassthroughDevice = (m: string): boolean => displayVendorOf(m) !== undefined || m === GPU_AUDIO_DRIVER;

export const rule = defineRule({
  meta: {
    id: 'softdep-ineffective',
    description: 'A `softdep` line should do what it says: kmod reads only the first one per module, never applies one to a built-in module, and a softdep on the wrong driver keeps nothing off the device.',
    category: 'correctness',
    severity: 'warning',
    fixable: 'safe',
    scope: 'machine',
    requires: ['modprobe'],
    optional: ['cmdline', 'live'],
    messages: {
      shadowed: '`{line}` is ignored: kmod reads only the first softdep line that matches {module}, `{used}` in {usedFile}{usedNote}, so {lost} {isAre} not loaded with {module}. Put {them} on that line and delete this one',
      duplicate: '`{line}` is ignored: kmod reads only the first softdep line that matches {module}, `{used}` in {usedFile}, which already loads everything this one names. Delete this line',
      empty: '`{line}` names no module after `pre:` or `post:`: kmod keeps it as the softdep of {module} and loads nothing{hides}',
      builtin: '{module} is built into the running kernel ({release}), so kmod never loads it and never applies `{line}`: {module} registers during boot, before any module{vfio}',
      notTheDriver: '`{line}` loads vfio-pci before {module}, which drives {vendor} GPUs, but no device given to vfio-pci is {vendor}\'s ({ids}): this line keeps {module} off nothing here',
      inverted: '`{line}` loads {driver} before vfio-pci, the opposite of keeping {driver} off a device meant for vfio-pci. To load vfio-pci first: `softdep {driver} pre: vfio-pci`',
      postLoad: '`{line}` loads vfio-pci after {module}, when {module} has already bound its devices. To load vfio-pci first: `softdep {module} pre: vfio-pci`',
    },
    sources: [
      'kmod `libkmod/libkmod-module.c` (`kmod_module_get_softdeps`: fnmatch on each softdep in order, "find only the first command"; `kmod_module_probe_insert_module`: a module already in the kernel or built in returns before its softdeps are read), `libkmod/libkmod-config.c` (`kmod_config_add_softdep`: `pre:`/`post:` only as whole words, a line with no module after them is still kept; `modules.softdep` sorted among the config files), commit 84fa569: https://github.com/kmod-project/kmod',
      'kmod test `testsuite/rootfs-pristine/test-multi-softdep` (commit b73b520, kmod PR #311: "libkmod will take only the first softdep statement"): https://github.com/kmod-project/kmod/pull/311',
      'kmod modprobe.d(5), softdep: https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
      'Linux `drivers/vfio/pci/vfio_pci.c`: vfio-pci takes only the ids it is given, when it initialises; a device already bound keeps its driver: https://github.com/torvalds/linux/blob/master/drivers/vfio/pci/vfio_pci.c',
    ],
  },
  check(ctx) {
    const host = ctx.machine.host;
    const softdeps = host.modprobe.facts.filter((f) => f.keyword === 'softdep');
    if (softdeps.length === 0) return;
    const text = (f: ModprobeFact) => f.file.source.text.slice(f.loc.start, f.loc.end).trim();
    const ids = host.vfioIds?.ids ?? [];
    // An install command for vfio-pci (a driver_override script) picks devices the files do not show.
    const vfioInstall = host.modprobe.install('vfio_pci') !== undefined;

    softdeps.forEach((f, i) => {
      const line = text(f);
      const used = softdeps.slice(0, i).find((u) => fnmatchModule(u.module, f.module));
      if (used) {
        reportShadowed(f, used);
        return;
      }
      if (f.pre.length === 0 && f.post.length === 0) {
        if (hasSyntaxProblem(f)) return;
        const later = softdeps.slice(i + 1).filter((l) => fnmatchModule(f.module, l.module));
        ctx.report({
          messageId: 'empty',
          data: { line, module: f.module, hides: later.length > 0 ? `, and it hides the later softdep ${later.length === 1 ? 'line' : 'lines'} of ${f.module}` : '' },
          at: f.loc,
        });
        return;
      }
      const release = host.live?.kernelRelease ?? 'its release not recorded';
      if (host.live?.modules.builtin(f.module) === true) {
        ctx.report({
          messageId: 'builtin',
          data: {
            module: f.module,
            release,
            line,
            vfio: f.pre.includes('vfio_pci') ? `. vfio-pci can claim a device before a built-in driver only if it is built in too and given \`vfio-pci.ids=\` on the kernel command line` : '',
          },
          at: f.moduleLoc,
        });
        return;
      }
      if (f.module === 'vfio_pci') {
        const driver = f.depRefs.find((d) => d.role === 'pre' && claimsPassthroughDevice(d.module));
        if (driver) ctx.report({ messageId: 'inverted', data: { line, driver: driver.module }, at: driver.loc });
        return;
      }
      if (claimsPassthroughDevice(f.module) && !f.pre.includes('vfio_pci')) {
        const post = f.depRefs.find((d) => d.role === 'post' && d.module === 'vfio_pci');
        if (post) ctx.report({ messageId: 'postLoad', data: { line, module: f.module }, at: post.loc });
        return;
      }
      const vendor = displayVendorOf(f.module);
      if (vendor && f.pre.includes('vfio_pci') && ids.length > 0 && !vfioInstall && !ids.some((id) => id.vendor === vendor) && !boundToVfio(host, vendor)) {
        const vendorName = VENDOR_NAMES[vendor] ?? vendor;
        ctx.report({
          messageId: 'notTheDriver',
          severity: 'info',
          data: { line, module: f.module, vendor: vendorName, ids: [...new Set(ids.map((id) => `${id.vendor}:${id.device}`))].join(', ') },
          at: f.moduleLoc,
          related: [{ ...ids[0]!.loc, message: 'the devices given to vfio-pci' }],
        });
      }
    });

    function reportShadowed(f: ModprobeFact, used: ModprobeFact): void {
      const lostPre = f.pre.filter((m) => !used.pre.includes(m));
      const lostPost = f.post.filter((m) => !used.post.includes(m));
      const related = [{ ...used.loc, message: 'the softdep line kmod uses' }];
      const base = { line: text(f), module: f.module, used: text(used), usedFile: used.file.systemPath };
      if (lostPre.length === 0 && lostPost.length === 0) {
        ctx.report({ messageId: 'duplicate', severity: 'info', data: base, at: f.loc, related, fix: { edits: [deleteLine(f.file.source, f.loc)] } });
        return;
      }
      const names = [...lostPre.map((m) => `${written(f, m)} (pre)`), ...lostPost.map((m) => `${written(f, m)} (post)`)];
      const merge = mergeInto(used, f, lostPre, lostPost);
      ctx.report({
        messageId: 'shadowed',
        data: {
          ...base,
          usedNote: used.pre.length === 0 && used.post.length === 0 ? ', which loads nothing' : used.module !== f.module ? ` (a pattern)` : '',
          lost: names.join(', '),
          isAre: names.length === 1 ? 'is' : 'are',
          them: names.length === 1 ? 'it' : 'them',
        },
        at: f.loc,
        related,
        suggestions: merge ? [{ description: `Add ${names.join(', ')} to the softdep line kmod uses (${used.file.systemPath}) and delete this one`, fix: merge }] satisfies Suggestion[] : undefined,
      });
    }
  },
});

function hasSyntaxProblem(f: ModprobeFact): boolean {
  return f.file.problems.some((p) => SYNTAX_CODES.has(p.code) && p.start >= f.loc.start && p.end <= f.loc.end);
}

/** The dependency as the line writes it (`vfio-pci`), for messages. */
function written(f: ModprobeFact, module: string): string {
  return f.depRefs.find((d) => d.module === module)?.name ?? module;
}

/** Move what `lost` adds onto `used` (after its `pre:` word, or as new `pre:`/`post:` words at its end), and delete `lost`. */
function mergeInto(used: ModprobeFact, lost: ModprobeFact, pre: string[], post: string[]): Fix | undefined {
  // A pattern line applies to other modules too; a line with a syntax problem or a CR at its end is not rewritten.
  if (used.module !== lost.module || hasSyntaxProblem(used) || hasSyntaxProblem(lost)) return undefined;
  const src = used.file.source;
  if (src.text[used.loc.end - 1] === '\r') return undefined;
  const edits: TextEdit[] = [];
  const pw = pre.map((m) => written(lost, m)).join(' ');
  const qw = post.map((m) => written(lost, m)).join(' ');
  let tail = '';
  if (pre.length > 0) {
    // After the line's last pre: module (its order is kept), or after its `pre:` word when it names none.
    const anchor = used.depRefs.filter((d) => d.role === 'pre').at(-1)?.loc ?? used.preAt;
    if (anchor) edits.push({ path: src.path, start: anchor.end, end: anchor.end, text: ` ${pw}` });
    else tail += ` pre: ${pw}`;
  }
  if (post.length > 0) tail += ` post: ${qw}`;
  if (tail) edits.push({ path: src.path, start: used.loc.end, end: used.loc.end, text: tail });
  edits.push(deleteLine(lost.file.source, lost.loc));
  return { edits };
}

/** The running host has a GPU of this vendor on vfio-pci already: something the files do not show gives it (a script, driver_override). */
function boundToVfio(host: HostModel, vendor: string): boolean {
  return host.live?.pci?.devices.some((d) => d.vendor === vendor && d.driver === 'vfio-pci') === true;
}
