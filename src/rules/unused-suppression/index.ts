import { defineRule } from '../../engine/rule.js';

/** Reported by the engine after suppressions are applied; this entry makes it configurable and documented. */
export const rule = defineRule({
  meta: {
    id: 'unused-suppression',
    description: 'A `vfio-lint-disable` comment that silenced nothing.',
    category: 'style',
    severity: 'warning',
    scope: 'machine',
    requires: [],
    messages: { unused: 'This directive did not silence anything' },
  },
  check() {},
});
