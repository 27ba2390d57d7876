import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fuzzParams } from '../helpers/fuzz.js';
import { corpusAvailable, corpusEntries } from '../helpers/corpus.js';
import { decode } from '../../src/core/source.js';
import { formatBytes, libvirtUnitScale, parseKernelSize, parseLibvirtScaled, type LibvirtScaledResult, type KernelSizeResult } from '../../src/core/units.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

function bytesOf(r: LibvirtScaledResult | KernelSizeResult): number {
  if (!r.ok) throw new Error(`expected ok, got ${r.code}: ${r.message}`);
  return r.bytes;
}

describe('libvirtUnitScale (catalog 2.12)', () => {
  it('bytes, binary and decimal units, any case', () => {
    expect(['b', 'B', 'byte', 'Bytes'].map(libvirtUnitScale)).toEqual([1n, 1n, 1n, 1n]);
    expect(['k', 'K', 'KiB', 'kib', 'KIB'].map(libvirtUnitScale)).toEqual([1024n, 1024n, 1024n, 1024n, 1024n]);
    expect(['KB', 'kb', 'kB'].map(libvirtUnitScale)).toEqual([1000n, 1000n, 1000n]);
    expect(libvirtUnitScale('M')).toBe(1048576n);
    expect(libvirtUnitScale('GiB')).toBe(1073741824n);
    expect(libvirtUnitScale('GB')).toBe(1000000000n);
    expect(libvirtUnitScale('TiB')).toBe(1024n ** 4n);
    expect(libvirtUnitScale('PB')).toBe(1000n ** 5n);
    expect(libvirtUnitScale('EiB')).toBe(1024n ** 6n);
  });
  it('unknown units', () => {
    for (const u of ['', 'iB', 'kbytes', 'KiBs', 'x', 'Ki', 'KBB', ' KiB', 'Z']) expect(libvirtUnitScale(u)).toBe(undefined);
  });
});

describe('parseLibvirtScaled', () => {
  it('uses the unit, else the default unit', () => {
    expect(bytesOf(parseLibvirtScaled('1048576', 'KiB', 'KiB'))).toBe(GiB);
    expect(bytesOf(parseLibvirtScaled('16', 'GiB', 'KiB'))).toBe(16 * GiB);
    expect(bytesOf(parseLibvirtScaled('2048', undefined, 'KiB'))).toBe(2 * MiB);
    expect(bytesOf(parseLibvirtScaled('2048', '', 'KiB'))).toBe(2 * MiB);
    expect(bytesOf(parseLibvirtScaled('48', undefined, 'MiB'))).toBe(48 * MiB);
    expect(bytesOf(parseLibvirtScaled('1', 'G', 'KiB'))).toBe(GiB);
    expect(bytesOf(parseLibvirtScaled('8', 'GB', 'KiB'))).toBe(8e9);
    expect(bytesOf(parseLibvirtScaled('1', 'kb', 'KiB'))).toBe(1000);
    expect(bytesOf(parseLibvirtScaled('4096', 'b', 'KiB'))).toBe(4096);
    expect(bytesOf(parseLibvirtScaled('0', 'TiB', 'KiB'))).toBe(0);
    const r = parseLibvirtScaled('2', 'MiB', 'KiB');
    expect(r.ok && r.scale).toBe(MiB);
  });

  it('reads the number as strtoull does: leading space and + are fine', () => {
    expect(bytesOf(parseLibvirtScaled(' 5', 'b', 'KiB'))).toBe(5);
    expect(bytesOf(parseLibvirtScaled('+5', 'b', 'KiB'))).toBe(5);
    expect(bytesOf(parseLibvirtScaled('007', 'b', 'KiB'))).toBe(7);
  });

  it('errors say what is wrong and where', () => {
    expect(parseLibvirtScaled('', undefined, 'KiB')).toMatchObject({ ok: false, code: 'size-empty', in: 'value' });
    expect(parseLibvirtScaled('-1', undefined, 'KiB')).toMatchObject({ ok: false, code: 'size-negative', start: 0, end: 2 });
    expect(parseLibvirtScaled('abc', undefined, 'KiB')).toMatchObject({ ok: false, code: 'size-not-a-number', start: 0, end: 3 });
    const t = parseLibvirtScaled('16G', undefined, 'KiB');
    expect(t).toMatchObject({ ok: false, code: 'size-trailing-text', in: 'value', start: 2, end: 3 });
    expect(!t.ok && t.message).toContain('unit attribute');
    expect(parseLibvirtScaled('16 ', undefined, 'KiB')).toMatchObject({ ok: false, code: 'size-trailing-text', start: 2, end: 3 });
    expect(parseLibvirtScaled('1.5', 'GiB', 'KiB')).toMatchObject({ ok: false, code: 'size-trailing-text', start: 1, end: 3 });
    expect(parseLibvirtScaled('1', 'kbytes', 'KiB')).toMatchObject({ ok: false, code: 'size-unknown-unit', in: 'unit', start: 0, end: 6 });
  });

  it('64-bit overflow and inexact values are errors', () => {
    expect(bytesOf(parseLibvirtScaled('8', 'EiB', 'KiB'))).toBe(2 ** 63);
    expect(parseLibvirtScaled('16', 'EiB', 'KiB')).toMatchObject({ ok: false, code: 'size-too-large' });
    expect(parseLibvirtScaled('18446744073709551616', 'b', 'KiB')).toMatchObject({ ok: false, code: 'size-too-large', start: 0, end: 20 });
    expect(parseLibvirtScaled('9'.repeat(500), 'b', 'KiB')).toMatchObject({ ok: false, code: 'size-too-large' });
    // 2^64 - 1 fits in 64 bits but not exactly in a double.
    expect(parseLibvirtScaled('18446744073709551615', 'b', 'KiB')).toMatchObject({ ok: false, code: 'size-too-large' });
    expect(bytesOf(parseLibvirtScaled('9007199254740991', 'b', 'KiB'))).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('parseKernelSize (memparse)', () => {
  it('binary suffixes K M G T P E in either case', () => {
    expect(parseKernelSize('1G')).toEqual({ ok: true, bytes: GiB, radix: 10, suffix: 'G', end: 2 });
    expect(bytesOf(parseKernelSize('2M'))).toBe(2 * MiB);
    expect(bytesOf(parseKernelSize('2m'))).toBe(2 * MiB);
    expect(bytesOf(parseKernelSize('1g'))).toBe(GiB);
    expect(bytesOf(parseKernelSize('64k'))).toBe(64 * KiB);
    expect(bytesOf(parseKernelSize('1T'))).toBe(2 ** 40);
    expect(bytesOf(parseKernelSize('1p'))).toBe(2 ** 50);
    expect(bytesOf(parseKernelSize('1E'))).toBe(2 ** 60);
    expect(parseKernelSize('4096')).toEqual({ ok: true, bytes: 4096, radix: 10, suffix: undefined, end: 4 });
  });

  it('base 0 like strtoull: 0x hex, leading 0 octal', () => {
    expect(parseKernelSize('0x200000')).toEqual({ ok: true, bytes: 2 * MiB, radix: 16, suffix: undefined, end: 8 });
    expect(parseKernelSize('010M')).toEqual({ ok: true, bytes: 8 * MiB, radix: 8, suffix: 'M', end: 4 });
    expect(parseKernelSize('08')).toEqual({ ok: true, bytes: 0, radix: 8, suffix: undefined, end: 1 });
    expect(parseKernelSize('0x')).toEqual({ ok: true, bytes: 0, radix: 8, suffix: undefined, end: 1 });
  });

  it('stops after the suffix: memparse ignores the rest', () => {
    expect(parseKernelSize('1GB')).toEqual({ ok: true, bytes: GiB, radix: 10, suffix: 'G', end: 2 });
    expect(parseKernelSize('2MiB')).toMatchObject({ ok: true, bytes: 2 * MiB, end: 2 });
  });

  it('errors', () => {
    expect(parseKernelSize('')).toMatchObject({ ok: false, code: 'size-not-a-number', start: 0, end: 0 });
    expect(parseKernelSize('G')).toMatchObject({ ok: false, code: 'size-not-a-number', start: 0, end: 1 });
    expect(parseKernelSize(' 1G')).toMatchObject({ ok: false, code: 'size-not-a-number' });
    expect(parseKernelSize('16E')).toMatchObject({ ok: false, code: 'size-too-large', start: 0, end: 3 });
    expect(parseKernelSize('1'.repeat(1000))).toMatchObject({ ok: false, code: 'size-too-large' });
  });
});

describe('formatBytes', () => {
  it('exact binary units', () => {
    expect(formatBytes(16 * GiB)).toBe('16 GiB');
    expect(formatBytes(2 * MiB)).toBe('2 MiB');
    expect(formatBytes(GiB)).toBe('1 GiB');
    expect(formatBytes(1536 * MiB)).toBe('1536 MiB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1536 B');
    expect(formatBytes(2 ** 60)).toBe('1 EiB');
    expect(formatBytes(8192 * 2 * MiB)).toBe('16 GiB');
  });
  it('approximate when no unit divides', () => {
    expect(formatBytes(GiB + 1)).toBe('~1 GiB');
    expect(formatBytes(10240000)).toBe('~9.77 MiB');
    expect(formatBytes(1000000)).toBe('~976.56 KiB');
  });
  it('odd inputs do not throw', () => {
    expect(formatBytes(-5)).toBe('-5 B');
    expect(formatBytes(1.5)).toBe('1.5 B');
    expect(formatBytes(Number.NaN)).toBe('NaN B');
  });
});

describe('units never throw; error ranges are in bounds', () => {
  const pieces = ['0', '1', '7', '0x', 'x', 'f', 'G', 'g', 'K', 'iB', 'B', 'E', ' ', '+', '-', '.', '9999999999', 'é'];
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((x) => x.join('')));
  const unit = fc.option(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('KiB', 'mb', 'G', 'bytes', 'EiB', 'iB')), { nil: undefined });

  it('parseLibvirtScaled', () => {
    fc.assert(
      fc.property(text, unit, fc.constantFrom('B', 'KiB', 'MiB') as fc.Arbitrary<'B' | 'KiB' | 'MiB'>, (v, u, d) => {
        const r = parseLibvirtScaled(v, u, d);
        if (r.ok) {
          expect(Number.isSafeInteger(r.bytes) || Number.isInteger(r.bytes)).toBe(true);
          expect(r.bytes).toBeGreaterThanOrEqual(0);
        } else {
          const len = r.in === 'value' ? v.length : (u ?? '').length;
          expect(0 <= r.start && r.start <= r.end && r.end <= len).toBe(true);
        }
      }),
      fuzzParams(),
    );
  });

  it('parseKernelSize agrees with a BigInt model of memparse', () => {
    fc.assert(
      fc.property(text, (v) => {
        const r = parseKernelSize(v);
        if (!r.ok) {
          expect(0 <= r.start && r.start <= r.end && r.end <= v.length).toBe(true);
          return;
        }
        expect(r.end).toBeGreaterThan(0);
        expect(r.end).toBeLessThanOrEqual(v.length);
        // Re-derive the value from the consumed text with BigInt parsing.
        const body = v.slice(0, r.end - (r.suffix ? 1 : 0));
        const n = r.radix === 16 ? BigInt(body) : r.radix === 8 ? BigInt(`0o${body.slice(1) || '0'}`) : BigInt(body);
        const shift = r.suffix ? BigInt(10 * ('kmgtpe'.indexOf(r.suffix.toLowerCase()) + 1)) : 0n;
        expect(BigInt(r.bytes)).toBe(n << shift);
      }),
      fuzzParams(),
    );
  });

  it('formatBytes of an exact binary size re-parses as a libvirt value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.constantFrom('B', 'KiB', 'MiB', 'GiB', 'TiB'), (n, u) => {
        const bytes = bytesOf(parseLibvirtScaled(String(n), u, 'KiB'));
        const [num, unitName] = formatBytes(bytes).split(' ');
        expect(bytesOf(parseLibvirtScaled(num!, unitName, 'KiB'))).toBe(bytes);
      }),
      fuzzParams(),
    );
  });
});

describe.skipIf(!corpusAvailable())('corpus sizes', () => {
  it('every <memory>, <currentMemory>, <page> and <pages> size in domain and capabilities XML', () => {
    const failures: string[] = [];
    let count = 0;
    for (const e of [...corpusEntries('domain-xml'), ...corpusEntries('capabilities-xml')]) {
      const d = decode(readFileSync(e.abs));
      if (!d.ok) continue;
      const text = d.text;
      // <memory unit='KiB'>N</memory> and <currentMemory>; model='dimm' memory devices have no text and are skipped.
      for (const m of text.matchAll(/<(memory|currentMemory)((?:\s+\w+=(?:'[^']*'|"[^"]*"))*)\s*>([^<]*)</g)) {
        if (/model=/.test(m[2]!)) continue;
        const unit = /\bunit=['"]([^'"]*)['"]/.exec(m[2]!)?.[1];
        count++;
        const r = parseLibvirtScaled(m[3]!.trim(), unit, 'KiB');
        if (!r.ok) failures.push(`${e.path}: <${m[1]}> ${m[3]} ${unit}: ${r.message}`);
      }
      for (const m of text.matchAll(/<(page|pages)\b([^>]*)>/g)) {
        const size = /\bsize=['"]([^'"]*)['"]/.exec(m[2]!)?.[1];
        if (size === undefined) continue;
        const unit = /\bunit=['"]([^'"]*)['"]/.exec(m[2]!)?.[1];
        count++;
        const r = parseLibvirtScaled(size, unit, 'KiB');
        if (!r.ok) failures.push(`${e.path}: <${m[1]} size=${size} unit=${unit}>: ${r.message}`);
      }
    }
    expect(count).toBeGreaterThan(2000);
    // The only failures: a template with a placeholder where the number goes.
    expect(failures).toEqual([
      expect.stringMatching(/win11_vm_template\.xml: <memory> vm_mem_repace GiB: 'vm_mem_repace' is not a number$/),
      expect.stringMatching(/win11_vm_template\.xml: <currentMemory> vm_mem_repace undefined/),
    ]);
  });

  it('hugepage sizes on command lines', () => {
    const seen: number[] = [];
    for (const e of [...corpusEntries('grub'), ...corpusEntries('kernel-cmdline')]) {
      const text = readFileSync(e.abs, 'utf8');
      for (const m of text.matchAll(/(?<![\w.-])(?:default_)?hugepagesz=([^\s"'\\]*)/g)) {
        const r = parseKernelSize(m[1]!);
        expect(r.ok && r.end === m[1]!.length, m[0]).toBe(true);
        seen.push(bytesOf(r));
      }
    }
    expect(seen).toEqual([GiB, GiB]);
  });
});
