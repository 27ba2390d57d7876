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
    sources: [
      'vfio-lint `src/engine/suppressions.ts` (directive grammar and spans) and `src/engine/run.ts` (matching and reporting).',
      'ESLint\'s "Report unused disable directives" option, which this rule follows in spirit: https://eslint.org/docs/latest/use/command-line-interface#--report-unused-disable-directives',
    ],
    messages: { unused: 'This directive did not silence anything' },
  },
  check() {},
});
