import { defineRule } from '../../engine/rule.js';
import { attr } from '../../parsers/xml/index.js';
import { hypervSettings, qemuArgs } from '../../domain/hyperv.js';
import { windowsGuest } from '../../domain/windows.js';
import { eolOf, indentUnit, insertAfter, insertLastChild, quoteOf, setAttribute } from '../../edit/xml.js';
import { indentOf } from '../../parsers/xml/index.js';
import { tagLoc, valueLoc } from '../locate.js';

export const rule = defineRule({
  meta: {
    id: 'windows-timers',
    description: "A Windows guest should keep its RTC in local time, catch up missed RTC ticks, and run without the emulated HPET, as virt-manager sets up Windows guests.",
    category: 'performance',
    severity: 'info',
    fixable: 'suggest',
    scope: 'domain',
    requires: ['domain'],
    messages: {
      noClock: 'Windows guest ({because}) with no <clock>: libvirt then keeps the RTC in UTC (Windows expects local time), leaves the emulated HPET on and delivers missed RTC ticks late; virt-manager writes a <clock> block for Windows',
      hpet: 'HPET is {state} for this Windows guest ({because}): virt-manager turns it off for every x86 guest ("unneeded and has a performance penalty"), and Windows without stimer leans on it',
      rtc: "The RTC timer's tick policy is {policy} for this Windows guest ({because}): missed ticks are then delivered late and Windows' clock falls behind after the guest is paused or starved; tickpolicy='catchup' re-delivers them",
      utc: "{clock} for a Windows guest ({because}): Windows expects the RTC in local time, so its clock is off by the UTC offset unless RealTimeIsUniversal is set in its registry",
    },
    sources: [
      "libvirt, Domain XML format, \"Time keeping\": \"Windows, however, expects it to be in so called 'localtime'\", the timers and tick policies: https://libvirt.org/formatdomain.html#time-keeping",
      'virt-manager `virtinst/domain/clock.py` (`DomainClock.set_defaults`): rtc catchup, pit delay, hpet off ("hpet: Is unneeded and has a performance penalty"; "pit: While it has no effect on windows"), hypervclock for Windows: https://github.com/virt-manager/virt-manager/blob/main/virtinst/domain/clock.py',
      'QEMU, "Hyper-V Enlightenments", hv-stimer: Windows "revert[s] to using HPET (or even RTC when HPET is unavailable)" without it: https://www.qemu.org/docs/master/system/i386/hyperv.html',
    ],
  },
  check(ctx) {
    const { view, file } = ctx.domain;
    if (attr(view.root, 'type')?.value !== 'kvm') return;
    const win = windowsGuest(view);
    if (!win) return;
    const path = file.source.path;
    const text = file.source.text;
    const hv = hypervSettings(view);
    const q = quoteOf(view.root);
    const args = qemuArgs(view.root).map((a) => a.value?.value ?? '');
    // A -rtc or an hpet switch among <qemu:commandline> arguments replaces libvirt's; that is another rule's business.
    const rtcOverridden = args.includes('-rtc');
    const hpetOverridden = args.some((a) => a === '-no-hpet' || /(^|,)hpet=(off|on)/.test(a));

    if (!hv.clock) {
      if (rtcOverridden || hpetOverridden) return;
      const unit = indentUnit(text, view.root);
      const timers = [`<timer name=${q}rtc${q} tickpolicy=${q}catchup${q}/>`, `<timer name=${q}pit${q} tickpolicy=${q}delay${q}/>`, `<timer name=${q}hpet${q} present=${q}no${q}/>`, `<timer name=${q}hypervclock${q} present=${q}yes${q}/>`];
      const anchor = view.cpu?.element ?? view.features;
      const base = anchor ? indentOf(text, anchor) : '';
      const eol = eolOf(text);
      const block = `<clock offset=${q}localtime${q}>${timers.map((t) => `${eol}${base}${unit}${t}`).join('')}${eol}${base}</clock>`;
      ctx.report({
        messageId: 'noClock',
        data: { because: win.because },
        at: anchor ? tagLoc(path, anchor) : tagLoc(path, view.root),
        suggestions: anchor ? [{ description: "Add virt-manager's clock block for Windows (localtime, rtc catchup, pit delay, no HPET, hypervclock)", fix: { edits: [insertAfter(path, text, anchor, block)] } }] : undefined,
      });
      return;
    }

    const clock = hv.clock;
    const offset = attr(clock, 'offset');
    if (!rtcOverridden && (offset === undefined || offset.value === 'utc')) {
      const fix = { edits: [setAttribute(path, text, clock, 'offset', 'localtime')] };
      ctx.report({
        messageId: 'utc',
        // Quote what is written: a <clock> without offset= is UTC by libvirt's default.
        data: { clock: offset ? "<clock offset='utc'>" : '<clock> without offset= (UTC, the default)', because: win.because },
        at: offset ? valueLoc(path, offset) : tagLoc(path, clock),
        suggestions: [{ description: "Set offset='localtime'", fix }],
      });
    }

    const hpet = hv.timers.get('hpet');
    if (!hpetOverridden && hpet?.present?.value !== 'no') {
      const markup = `<timer name=${q}hpet${q} present=${q}no${q}/>`;
      const fix = hpet ? { edits: [setAttribute(path, text, hpet.element, 'present', 'no')] } : { edits: [insertLastChild(path, text, clock, markup)] };
      ctx.report({
        messageId: 'hpet',
        data: { state: hpet ? "on (present='yes')" : "on (QEMU's default: there is no <timer name='hpet'>)", because: win.because },
        at: hpet ? tagLoc(path, hpet.element) : tagLoc(path, clock),
        suggestions: [{ description: "Turn the HPET off (<timer name='hpet' present='no'/>)", fix }],
      });
    }

    const rtc = hv.timers.get('rtc');
    if (!rtcOverridden && rtc?.tickpolicy?.value !== 'catchup') {
      const policy = rtc?.tickpolicy ? `'${rtc.tickpolicy.value}'` : rtc ? 'delay (no tickpolicy, so the default)' : "delay (no <timer name='rtc'>, so the default)";
      const fix = rtc ? { edits: [setAttribute(path, text, rtc.element, 'tickpolicy', 'catchup')] } : { edits: [insertLastChild(path, text, clock, `<timer name=${q}rtc${q} tickpolicy=${q}catchup${q}/>`)] };
      ctx.report({
        messageId: 'rtc',
        data: { policy, because: win.because },
        at: rtc?.tickpolicy ? valueLoc(path, rtc.tickpolicy) : rtc ? tagLoc(path, rtc.element) : tagLoc(path, clock),
        suggestions: [{ description: "Set the RTC's tickpolicy='catchup'", fix }],
      });
    }
  },
});

