import { defineRule } from '../../engine/rule.js';

/**
 * Syntax problems the parsers find in a file that could still be read (a
 * modprobe line kmod ignores, an unterminated quote in /etc/default/grub...).
 * The engine reports them from the parse; this entry makes them configurable
 * and documented like any rule. Files that cannot be read at all get a fatal
 * parse error instead, which no configuration turns off.
 */
export const rule = defineRule({
  meta: {
    id: 'syntax',
    description: 'Syntax the tool that reads the file would reject, ignore or misread.',
    category: 'correctness',
    severity: 'error',
    scope: 'machine',
    requires: [],
    messages: {},
  },
  check() {},
});
