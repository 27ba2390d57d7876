import { defineRule } from '../../engine/rule.js';

export const rule = defineRule({
  meta: {
    id: 'blacklist-ineffective',
    description: 'TODO(new-rule): one sentence: what must hold, and why it matters.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    requires: [{ anyOf: ['cmdline', 'modprobe'] }],
    messages: {
      found: 'TODO(new-rule): what is wrong, what it causes, and what to do ({what})',
    },
    // Where each fact comes from (a document, a source file, a man page), with its URL. The docs page's
    // Sources section is written from this list by `npm run rules:update`.
    sources: [],
  },
  check(ctx) {
    // ctx.machine.host is the host model: cmdlines (source.get(name) is the occurrence the kernel uses),
    // modprobe (softdep/install/blacklist as kmod reads them), sysctl, initramfs, cpus, hugepages.
    const { host } = ctx.machine;
    // TODO(new-rule): the logic. Report at the exact token, e.g.:
    // ctx.report({ messageId: 'found', data: { what: '...' }, at: param.loc });
    void host;
  },
});
