// An example vfio-lint plugin: one house rule and one formatter. A config file loads it with
//   { "plugins": ["./vfio-lint-plugin-homelab.mjs"], "rules": { "homelab/no-tablet": "warn" } }
// and then `vfio-lint`, the pre-commit hook and the language server all run the rule, and
// `vfio-lint --format homelab-summary` prints with the formatter. docs/api.md describes the API.

/** The elements named `name` among an element's children. */
const children = (element, name) => element.children.filter((n) => n.type === 'element' && n.name === name);
const attr = (element, name) => element.attributes.find((a) => a.name === name);

/**
 * A house rule, not a fact about VFIO: on this homelab every guest with a passed-through GPU is
 * driven with evdev (keyboard and mouse handed over with a hotkey), so an emulated USB tablet is
 * a leftover from the install and goes. Rule ids of a plugin are named `plugin/rule`.
 */
const noTablet = {
  meta: {
    id: 'homelab/no-tablet',
    description: 'Guests with a passed-through GPU use evdev input, not an emulated USB tablet.',
    category: 'style',
    severity: 'warning',
    fixable: 'safe',
    scope: 'domain',
    requires: ['domain'],
    messages: { tablet: "Guest {name} has a passed-through GPU and an emulated USB tablet; this homelab uses evdev input: remove the <input type='tablet'>" },
    docs: 'https://example.invalid/homelab/vfio-rules#no-tablet',
  },
  check(ctx) {
    const { view } = ctx.domain;
    if (!view.devices || view.hostdevs.length === 0) return;
    for (const input of children(view.devices, 'input')) {
      if (attr(input, 'type')?.value !== 'tablet') continue;
      // The fix removes the element and the indentation before it, up to the end of its line.
      const text = ctx.domain.file.source.text;
      const lineStart = text.lastIndexOf('\n', input.start - 1) + 1;
      const wholeLine = text.slice(lineStart, input.start).trim() === '' && text[input.end] === '\n';
      const edit = wholeLine ? { path: view.path, start: lineStart, end: input.end + 1, text: '' } : { path: view.path, start: input.start, end: input.end, text: '' };
      ctx.report({ messageId: 'tablet', data: { name: view.name ?? '(unnamed)' }, at: { path: view.path, start: input.start, end: input.startTagEnd }, fix: { edits: [edit] } });
    }
  },
};

/**
 * A formatter, in ESLint's shape: the results `--format json` prints and a context; it returns text.
 * One line per file with findings, for a chat notification.
 */
function summary(results, context) {
  const lines = [];
  for (const r of results) {
    if (r.messages.length === 0) continue;
    const file = r.filePath.startsWith(`${context.cwd}/`) ? r.filePath.slice(context.cwd.length + 1) : r.filePath;
    const rules = [...new Set(r.messages.map((m) => m.ruleId ?? 'parse-error'))].sort();
    lines.push(`${file}: ${r.errorCount} error(s), ${r.warningCount} warning(s) [${rules.join(', ')}]`);
  }
  return lines.length === 0 ? 'homelab: all clean\n' : `${lines.join('\n')}\n`;
}

export default {
  rules: [noTablet],
  formatters: { 'homelab-summary': summary },
};
