#!/usr/bin/env node
// Growth bench: does each parser (and the whole lint) stay linear in time and memory?
//
//   node scripts/growth.mjs [--base KIB] [--only NAME,NAME] [--lint] [--json FILE]
//
// For every input shape below (realistic ones and the pathological ones of issue 14) the text is
// made at 1x, 4x and 16x a base size, and parsed in a fresh process (`--lint`: linted whole, rules
// and the JSON reporter included). Each run reports its time and peak memory (max RSS less the
// RSS of an idle process). A shape passes when 16x takes at most LINEAR_SLACK times 16 the time of
// 1x (after the fixed cost) and peak memory stays under BYTES_PER_INPUT_BYTE per input byte plus a
// fixed allowance. No test asserts times; this script prints the table and exits 1 when a bound
// is missed. docs/security.md states the bounds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The documented bound (docs/security.md): peak memory per byte of input, past a fixed allowance. */
export const BYTES_PER_INPUT_BYTE = 40;
const FIXED_ALLOWANCE_MB = 24;
/** 16 times the input may take this many times 16 times as long (caches, GC) before it counts as superlinear. */
const LINEAR_SLACK = 2;
const RUN_TIMEOUT_MS = 120_000;

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const baseKiB = Number(flag('--base') ?? 64);
const only = flag('--only')?.split(',');
const lint = args.includes('--lint');
const jsonOut = flag('--json');

/** Repeat `line(i)` until the text reaches `bytes`. */
function lines(bytes, line, head = '', tail = '') {
  const parts = [head];
  let n = head.length + tail.length;
  for (let i = 0; n < bytes; i++) {
    const l = line(i);
    parts.push(l);
    n += l.length;
  }
  parts.push(tail);
  return parts.join('');
}

const HOSTDEV = (i) => `<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x${(i % 256).toString(16)}' slot='0x00' function='0x0'/></source></hostdev>\n`;

/**
 * Each shape: a file kind and a text of about `bytes` bytes. `ceilingMb`: the kind is held by an input
 * cap instead of a per-byte bound (shell-variable files stop at 256 KiB and 10,000 words, line-based
 * host files at 1 MiB, where real content costs up to about 70 bytes per byte), so its memory may reach this ceiling whatever the input size (XML stopped at
 * its element limit too). `limitKiB`: the kind's input cap; the 16x run is kept under it, so every
 * size is really parsed.
 */
const SHAPES = [
  { name: 'domain: devices', kind: 'domain', make: (b) => lines(b, HOSTDEV, "<domain type='kvm'><name>g</name><devices>\n", '</devices></domain>\n') },
  { name: 'domain: unclosed tags', kind: 'domain', ceilingMb: 90, make: (b) => lines(b, () => '<a>', "<domain type='kvm'>") },
  { name: 'domain: attributes on one element', kind: 'domain', make: (b) => lines(b, (i) => ` a${i}='x'`, "<domain type='kvm'><e", '/></domain>') },
  { name: 'domain: nesting', kind: 'domain', ceilingMb: 90, make: (b) => { const n = Math.floor(b / 7); return `<domain>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</domain>`; } },
  { name: 'grub: assignments', kind: 'grub', ceilingMb: 100, limitKiB: 255, make: (b) => lines(b, (i) => `GRUB_VAR_${i}="quiet splash intel_iommu=on"\n`) },
  { name: 'grub: X=1 lines', kind: 'grub', ceilingMb: 100, limitKiB: 255, make: (b) => lines(b, () => 'X=1\n') },
  { name: 'grub: += lines', kind: 'grub', ceilingMb: 100, limitKiB: 255, make: (b) => lines(b, () => 'GRUB_CMDLINE_LINUX_DEFAULT+=" x"\n') },
  { name: 'grub: doubling', kind: 'grub', ceilingMb: 100, make: (b) => lines(b / 64, () => 'X="$X$X"\n', 'X=ab\n') },
  { name: 'dracut: add_drivers+=', kind: 'dracut', ceilingMb: 100, limitKiB: 255, make: (b) => lines(b, () => 'add_drivers+=" vfio "\n') },
  { name: 'dracut: one long line', kind: 'dracut', ceilingMb: 100, limitKiB: 255, make: (b) => lines(b, (i) => ` m${i}`, 'add_drivers+="', '"\n') },
  { name: 'mkinitcpio: MODULES array', kind: 'mkinitcpio', ceilingMb: 100, limitKiB: 255, make: (b) => lines(b, (i) => ` mod${i}`, 'MODULES=(', ')\n') },
  { name: 'modprobe: options', kind: 'modprobe', limitKiB: 1023, ceilingMb: 100, make: (b) => lines(b, (i) => `options vfio-pci ids=10de:${(i % 65536).toString(16).padStart(4, '0')}\n`) },
  { name: 'modprobe: bad lines', kind: 'modprobe', ceilingMb: 250, limitKiB: 1023, make: (b) => lines(b, () => 'x\n') },
  { name: 'sysctl: settings', kind: 'sysctl', limitKiB: 1023, ceilingMb: 100, make: (b) => lines(b, (i) => `vm.setting_${i} = ${i}\n`) },
  { name: 'kernel-cmdline: one line', kind: 'kernel-cmdline', limitKiB: 1023, ceilingMb: 100, make: (b) => lines(b, (i) => `p${i}=v `, '', '\n') },
  { name: 'modules-load: names', kind: 'modules-load', limitKiB: 1023, ceilingMb: 100, make: (b) => lines(b, (i) => `mod_${i}\n`) },
  { name: 'initramfs-modules: names', kind: 'initramfs-modules', limitKiB: 1023, ceilingMb: 100, make: (b) => lines(b, (i) => `mod_${i} opt=1\n`) },
  { name: 'bls-entry: options', kind: 'bls-entry', limitKiB: 1023, ceilingMb: 100, make: (b) => lines(b, (i) => `options p${i}=v\n`, 'title t\nlinux /vmlinuz\n') },
];

const CHILD = `
import { readFileSync } from 'node:fs';
const [bundle, file, kind, mode] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const m = await import(bundle);
const t0 = process.hrtime.bigint();
let findings = 0;
if (mode === 'lint') {
  const report = await m.lintText(text, { kind, config: false, filePath: file });
  findings = report.results.reduce((n, r) => n + r.messages.length, 0);
  m.formatReport(report, 'json');
} else {
  findings = m.parseByKind(kind, text).problems.length;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, rssKb: process.resourceUsage().maxRSS, findings }));
`;

function runOne(dir, bundle, shape, bytes) {
  const text = shape.make(bytes);
  const file = join(dir, `in-${shape.kind}${shape.kind === 'domain' ? '.xml' : '.conf'}`);
  writeFileSync(file, text);
  const child = join(dir, 'child.mjs');
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', '--stack-size=984', child, bundle, file, shape.kind, lint ? 'lint' : 'parse'], { encoding: 'utf8', timeout: RUN_TIMEOUT_MS, maxBuffer: 1 << 20 });
  if (r.status !== 0 || !r.stdout) return { bytes: Buffer.byteLength(text), failed: r.error?.code === 'ETIMEDOUT' ? `timeout ${RUN_TIMEOUT_MS / 1000} s` : (r.stderr.split('\n').find((l) => /Error|abort|heap/i.test(l)) ?? `exit ${r.status ?? r.signal}`).slice(0, 80) };
  return { bytes: Buffer.byteLength(text), ...JSON.parse(r.stdout) };
}

function idleRssKb(dir, bundle) {
  const file = join(dir, 'idle.conf');
  writeFileSync(file, '');
  const r = spawnSync(process.execPath, [join(dir, 'child.mjs'), bundle, file, 'sysctl', 'parse'], { encoding: 'utf8' });
  return JSON.parse(r.stdout).rssKb;
}

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), 'vfio-lint-growth-'));
  try {
    const bundle = join(dir, 'bundle.mjs');
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `export { parseByKind } from ${JSON.stringify(join(ROOT, 'src/kinds/index.ts'))};\nexport { lintText, formatReport } from ${JSON.stringify(join(ROOT, 'src/index.ts'))};\n`);
    await build({ absWorkingDir: ROOT, entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'esm', outfile: bundle, logLevel: 'warning' });
    writeFileSync(join(dir, 'child.mjs'), CHILD);
    const idle = idleRssKb(dir, bundle);
    const results = [];
    let missed = 0;
    console.log(`growth (${lint ? 'whole lint + JSON report' : 'parse'}), base ${baseKiB} KiB; bounds: 16x time <= ${LINEAR_SLACK * 16} x 1x; memory <= ${BYTES_PER_INPUT_BYTE} B per input byte + ${FIXED_ALLOWANCE_MB} MB`);
    console.log(['shape'.padEnd(36), 'size', '1x ms', '4x ms', '16x ms', 'ratio', 'MB@16x', 'B/byte', 'findings@16x', 'verdict'].join('\t'));
    for (const shape of SHAPES) {
      if (only && !only.some((o) => shape.name.includes(o))) continue;
      const base = Math.min(baseKiB, (shape.limitKiB ?? Infinity) / 16);
      const runs = [1, 4, 16].map((k) => runOne(dir, bundle, shape, Math.floor(base * 1024 * k)));
      const [a, , c] = runs;
      const failed = runs.find((r) => r.failed);
      let verdict;
      let ratio = '-';
      let perByte = '-';
      let mb = '-';
      if (failed) {
        verdict = `MISSED: ${failed.failed}`;
      } else {
        // A few ms are start-up noise: compare times above 5 ms only.
        const t1 = Math.max(a.ms, 5);
        ratio = (c.ms / t1).toFixed(1);
        const extraKb = Math.max(0, c.rssKb - idle);
        mb = (extraKb / 1024).toFixed(0);
        perByte = ((extraKb * 1024) / c.bytes).toFixed(1);
        const timeOk = c.ms <= LINEAR_SLACK * 16 * t1 * (c.bytes / a.bytes / 16);
        const memOk = extraKb / 1024 <= FIXED_ALLOWANCE_MB + Math.max(shape.ceilingMb ?? 0, (BYTES_PER_INPUT_BYTE * c.bytes) / 2 ** 20);
        verdict = timeOk && memOk ? 'ok' : `MISSED: ${timeOk ? '' : 'time '}${memOk ? '' : 'memory'}`.trim();
      }
      if (verdict !== 'ok') missed++;
      results.push({ shape: shape.name, kind: shape.kind, runs, verdict });
      const ms = (r) => (r.failed ? 'x' : r.ms.toFixed(0));
      console.log([shape.name.padEnd(36), `${(c.bytes / 1024).toFixed(0)}K`, ms(runs[0]), ms(runs[1]), ms(runs[2]), ratio, mb, perByte, c.failed ? '-' : c.findings, verdict].join('\t'));
    }
    if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ date: new Date().toISOString(), baseKiB, lint, idleRssKb: idle, results }, null, 2)}\n`);
    process.exitCode = missed > 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
