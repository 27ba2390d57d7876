// The playground's ZIP writer (playground/src/zip.ts), checked by real unpackers: Info-ZIP's unzip
// (CRC test and contents) and Python's zipfile.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, storedZip, zipName } from '../../playground/src/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const utf8 = (s: string) => new TextEncoder().encode(s);

const FILES = [
  { name: 'win11.xml', text: "<domain type='kvm'>\n  <name>win11</name>\n</domain>\n" },
  { name: 'etc/default/grub', text: 'GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on"\n' },
  { name: 'etc/modprobe.d/vfio.conf', text: 'options vfio-pci ids=10de:2484,10de:228b\n' },
  { name: 'empty.conf', text: '' },
  { name: 'ünïcode/名前.conf', text: 'options kvm ignore_msrs=1 — ✓\n' },
];

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('storedZip', () => {
  const zip = write('files.zip', storedZip(FILES.map((f) => ({ name: f.name, bytes: utf8(f.text) })), new Date(2024, 4, 17, 13, 45, 30)));

  it("passes unzip's integrity test (each CRC-32) and unpacks to the same bytes", () => {
    const t = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(t.stdout + t.stderr).toContain('No errors detected');
    expect(t.status).toBe(0);
    // unzip matches a name argument through the locale's charset: the UTF-8 name is read back by Python below.
    for (const f of FILES.filter((x) => /^[\x20-\x7e]*$/.test(x.name))) expect(execFileSync('unzip', ['-p', zip, f.name]).toString('utf8')).toBe(f.text);
    // The names as listed, with the date and time recorded.
    const list = execFileSync('unzip', ['-Z', '-T', zip], { encoding: 'utf8' });
    expect(list).toContain('20240517.134530');
  });

  it("reads back with Python's zipfile: names (UTF-8), contents, stored, CRCs", () => {
    const script = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    print(json.dumps({"bad": bad, "files": [[i.filename, i.compress_type, z.read(i).decode("utf-8"), i.date_time] for i in z.infolist()]}))
`;
    const out = JSON.parse(execFileSync('python3', ['-c', script, zip], { encoding: 'utf8' })) as { bad: string | null; files: Array<[string, number, string, number[]]> };
    expect(out.bad).toBeNull();
    expect(out.files).toEqual(FILES.map((f) => [f.name, 0, f.text, [2024, 5, 17, 13, 45, 30]]));
  });

  it('an empty archive is a valid one', () => {
    const t = spawnSync('unzip', ['-t', write('empty.zip', storedZip([]))], { encoding: 'utf8' });
    expect(t.stdout + t.stderr).toMatch(/empty/i);
  });

  it('refuses two entries with one name', () => {
    expect(() => storedZip([{ name: 'a', bytes: utf8('1') }, { name: 'a', bytes: utf8('2') }])).toThrow('two files would be a in the archive');
  });
});

describe('crc32 and zipName', () => {
  it('CRC-32 check values', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(utf8('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('names never lead out of the folder they unpack into', () => {
    expect(zipName('/etc/default/grub')).toBe('etc/default/grub');
    expect(zipName('../../etc/passwd')).toBe('etc/passwd');
    expect(zipName('a/./b/../c')).toBe('a/b/c');
    expect(zipName('C:\\x\\y.conf')).toBe('C:/x/y.conf');
    expect(zipName('/')).toBeUndefined();
  });
});
