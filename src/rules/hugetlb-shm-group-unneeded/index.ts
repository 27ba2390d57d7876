import { defineRule } from '../../engine/rule.js';
import { deleteLine } from '../../edit/lines.js';

export const rule = defineRule({
  meta: {
    id: 'hugetlb-shm-group-unneeded',
    description: 'vm.hugetlb_shm_group lets a group create SysV shared memory on huge pages; libvirt backs guests with hugetlbfs files and does not need it.',
    category: 'style',
    severity: 'info',
    fixable: 'suggest',
    scope: 'machine',
    // A setting in a file that is not there is nothing to check, not a skipped check.
    requires: [],
    messages: {
      unneeded: 'vm.hugetlb_shm_group = {value} only lets group {value} create SysV shared memory segments (shmget with SHM_HUGETLB) on huge pages. libvirt backs a guest with a file on a hugetlbfs mount and does not use it; keep it only for a program that uses SysV shared memory (a database)',
    },
    sources: [
      'Linux `Documentation/admin-guide/mm/hugetlbpage.rst`, "Using Huge Pages" (users of huge pages via shared memory segments need the group in /proc/sys/vm/hugetlb_shm_group; mmap on hugetlbfs needs a mount instead): https://docs.kernel.org/admin-guide/mm/hugetlbpage.html',
      'Linux `Documentation/admin-guide/sysctl/vm.rst`, "hugetlb_shm_group" (the group allowed to create SysV shared memory segments using hugetlb pages): https://docs.kernel.org/admin-guide/sysctl/vm.html',
      'libvirt `src/qemu/qemu_conf.c` (`qemuGetDomainHupageMemPath`: the guest memory path is a directory on the hugetlbfs mount of the page size) and `src/qemu/qemu_command.c` (`memory-backend-file` with `mem-path`): https://gitlab.com/libvirt/libvirt/-/blob/master/src/qemu/qemu_conf.c',
    ],
  },
  check(ctx) {
    for (const a of ctx.machine.host.sysctl.assignments) {
      if (a.key !== 'vm.hugetlb_shm_group') continue;
      ctx.report({
        messageId: 'unneeded',
        data: { value: a.value },
        at: a.loc,
        suggestions: [{ description: `Remove the line (${a.key} = ${a.value})`, fix: { edits: [deleteLine(a.file.source, a.loc)] } }],
      });
    }
  },
});
