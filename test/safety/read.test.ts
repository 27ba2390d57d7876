import { describe, it, expect } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_INPUT_BYTES, readInput, readPrefix } from '../../src/io/read.js';
import { decodeHead } from '../../src/io/sniff.js';
import { expectNoCrash, runJson, useTempDirs } from './helpers.js';

const tempDir = useTempDirs('read');

describe('readInput', () => {
  it.skipIf(!existsSync('/proc/self/status'))('reads a /proc file, which reports size 0, to its end', () => {
    const r = readInput('/proc/self/status');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.bytes.toString('utf8')).toMatch(/^Name:\s/);
  });

  it.skipIf(!existsSync('/proc/self/status'))('stops a size-0 file that turns out longer than the limit, one byte past it', () => {
    expect(readInput('/proc/self/status', 10)).toEqual({ ok: false, message: 'is too large (over the limit of 10 bytes)', tooLarge: true });
  });

  it('refuses a file over the limit by its size; reads one exactly at it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'at'), 'x'.repeat(100));
    writeFileSync(join(dir, 'over'), 'x'.repeat(101));
    const at = readInput(join(dir, 'at'), 100);
    expect(at.ok && at.bytes.length).toBe(100);
    expect(readInput(join(dir, 'over'), 100)).toEqual({ ok: false, message: 'is too large (101 bytes; the limit is 100)', tooLarge: true });
    expect(MAX_INPUT_BYTES).toBe(16 * 1024 * 1024);
  });

  it('readPrefix reads only the start of a long file, and refuses what readInput refuses', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'long'), 'abcdefghij'.repeat(1000));
    const p = readPrefix(join(dir, 'long'), 15);
    expect(p.ok && p.bytes.toString()).toBe('abcdefghijabcde');
    expect(readPrefix(dir, 15)).toEqual({ ok: false, message: 'is a directory, expected a file' });
    expect(readPrefix('/dev/zero', 15)).toEqual({ ok: false, message: 'is not a regular file (a character device); refusing to read it' });
  });
});

describe('decodeHead: a prefix cut inside a character', () => {
  it('drops a UTF-8 sequence cut short, but not from a whole file', () => {
    const bytes = Buffer.from('ab☃', 'utf8'); // ☃ is 3 bytes
    expect(decodeHead(bytes.subarray(0, 4), false)).toBe('ab');
    expect(decodeHead(bytes.subarray(0, 4), true)).toBeUndefined();
    expect(decodeHead(bytes, true)).toBe('ab☃');
  });

  it('drops half a UTF-16 surrogate pair', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a😀', 'utf16le')]); // 2 + 2 + 4 bytes
    expect(decodeHead(bytes.subarray(0, 6), false)).toBe('a');
  });

  it('a capabilities XML whose 64 KiB sniffing window ends inside a character is still a capabilities XML', () => {
    const dir = tempDir();
    // 65,535 ASCII bytes and a 3-byte character: the window ends after its first byte.
    const head = "<capabilities>\n<host><cpu><arch>x86_64</arch></cpu></host>\n<!--";
    const pad = 'x'.repeat(64 * 1024 - 1 - Buffer.byteLength(head));
    writeFileSync(join(dir, 'caps.xml'), `${head}${pad}☃-->\n</capabilities>\n`);
    const r = runJson(['caps.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.results.map((x) => x.kind)).toEqual(['capabilities']);
  });
});

describe('sniffXmlFile: classifying an XML file reads it once, for the lint too', () => {
  it('keeps the bytes it read for a domain, and none for a file it skips', async () => {
    const { sniffXmlFile } = await import('../../src/host/discover.js');
    const dir = tempDir();
    writeFileSync(join(dir, 'vm.xml'), '<domain type="kvm"><name>a</name></domain>\n');
    writeFileSync(join(dir, 'net.xml'), '<network><name>default</name></network>\n');
    const vm = sniffXmlFile(join(dir, 'vm.xml'));
    expect(vm.kind).toBe('domain');
    expect(Buffer.from(vm.preread!.bytes).toString()).toBe('<domain type="kvm"><name>a</name></domain>\n');
    expect(sniffXmlFile(join(dir, 'net.xml'))).toEqual({ kind: undefined });
  });

  it('classifies a file over the input limit by its start, keeps no bytes, and the lint reports the size', async () => {
    const { sniffXmlFile } = await import('../../src/host/discover.js');
    const dir = tempDir();
    const big = join(dir, 'big.xml');
    writeFileSync(big, `<capabilities>${' '.repeat(MAX_INPUT_BYTES)}</capabilities>`);
    expect(sniffXmlFile(big)).toEqual({ kind: 'capabilities' });
    const out = runJson([big]);
    expectNoCrash(out);
    expect(out.results[0]!.messages[0]!.message).toMatch(/^is too large \(\d+ bytes; the limit is 16777216\)$/);
  });
});
