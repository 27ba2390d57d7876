import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { CORPUS, corpusAvailable, corpusEntries } from '../helpers/corpus.js';

interface JsonResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; fatal?: boolean; line: number; column: number; message: string }>;
}

describe.skipIf(!corpusAvailable())('the CLI over every domain in the corpus', () => {
  it('libvirt\'s test domains: exit 0 or 1, JSON out, no stack trace; the one broken file gets a fatal finding with its line', () => {
    const r = runCli(['--format', 'json', join(CORPUS, 'libvirt-tests', 'domains')], { timeout: 120_000 });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(results.length).toBe(corpusEntries('domain-xml').filter((e) => e.path.startsWith('libvirt-tests/')).length);
    const fatal = results.flatMap((x) => x.messages.filter((m) => m.fatal).map((m) => ({ file: x.filePath, line: m.line })));
    // `<dom` and a newline: the start tag never ends (libvirt: "Couldn't find end of Start Tag dom", line 2).
    expect(fatal).toEqual([{ file: join(CORPUS, 'libvirt-tests', 'domains', 'broken-xml-invalid.xml'), line: 2 }]);
  });

  it('real-world domains: the one malformed file gets a fatal finding with its line, the rest parse', () => {
    const files = corpusEntries('domain-xml').filter((e) => e.path.startsWith('real-world/')).map((e) => e.abs);
    const r = runCli(['--format', 'json', ...files], { timeout: 120_000 });
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const results = JSON.parse(r.stdout) as JsonResult[];
    const fatal = results.flatMap((x) => x.messages.filter((m) => m.fatal).map((m) => ({ file: x.filePath, line: m.line })));
    // Windows8.1.xml opens a comment inside a comment; '--' inside a comment is the error, on line 55.
    expect(fatal).toEqual([{ file: join(CORPUS, 'real-world', 'DragoonAethis__VFIO', 'Windows8.1.xml'), line: 55 }]);
  });
});
