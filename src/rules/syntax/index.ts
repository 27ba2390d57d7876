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
    sources: [
      'kmod `man/modprobe.d.5.scd`: https://man7.org/linux/man-pages/man5/modprobe.d.5.html',
      'The vfio-lint research catalog (`rule-catalog.md`, sections 1 and 2) for each file format\'s grammar.',
      'The parsers under `src/parsers/` for the exact codes and messages.',
    ],
    messages: {},
  },
  check() {},
});
