import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.js';
import { writeTestHooks } from '../../src/io/write.js';
import { formatReport, lintText } from '../../src/index.js';
import { shellQuote } from '../../src/cli/follow-ups.js';
import { runCli } from '../helpers/cli.js';
import { expectNoCrash, useTempDirs, put, HOSTDEV, vm } from './helpers.js';

const tempDir = useTempDirs('truth');

/** The CLI in this process, so a test hook can act between its read and its write. */
async function runInProcess(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd, env: { NO_COLOR: '1' }, stdoutIsTTY: false, readStdin: () => new Uint8Array() };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

afterEach(() => {
  writeTestHooks.beforeCreate = undefined;
});

const ESC = '\u001b';

describe('item 9: after a failed write the report says what is on disk', () => {
  it('one file changed by someone else before the write: its findings are still reported, no "changed" note for it; the other file is written and noted', async () => {
    const dir = tempDir();
    const a = put(dir, 'a.xml', vm('a'));
    const b = put(dir, 'b.xml', vm('b'));
    // Someone saves a.xml between the read and the write.
    writeTestHooks.beforeCreate = (p) => {
      if (p === a) appendFileSync(a, '<!-- edited -->\n');
    };
    const r = await runInProcess(['--fix', '--no-config', '--format', 'json', 'a.xml', 'b.xml'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('vfio-lint: could not write ' + a + ': was changed by something else since it was read; not overwriting it (run again)');
    expect(r.stderr).toContain('note: b.xml changed; load it into libvirt with `virsh define b.xml`');
    expect(r.stderr).not.toContain('note: a.xml');
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }>; output?: string }>;
    const byName = Object.fromEntries(results.map((x) => [x.filePath.slice(dir.length + 1), x]));
    // a.xml still has its memballoon problem on disk, and no fixed output is claimed for it.
    expect(byName['a.xml']!.messages.map((m) => m.ruleId)).toContain('memballoon-present');
    expect(byName['a.xml']!.output).toBeUndefined();
    // b.xml was written: its problem is gone.
    expect(byName['b.xml']!.messages.map((m) => m.ruleId)).not.toContain('memballoon-present');
    expect(readFileSync(b, 'utf8')).toContain("model='none'");
    expect(readFileSync(a, 'utf8')).toContain("model='virtio'");
  });
});

describe('item 10: control characters never reach the terminal raw', () => {
  it('a file name with an escape sequence: the could-not-write message and the virsh note show it escaped', async () => {
    const dir = tempDir();
    const name = `evil${ESC}]0;pwned${ESC}\\.xml`;
    const file = put(dir, name, vm('a'));
    const b = put(dir, `ok${ESC}[31m.xml`, vm('b'));
    writeTestHooks.beforeCreate = (p) => {
      if (p === file) appendFileSync(file, ' ');
    };
    const r = await runInProcess(['--fix', '--no-config', name, b], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stderr).toContain('could not write');
    expect(r.stderr).toContain('evil\\x1b]0;pwned\\x1b\\.xml');
    expect(r.stderr).toContain("`virsh define $'ok\\x1b[31m.xml'`");
  });

  it('--format github escapes control characters from file content', async () => {
    const report = await lintText(`blah${ESC}[2J x\n`, { kind: 'modprobe', config: false, filePath: '/etc/modprobe.d/x.conf' });
    expect(report.results[0]!.messages.map((m) => m.message)).toEqual([`unknown command 'blah${ESC}[2J': kmod ignores this line`]);
    const out = formatReport(report, 'github');
    expect(out).not.toContain(ESC);
    expect(out).toContain('\\x1b[2J');
  });

  it('a command-line error naming a file with control characters is escaped', () => {
    const r = runCli(['--no-config', `missing${ESC}[2J.xml`]);
    expectNoCrash(r);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toContain('missing\\x1b[2J.xml');
  });

  it("shellQuote: $'...' with \\xNN for control characters, which bash reads back as the same name", () => {
    expect(shellQuote(`a${ESC}b'c\\d`)).toBe("$'a\\x1bb\\'c\\\\d'");
  });
});
