import type { Rule } from '../../engine/rule.js';

/**
 * Two domains of one machine with the same name or UUID: libvirt keeps one
 * definition per name and per UUID. The engine reports it (engine/duplicate-domain.ts),
 * as a check over the machine's domains; this entry makes it configurable and documented.
 */
export const rule: Rule = {
  meta: {
    id: 'duplicate-domain',
    description: 'Two domain XMLs of one machine with the same name or UUID: libvirt can define only one of them.',
    category: 'correctness',
    severity: 'warning',
    scope: 'machine',
    requires: ['domain'],
    messages: {
      sameName: "Domain name '{name}' is also the name of another domain of this machine (see the related place): libvirt keeps one domain per name, so defining one refuses or replaces the other",
      sameUuid: "Domain UUID {uuid} is also the UUID of domain '{otherName}' of this machine (see the related place): libvirt refuses a second domain with the same UUID",
      sameBoth: "This is a second copy of domain '{name}' (same name and UUID as the related place): only one of them can be defined; remove the stale copy or leave it out of the lint (.vfio-lintignore)",
    },
  },
  check() {},
};
