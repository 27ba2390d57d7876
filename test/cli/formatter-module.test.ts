import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { fixture, tempDir } from './fixtures.js';

/** `--format ./my-formatter.js`: a formatter module with ESLint's signature (issue 22). */
const tree = fixture('tree');

describe('--format PATH', () => {
  it("runs ESLint's own codeframe formatter (from npm), which shows the code: the JSON it reads has each file's source", () => {
    const r = runCli(['--format', join(ROOT, 'node_modules', 'eslint-formatter-codeframe', 'index.js'), '.'], { cwd: tree });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("warning: Memory balloon model 'virtio' is active while PCI device 0000:01:00.0 is passed through: VFIO pins all guest RAM, so the balloon can only take memory from the guest; set model='none' (memballoon-present) at etc/libvirt/qemu/win11.xml:14:17:\n");
    expect(r.stdout).toContain("> 14 |     <memballoon model='virtio'>\n     |                 ^\n");
    expect(r.stdout).toContain('1 error and 2 warnings found.');
  });

  it('an ES module, relative to the working directory, async, given the results and a context of cwd and rulesMeta', () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'count.mjs'),
      'export default async function (results, context) {\n' +
        '  const ids = results.flatMap((r) => r.messages.map((m) => m.ruleId));\n' +
        '  return ids.map((id) => `${id} ${context.rulesMeta[id].docs.url} ${context.rulesMeta[id].fixable ?? "-"}`).join("\\n") + `\\ncwd=${context.cwd}`;\n' +
        '}\n',
    );
    const r = runCli(['--format', './count.mjs', tree], { cwd: dir });
    expect(r.stderr).toBe('');
    const page = (id: string) => `https://github.com/vfio-lint/vfio-lint/blob/main/docs/rules/${id}.md`;
    expect(r.stdout).toBe(`nvidia-not-blacklisted ${page('nvidia-not-blacklisted')} -\nnvidia-not-blacklisted ${page('nvidia-not-blacklisted')} -\nmemballoon-present ${page('memballoon-present')} code\ncwd=${dir}\n`);
    expect(r.code).toBe(1);
  });

  it.each([
    ['a file that is not there', './nope.js', '', 'vfio-lint: --format ./nope.js: no such file\n'],
    ['a module without a function', './obj.cjs', 'module.exports = { a: 1 };\n', 'vfio-lint: --format ./obj.cjs: a formatter module exports a function (results, context) => string\n'],
    ['a formatter that throws', './throws.cjs', "module.exports = () => { throw new Error('formatter broke'); };\n", 'vfio-lint: --format ./throws.cjs: the formatter failed: formatter broke\n'],
    ['a formatter that returns no string', './nothing.cjs', 'module.exports = () => 42;\n', 'vfio-lint: --format ./nothing.cjs: the formatter returned number, not a string\n'],
  ])('%s: one line, exit 2', (_name, path, body, message) => {
    const dir = tempDir();
    if (body) writeFileSync(join(dir, path), body);
    const r = runCli(['--format', path, tree], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', message]);
  });
});
