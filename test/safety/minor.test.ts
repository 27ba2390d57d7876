import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, lintText } from '../../src/index.js';
import { decode } from '../../src/core/source.js';
import { readInput } from '../../src/io/read.js';
import { writeAtomic } from '../../src/io/write.js';
import { BIN, runCli } from '../helpers/cli.js';
import { expectNoCrash, runJson, useTempDirs } from './helpers.js';

const tempDir = useTempDirs('minor');
const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";
const vm = `<domain type='kvm'>\n<name>a</name>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`;

describe('item 12: the minor ones', () => {
  it('invalid UTF-16 is reported at the unpaired surrogate, not at 1:1', () => {
    // BOM, 'o', 'p', a lone high surrogate, '\n'.
    const d = decode(Uint8Array.from([0xff, 0xfe, 0x6f, 0, 0x70, 0, 0x00, 0xd8, 0x0a, 0]));
    expect(d.ok).toBe(false);
    expect(!d.ok && d.byteOffset).toBe(6);
    const be = decode(Uint8Array.from([0xfe, 0xff, 0, 0x6f, 0xdc, 0x00]));
    expect(!be.ok && be.byteOffset).toBe(4);
  });

  it('a double BOM in a domain XML is fatal, as xmllint has it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vm.xml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(vm)]));
    const r = runJson(['vm.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.results[0]!.messages.filter((m) => m.fatal).map((m) => m.message)).toEqual(['a second byte-order mark after the first: the document starts with a character that is not markup']);
  });

  it('a 245-character file name can be fixed: the temporary name is shortened to fit 255 bytes', () => {
    const dir = tempDir();
    const name = `${'v'.repeat(241)}.xml`;
    writeFileSync(join(dir, name), vm);
    const r = runCli(['--fix', '--no-config', name], { cwd: dir });
    expectNoCrash(r);
    expect(r.stderr).not.toContain('could not write');
    expect(readFileSync(join(dir, name), 'utf8')).toContain("model='none'");
    expect(readdirSync(dir)).toEqual([name]);
    // And through the library, with a multi-byte name near the limit.
    const wide = `${'é'.repeat(120)}.conf`;
    writeFileSync(join(dir, wide), 'a\n');
    expect(readInput(join(dir, wide), undefined, { within: dir }).ok).toBe(true);
    expect(writeAtomic({ realPath: join(dir, wide), text: 'b\n', stored: { encoding: 'utf-8', bom: false, mode: undefined } })).toEqual({ ok: true });
  });

  it('a FIFO in a tree or on the command line is refused before it is opened: a writer blocked on it stays blocked', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc/modprobe.d'), { recursive: true });
    const fifo = join(root, 'etc/modprobe.d/pipe.conf');
    execFileSync('mkfifo', [fifo]);
    // A writer waiting for a reader: an open for reading (even non-blocking) would let it through.
    const writer = spawn('sh', ['-c', `echo x > '${fifo}'; echo released`], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    writer.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const r = runJson([root]);
    expectNoCrash(r);
    expect(r.results.flatMap((x) => x.messages.map((m) => m.message))).toContain('is not a regular file (a FIFO); refusing to read it');
    // Named on the command line: the same refusal, exit 2, and still not opened.
    const named = runCli(['--no-config', '--kind', 'modprobe', fifo]);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`vfio-lint: ${fifo}: is not a regular file (a FIFO); refusing to read it\n`);
    await new Promise((res) => setTimeout(res, 300));
    expect(out).toBe('');
    writer.kill();
  });

  it('--stdin from a directory, and a report to a full disk: one line each, exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vm.xml'), vm);
    const fromDir = execFileSyncStatus('sh', ['-c', `node '${BIN}' --no-config --stdin --stdin-filename vm.xml < '${dir}'`]);
    expect(fromDir.code).toBe(2);
    expect(fromDir.stderr).toBe('vfio-lint: standard input is a directory; give a file or a pipe with --stdin\n');
    const full = execFileSyncStatus('sh', ['-c', `node '${BIN}' --no-config '${join(dir, 'vm.xml')}' > /dev/full`]);
    expect(full.code).toBe(2);
    expect(full.stderr).toBe('vfio-lint: cannot write to standard output: no space left on device\n');
  });

  it('rule options nested 20,000 deep: a config error, not an internal error in --print-config', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vfio-lint.config.json'), `{"rules":{"memballoon-present":["warn",${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}]}}`);
    const r = runCli(['--print-config'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\.memballoon-present: rule options nest deeper than 32 levels\n$/);
  });

  it('the library says what is wrong with its arguments', async () => {
    await expect(lintText(42 as unknown as string)).rejects.toThrow(new TypeError('lintText: the text must be a string (got number)'));
    await expect(lintText('x', { kind: 'nope' as never })).rejects.toThrow(/^kind must be one of domain, .*\(got "nope"\)$/);
    expect(() => applyEdits('abc', [{ path: 'a', start: Number.NaN, end: 1, text: 'x' }])).toThrow(new RangeError('applyEdits: edit 0 must have integer offsets with 0 <= start <= end <= 3 (got start NaN, end 1)'));
    expect(applyEdits('abc', [{ path: 'a', start: 1, end: 2, text: 'X' }])).toBe('aXc');
  });
});

function execFileSyncStatus(cmd: string, args: string[]): { code: number | null; stderr: string } {
  try {
    execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    return { code: 0, stderr: '' };
  } catch (err) {
    const e = err as { status: number | null; stderr: string };
    return { code: e.status, stderr: e.stderr };
  }
}
