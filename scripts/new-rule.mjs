// Scaffold a built-in rule: `npm run new-rule -- <id> --scope domain|machine`.
// Writes src/rules/<id>/ (index.ts, one valid and one invalid fixture case), docs/rules/<id>.md with every section,
// and registers the rule in src/rules/index.ts. Every place that needs the author is marked TODO(new-rule);
// `npm test` fails until none is left and the rule has sources, docs and three cases of each kind.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
// --root: another checkout (the scaffold's own test runs it on a copy).
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? args[rootAt + 1] : join(import.meta.dirname, '..');
const fail = (msg) => {
  console.error(`new-rule: ${msg}`);
  process.exit(2);
};

const scopeAt = args.indexOf('--scope');
const scope = scopeAt >= 0 ? args[scopeAt + 1] : undefined;
const optionValues = new Set([scopeAt, rootAt].filter((i) => i >= 0).map((i) => i + 1));
const id = args.find((a, i) => !a.startsWith('--') && !optionValues.has(i));
if (!id) fail('usage: npm run new-rule -- <id> --scope domain|machine');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) fail(`'${id}' is not a rule id: use lowercase words joined by '-', such as hyperv-vendor-id-length`);
if (scope !== 'domain' && scope !== 'machine') fail('--scope must be domain (runs once per domain XML) or machine (runs once over everything given)');

const dir = join(root, 'src', 'rules', id);
if (existsSync(dir)) fail(`src/rules/${id} already exists`);
if (existsSync(join(root, 'docs', 'rules', `${id}.md`))) fail(`docs/rules/${id}.md already exists`);

const camel = id.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const TODO = 'TODO(new-rule)';

const domainCheck = `  check(ctx) {
    // ctx.domain is this run's domain: its typed view (ctx.domain.view) and file (ctx.domain.file).
    // ctx.machine.host answers host questions (kernel parameters, modprobe, sysctl, CPUs) with exact places.
    const { view, file } = ctx.domain;
    // ${TODO}: the logic. Report at the exact token, e.g.:
    // ctx.report({ messageId: 'found', data: { what: '...' }, at: tagLoc(file.source.path, element) });
    void view;
    void file;
  },`;
const machineCheck = `  check(ctx) {
    // ctx.machine.host is the host model: cmdlines (source.get(name) is the occurrence the kernel uses),
    // modprobe (softdep/install/blacklist as kmod reads them), sysctl, initramfs, cpus, hugepages.
    const { host } = ctx.machine;
    // ${TODO}: the logic. Report at the exact token, e.g.:
    // ctx.report({ messageId: 'found', data: { what: '...' }, at: param.loc });
    void host;
  },`;

const index = `import { defineRule } from '../../engine/rule.js';

export const rule = defineRule({
  meta: {
    id: '${id}',
    description: '${TODO}: one sentence: what must hold, and why it matters.',
    category: 'correctness',
    severity: 'warning',
    scope: '${scope}',
    requires: [${scope === 'domain' ? "'domain'" : "{ anyOf: ['cmdline', 'modprobe'] }"}],
    messages: {
      found: '${TODO}: what is wrong, what it causes, and what to do ({what})',
    },
    // Where each fact comes from (a document, a source file, a man page), with its URL. The docs page's
    // Sources section is written from this list by \`npm run rules:update\`.
    sources: [],
  },
${scope === 'domain' ? domainCheck : machineCheck}
});
`;

const docs = `# ${id}

${TODO}: the rule's description, as in meta.description.

**Severity:** warning · **Category:** correctness · **Fix:** none

## What it checks

${TODO}: what the rule looks at, each sub-check with its message id and severity, and what it does not look at.

## Why

${TODO}: the facts, each with its source (the same sources as meta.sources).

## Bad

${TODO}: a short example the rule reports, in fenced blocks whose info string names the file they stand for (\`\`\`xml file=vm.xml); docs/contributing.md, "Examples the suite runs".

## Good

${TODO}: the same example, corrected (the suite runs it too: it must be clean).

## Fix

${TODO}: what \`--fix\` or the suggestion changes, or what to do by hand.

## When to turn it off

${TODO}: when a finding is right but not wanted, and how to silence it there.

## Sources
`;

const domainCase = (comment) => `<domain type='kvm'>
  <!-- ${comment} -->
  <name>demo</name>
  <memory unit='GiB'>8</memory>
  <vcpu placement='static'>4</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
    </hostdev>
    <memballoon model='none'/>
  </devices>
</domain>
`;
const grubCase = (comment) => `# ${comment}\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n`;

function put(rel, text) {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
}

put('index.ts', index);
mkdirSync(join(root, 'docs', 'rules'), { recursive: true });
writeFileSync(join(root, 'docs', 'rules', `${id}.md`), docs);
if (scope === 'domain') {
  put('fixtures/valid/clean/vm.xml', domainCase(`${TODO}: a domain on which the rule must say nothing`));
  put('fixtures/invalid/example/vm.xml', domainCase(`${TODO}: a domain the rule must report on`));
} else {
  put('fixtures/valid/clean/etc/default/grub', grubCase(`${TODO}: a host on which the rule must say nothing`));
  put('fixtures/invalid/example/etc/default/grub', grubCase(`${TODO}: a host the rule must report on`));
}

// Register: one import and one entry, before the engine's own rules at the end of the list.
const registry = join(root, 'src', 'rules', 'index.ts');
let text = readFileSync(registry, 'utf8');
const importLine = `import { rule as ${camel} } from './${id}/index.js';\n`;
const lastImport = text.lastIndexOf("import { rule as ");
const lineEnd = text.indexOf('\n', lastImport) + 1;
text = text.slice(0, lineEnd) + importLine + text.slice(lineEnd);
const engineEntry = text.indexOf('\n  syntax,');
if (engineEntry < 0) fail('src/rules/index.ts: cannot find where to add the rule (the `  syntax,` entry); add it by hand');
text = `${text.slice(0, engineEntry)}\n  ${camel},${text.slice(engineEntry)}`;
writeFileSync(registry, text);

console.log(`Wrote src/rules/${id}/ (index.ts, fixtures/valid/clean, fixtures/invalid/example), docs/rules/${id}.md, and registered the rule.
Next:
  1. Write the logic in src/rules/${id}/index.ts, its messages and meta.sources.
  2. Write docs/rules/${id}.md (every TODO(new-rule)); its Sources section comes from meta.sources.
  3. Make at least 3 valid and 3 invalid cases under fixtures/ (a case is a folder linted as one machine).
  4. npm run rules:update   writes expected.txt, fixed/, suggested/ and the Sources section.
     Read every line it wrote: it records what the rule does, not what it should do.
  5. npm test   fails until no TODO(new-rule) is left and every piece is there.
See docs/contributing.md.`);
