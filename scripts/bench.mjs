#!/usr/bin/env node
// npm run bench: how fast vfio-lint is, measured side by side with what bounds it.
//
//   node scripts/bench.mjs [--quick] [--only 1,3] [--json FILE] [--keep]
//
// Measures the built files (dist/): run `node scripts/build.mjs` first (npm run bench does).
// Prints one table; docs/performance.md explains each row and holds the numbers.
// Timings are medians of interleaved runs (see scripts/bench/measure.mjs). Every timed
// process runs without NODE_EXTRA_CA_CERTS, which some machines set and a user's does not.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { cleanEnv, compare, nodeCommand, plainCommandWithCpu, terminalCommand } from './bench/measure.mjs';
import { CORPUS, ROOT, corpusMachines, isXmlKind, manifest, totalBytes, writeJson } from './bench/corpus.mjs';
import { commentedOutDomain, replicate, writeBigDomain } from './bench/generate.mjs';
import { mb, ms, rate, ratio, table } from './bench/table.mjs';

const flags = parseFlags(process.argv.slice(2));
const quick = flags.quick;
const CLI = join(ROOT, 'bin', 'vfio-lint');
const EXAMPLE = join(ROOT, 'examples', 'desktop');
const TARGETS = { cold: 1.35, devnull: 1.05, warm: 0.5, corpus: 4, rssMb: 150, flat: 1.25, floor: 1.5, xmllint: 6, rss10Mb: 200, linear: 1.25, lsp10k: 15, lsp1m: 100 };
/** The language server's debounce in the LSP rows: 0, so every millisecond timed is work (editors get 200 ms first). */
const LSP_DEBOUNCE_MS = 0;
/** A single-file run slower than this is stopped and reported as missed: that is a scaling bug, not a number. */
const WARM_FILE_TIMEOUT_MS = 180_000;

const progress = (s) => process.stderr.write(`bench: ${s}\n`);

let rows;
let tmp;
let parseXmlBundle;

async function main() {
  checkBuilt();
  rows = manifest();
  tmp = mkdtempSync(join(os.tmpdir(), 'vfio-lint-bench-'));
  const results = { date: new Date().toISOString(), machine: machineInfo(), sections: {} };
  const loadBefore = os.loadavg()[0];
  try {
    if (want(1)) results.sections.cold = coldStart();
    if (want(2)) results.sections.warm = await warmThroughput();
    if (want(3) || want(4)) results.sections.corpus = wholeCorpus();
    if (want(5)) results.sections.scaling = await scaling();
    if (want(6)) results.sections.oneMachine = await oneMachine();
    if (want(7)) results.sections.lsp = languageServer();
  } finally {
    if (!flags.keep) rmSync(tmp, { recursive: true, force: true });
    else progress(`kept ${tmp}`);
  }
  results.machine.loadAverage = { start: loadBefore, end: os.loadavg()[0] };
  report(results);
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(results, null, 2)}\n`);
}

// ---------------------------------------------------------------- 1. cold start

function coldStart() {
  progress('1/7 cold start: node -e 0 vs the CLI on examples/desktop');
  // A terminal row where util-linux `script` can make one (scripts/install-test-tools.sh installs it).
  const terminal = hasTool('script') && process.platform === 'linux';
  const commands = [
    nodeCommand('node -e 0', ['-e', '0']),
    nodeCommand('vfio-lint examples/desktop', [CLI, EXAMPLE], { cwd: ROOT, okCodes: [0, 1] }),
    nodeCommand('vfio-lint --version', [CLI, '--version'], { cwd: ROOT }),
    nodeCommand('vfio-lint examples/desktop > /dev/null', [CLI, EXAMPLE], { cwd: ROOT, okCodes: [0, 1], stdout: 'devnull' }),
    ...(terminal ? [terminalCommand('vfio-lint examples/desktop on a terminal', [CLI, EXAMPLE], { cwd: ROOT, okCodes: [0, 1] })] : []),
  ];
  const [bare, cli, version, devnull, tty] = compare(commands, { runs: quick ? 8 : 30, warmup: 3 });
  const out = { bare, cli, version, devnull, tty, ratio: cli.wallMs / bare.wallMs, cpuRatio: cli.cpuMs / bare.cpuMs };
  if (hasTool('hyperfine')) out.hyperfine = hyperfine([`${q(process.execPath)} -e 0`, `${q(process.execPath)} ${q(CLI)} ${q(EXAMPLE)}`], quick ? 8 : 30);
  return out;
}

/** hyperfine's medians for the same pair, as a cross-check of our own runner (it runs each command's runs back to back). */
function hyperfine(commands, runs) {
  const file = join(tmp, 'hyperfine.json');
  const r = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(runs), '-i', '--output=pipe', '--export-json', file, ...commands], { env: cleanEnv(), cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) return { error: r.stderr.toString().trim().split('\n').pop() };
  const res = JSON.parse(readFileSync(file, 'utf8')).results;
  return { bareMs: res[0].median * 1000, cliMs: res[1].median * 1000, ratio: res[1].median / res[0].median };
}

// ---------------------------------------------------------------- 2. warm throughput

async function warmThroughput() {
  progress('2/7 warm in-process throughput over the corpus domain XML');
  const files = rows.filter((r) => r.kind === 'domain-xml').map((r) => r.abs);
  await parseXmlModule();
  // Warm means steady: pass by pass, the parser reaches its speed by the 3rd pass and the lint
  // only by about the 10th (more code for V8 to optimise), so both modes warm up 10 passes.
  const res = runWarm({ files, rounds: quick ? 3 : 11, warmup: 10 });
  const w = res.workloads;
  return {
    files: res.files,
    bytes: res.bytes,
    lint: w.lint,
    saxes: w.saxes,
    parseXml: w.parseXml,
    vsSaxes: w.saxes.ms / w.lint.ms,
    vsParseXml: w.parseXml.ms / w.lint.ms,
  };
}

/** Our parseXml alone, bundled from the sources the way the library bundles it. */
async function parseXmlModule() {
  if (!parseXmlBundle) {
    parseXmlBundle = join(tmp, 'parse-xml.mjs');
    await build({ absWorkingDir: ROOT, entryPoints: ['src/parsers/xml/index.ts'], bundle: true, platform: 'node', target: 'node20', format: 'esm', outfile: parseXmlBundle, logLevel: 'warning' });
  }
  return parseXmlBundle;
}

function runWarm(spec, timeoutMs) {
  const file = join(tmp, `warm-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ parseXml: parseXmlBundle, library: join(ROOT, 'dist', 'index.js'), ...spec }));
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'warm.mjs'), file], { env: cleanEnv(), cwd: ROOT, maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error?.code === 'ETIMEDOUT') return { timedOut: true };
  if (r.status !== 0) throw new Error(`warm throughput run failed: ${r.stderr.toString().trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout.toString());
}

// ---------------------------------------------------------------- 3 and 4. whole corpus, peak RSS

function wholeCorpus() {
  progress('3/7 the CLI over the whole corpus vs xmllint --noout over its XML');
  const dir = join(tmp, 'corpus');
  const config = join(dir, 'vfio-lint.config.json');
  const machines = corpusMachines(rows, `${relative(dir, CORPUS)}/`);
  writeJson(config, { machines });
  const linted = countLinted(config, dir);
  const xml = rows.filter((r) => isXmlKind(r.kind)).map((r) => r.abs);
  const commands = [nodeCommand('vfio-lint, whole corpus', [CLI, '--config', config], { cwd: dir, okCodes: [0, 1] })];
  if (hasTool('xmllint')) commands.push(plainCommandWithCpu('xmllint --noout', 'xmllint', ['--noout', ...xml], { okCodes: [0, 1] }));
  const [cli, xmllint] = compare(commands, { runs: quick ? 3 : 7, warmup: 1 });
  return {
    machines: machines.length,
    files: rows.length,
    linted,
    bytes: totalBytes(rows.map((r) => r.abs)),
    xmlFiles: xml.length,
    xmlBytes: totalBytes(xml),
    cli,
    xmllint,
    ratio: xmllint ? cli.wallMs / xmllint.wallMs : undefined,
  };
}

/** How many files the CLI reported on: a check that the machines config reaches the whole corpus. */
function countLinted(config, cwd) {
  const r = spawnSync(process.execPath, [CLI, '--config', config, '--format', 'json'], { cwd, env: cleanEnv(), maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`the CLI failed on the corpus (exit ${r.status}): ${r.stderr.toString().trim().split('\n')[0]}`);
  const results = JSON.parse(r.stdout.toString());
  const missing = results.filter((x) => x.messages.some((m) => m.fatal && /no file matches/.test(m.message)));
  if (missing.length > 0) throw new Error(`the corpus config names files the CLI did not find: ${missing[0].filePath}`);
  return results.length;
}

// ---------------------------------------------------------------- 5. scaling

async function scaling() {
  progress('5/7 scaling: 1x, 4x and 16x inputs');
  const copies = join(tmp, 'copies');
  const corpusBytes = totalBytes(rows.map((r) => r.abs));
  for (let i = 0; i < 16; i++) replicate(rows, join(copies, `copy${i}`));
  const runsAt = (n) => (quick ? 1 : n === 1 ? 3 : n === 4 ? 2 : 1);

  // Many machines: the whole corpus config, repeated.
  const cli = [];
  for (const n of [1, 4, 16]) {
    const machines = [];
    for (let i = 0; i < n; i++) machines.push(...corpusMachines(rows, `copy${i}/`, `copy${i}:`));
    progress(`  whole corpus x${n}`);
    cli.push(timeCli(`corpus x${n}`, join(copies, `x${n}.json`), { machines }, copies, corpusBytes * n, runsAt(n), n));
  }

  // One machine with ever more domains: libvirt's test domains, repeated.
  const domainRows = rows.filter((r) => r.path.startsWith('libvirt-tests/domains/'));
  const domainBytes = totalBytes(domainRows.map((r) => r.abs));
  const machine = [];
  for (const n of [1, 4, 16]) {
    const domains = Array.from({ length: n }, (_, i) => `copy${i}/libvirt-tests/domains/*.xml`);
    progress(`  one machine of ${domainRows.length * n} domains`);
    machine.push(timeCli(`machine x${n}`, join(copies, `m${n}.json`), { machines: [{ name: 'all', domains }] }, copies, domainBytes * n, runsAt(n), n));
  }

  // One file ever larger, in-process: the same devices repeated, and a run of commented-out devices.
  await parseXmlModule();
  const domain = [];
  for (const [n, bytes] of [[1, 3_125_000], [4, 12_500_000], [16, 50_000_000]]) {
    const file = join(tmp, `domain-x${n}.xml`);
    const size = writeBigDomain(join(EXAMPLE, 'win11.xml'), file, bytes);
    progress(`  one domain, ${mb(size)}`);
    const row = { scale: n, bytes: size };
    // One process per workload, so each peak RSS is that workload's own.
    for (const w of ['lint', 'parseXml', 'saxes']) row[w] = warmFile(file, size, w, runsAt(n), join(tmp, 'domain-x1.xml'));
    domain.push(row);
    if (n === 16) row.cli = cliOnHugeFile(file);
  }
  const comments = [];
  for (const [n, bytes] of [[1, 500_000], [4, 2_000_000], [16, 8_000_000]]) {
    const file = join(tmp, `commented-x${n}.xml`);
    const size = writeBigDomain(join(EXAMPLE, 'win11.xml'), file, bytes, commentedOutDomain);
    progress(`  one domain with a run of commented-out devices, ${mb(size)}`);
    // Three passes even with --quick: they take well under a second, and one pass of a few ms is noise.
    comments.push({ scale: n, bytes: size, lint: warmFile(file, size, 'lint', 3, join(tmp, 'commented-x1.xml')) });
  }
  return { cli, machine, domain, comments };
}

/** The CLI on a generated machines config, `runs` times; time and CPU per MB of input. */
function timeCli(label, config, contents, cwd, bytes, runs, scale) {
  writeJson(config, contents);
  const [s] = compare([nodeCommand(label, [CLI, '--config', config], { cwd, okCodes: [0, 1] })], { runs, warmup: 0 });
  return { scale, bytes, ...s, msPerMb: s.wallMs / (bytes / 1e6), cpuPerMb: s.cpuMs / (bytes / 1e6) };
}

/**
 * One workload over one file in a process of its own; a run past the time limit counts as missed.
 * Every size gets one untimed pass over the series' smallest file first: a cold first pass costs
 * JIT compilation that a small file cannot spread out, so timing only the small size warm would
 * make growth look costly; warming on the large file itself would hold two huge trees at once.
 */
function warmFile(file, size, workload, rounds, warmupFile) {
  const res = runWarm({ files: [file], warmupFiles: [warmupFile], workloads: [workload], rounds, warmup: 1 }, WARM_FILE_TIMEOUT_MS);
  if (res.timedOut) return { timedOut: true, ms: NaN, cpuMs: NaN, msPerMb: NaN, cpuPerMb: NaN, rssMb: NaN };
  const r = res.workloads[workload];
  return { ...r, rssMb: res.rssMb, msPerMb: r.ms / (size / 1e6), cpuPerMb: r.cpuMs / (size / 1e6) };
}

/** What the CLI says about the 50 MB file (its input size cap). */
function cliOnHugeFile(file) {
  const r = spawnSync(process.execPath, [CLI, '--format', 'json', file], { env: cleanEnv(), cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  try {
    const first = JSON.parse(r.stdout.toString())[0]?.messages[0];
    return { exit: r.status, message: first?.message };
  } catch {
    return { exit: r.status, message: r.stderr.toString().trim().split('\n')[0] };
  }
}

// ---------------------------------------------------------------- 6. the corpus as one machine (issue 21)

async function oneMachine() {
  progress('6/7 the corpus XML as one machine: against reading + parseXml, and xmllint; 10x for memory; 1,000 vs 100,000 domains');
  const dir = join(tmp, 'one');
  const xml = rows.filter((r) => isXmlKind(r.kind));
  const domainRows = rows.filter((r) => r.kind === 'domain-xml');
  const bundle = await parseXmlModule();
  const list = join(tmp, 'one-list.txt');
  writeFileSync(list, `${xml.map((r) => r.abs).join('\n')}\n`);
  // Every XML file named on the command line: files named one by one are one machine.
  const commands = [
    nodeCommand('vfio-lint, corpus XML as one machine', [CLI, ...xml.map((r) => r.abs)], { cwd: ROOT, okCodes: [0, 1] }),
    nodeCommand('node: read + parseXml', [join(ROOT, 'scripts', 'bench', 'floor.mjs'), bundle, list], { cwd: ROOT }),
  ];
  if (hasTool('xmllint')) commands.push(plainCommandWithCpu('xmllint --noout', 'xmllint', ['--noout', ...xml.map((r) => r.abs)], { okCodes: [0, 1] }));
  const [cli, floor, xmllint] = compare(commands, { runs: quick ? 3 : 7, warmup: 1 });

  // Ten copies of the corpus' domains as one machine (hard links: each copy is a path of its own).
  for (let i = 0; i < 10; i++) replicate(domainRows, join(dir, `copy${i}`));
  const ten = [];
  for (let i = 0; i < 10; i++) for (const r of domainRows) ten.push(`copy${i}/${r.path}`);
  const [x10] = compare([nodeCommand('vfio-lint, 10x the domains as one machine', [CLI, '--config', writeConfig(join(dir, 'x10.json'), ten)], { cwd: dir, okCodes: [0, 1] })], { runs: quick ? 1 : 3, warmup: 0 });
  // The same machine with one domain grown to 1 MB: the peak should follow the largest domain, not the count.
  const big = join(dir, 'big', 'big.xml');
  writeBigDomain(join(EXAMPLE, 'win11.xml'), big, 1_000_000);
  const [x10big] = compare([nodeCommand('vfio-lint, 10x + one 1 MB domain', [CLI, '--config', writeConfig(join(dir, 'x10big.json'), [...ten, 'big/big.xml'])], { cwd: dir, okCodes: [0, 1] })], { runs: quick ? 1 : 3, warmup: 0 });

  // Time per file at 1,000 and 100,000 small generated domains, each one machine.
  const linear = [];
  for (const n of quick ? [1000, 10000] : [1000, 100000]) {
    const gen = join(dir, `gen${n}`);
    const names = writeSmallDomains(gen, n);
    progress(`  one machine of ${n} generated domains`);
    const [s] = compare([nodeCommand(`vfio-lint, ${n} domains`, [CLI, '--config', writeConfig(join(gen, 'm.json'), names)], { cwd: gen, okCodes: [0, 1] })], { runs: 1, warmup: 0 });
    linear.push({ n, ...s, cpuPerFileUs: (s.cpuMs * 1000) / n, wallPerFileUs: (s.wallMs * 1000) / n });
  }
  rmSync(dir, { recursive: true, force: true });
  return { files: xml.length, bytes: totalBytes(xml.map((r) => r.abs)), cli, floor, xmllint, x10, x10big, x10files: ten.length, linear };
}

function writeConfig(file, domains) {
  writeJson(file, { machines: [{ name: 'all', domains }] });
  return file;
}

/** `n` small domains, each its own name, uuid-free, a GPU passed through: about 400 bytes each. */
function writeSmallDomains(dir, n) {
  const names = [];
  for (let i = 0; i < n; i++) {
    const sub = `d${Math.floor(i / 1000)}`;
    if (i % 1000 === 0) mkdirSync(join(dir, sub), { recursive: true });
    const name = `${sub}/vm${i}.xml`;
    writeFileSync(join(dir, name), `<domain type='kvm'>\n  <name>vm${i}</name>\n  <memory unit='GiB'>8</memory>\n  <vcpu>4</vcpu>\n  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n  <devices>\n    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>\n  </devices>\n</domain>\n`);
    names.push(name);
  }
  return names;
}

// ---------------------------------------------------------------- 7. the language server

function languageServer() {
  progress(`7/7 the language server: a 10 KB and a 1 MB domain changed again and again (debounce ${LSP_DEBOUNCE_MS} ms)`);
  const out = {};
  for (const [key, bytes] of [['small', 10_000], ['large', 1_000_000]]) {
    const file = join(tmp, 'lsp', `domain-${key}.xml`);
    const size = writeBigDomain(join(EXAMPLE, 'win11.xml'), file, bytes);
    const spec = join(tmp, `lsp-${key}.json`);
    writeFileSync(spec, JSON.stringify({ server: join(ROOT, 'dist', 'language-server.cjs'), file, edits: quick ? 5 : 21, debounceMs: LSP_DEBOUNCE_MS }));
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'lsp.mjs'), spec], { env: cleanEnv(), cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    if (r.status !== 0) throw new Error(`language server run failed: ${r.stderr.toString().trim().split('\n').slice(-2).join(' | ')}`);
    out[key] = { ...JSON.parse(r.stdout.toString()), bytes: size };
  }
  return out;
}

// ---------------------------------------------------------------- report

function report(res) {
  const m = res.machine;
  const s = res.sections;
  const head = [
    `vfio-lint benchmark, ${res.date.slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick: few runs)' : ''}`,
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB RAM; ${m.os}; node ${m.node}; ${m.xmllint ? `xmllint (${m.xmllint})` : 'no xmllint'}; ${m.hyperfine ?? 'no hyperfine'}`,
    `load average: ${m.loadAverage.start.toFixed(2)} at start, ${m.loadAverage.end.toFixed(2)} at the end${Math.max(m.loadAverage.start, m.loadAverage.end) > m.cores / 2 ? ' (other work was running: expect noisy timings)' : ''}`,
  ];
  const notes = [];
  const t = [['#', 'measure', 'vfio-lint', 'baseline', 'ratio', 'target', '']];
  const verdict = (ok) => (ok ? 'ok' : 'MISSED');
  const mbOf = (v) => `${v.toFixed(0)} MB`;
  if (s.cold) {
    const c = s.cold;
    t.push(['1', 'cold CLI, examples/desktop', ms(c.cli.wallMs), `node -e 0: ${ms(c.bare.wallMs)}`, ratio(c.ratio), `<= ${TARGETS.cold}x`, verdict(c.ratio <= TARGETS.cold)]);
    t.push(['', '  the same, CPU time (user+sys)', ms(c.cli.cpuMs), ms(c.bare.cpuMs), ratio(c.cpuRatio), '', '']);
    t.push(['', '  vfio-lint --version (bundle load)', ms(c.version.wallMs), '', ratio(c.version.wallMs / c.bare.wallMs), '', '']);
    t.push(['', '  stdout to /dev/null, against the pipe', ms(c.devnull.wallMs), `CPU ${ms(c.devnull.cpuMs)}`, `${ratio(c.devnull.wallMs / c.cli.wallMs)}, CPU ${ratio(c.devnull.cpuMs / c.cli.cpuMs)}`, `<= ${TARGETS.devnull}x`, verdict(c.devnull.cpuMs / c.cli.cpuMs <= TARGETS.devnull)]);
    // The terminal's wall time includes `script` and its pseudo-terminal: only its CPU time is judged.
    if (c.tty) t.push(['', '  stdout to a terminal, against the pipe', ms(c.tty.wallMs), `CPU ${ms(c.tty.cpuMs)}`, `CPU ${ratio(c.tty.cpuMs / c.cli.cpuMs)}`, `<= ${TARGETS.devnull}x`, verdict(c.tty.cpuMs / c.cli.cpuMs <= TARGETS.devnull)]);
    else notes.push('no terminal row: util-linux `script` is not installed (scripts/install-test-tools.sh)');
    if (c.hyperfine?.ratio) t.push(['', '  hyperfine medians (cross-check)', ms(c.hyperfine.cliMs), ms(c.hyperfine.bareMs), ratio(c.hyperfine.ratio), '', '']);
    else if (c.hyperfine?.error) notes.push(`hyperfine failed: ${c.hyperfine.error}`);
  }
  if (s.warm) {
    const w = s.warm;
    const mbps = (x) => rate(w.bytes / 1e6 / (x.ms / 1000), 'MB/s');
    t.push(['2', `warm lintText, ${w.files} domains (${mb(w.bytes)})`, `${mbps(w.lint)}, ${rate(w.files / (w.lint.ms / 1000), 'files/s')}`, `bare saxes: ${mbps(w.saxes)}`, ratio(w.vsSaxes), `>= ${TARGETS.warm}x`, verdict(w.vsSaxes >= TARGETS.warm)]);
    t.push(['', '', '', `parseXml: ${mbps(w.parseXml)}`, ratio(w.vsParseXml), `>= ${TARGETS.warm}x`, verdict(w.vsParseXml >= TARGETS.warm)]);
    t.push(['', '  the same, CPU time: lint / saxes / parseXml', `${ms(w.lint.cpuMs)} a pass`, `${ms(w.saxes.cpuMs)} / ${ms(w.parseXml.cpuMs)} a pass`, `${ratio(w.saxes.cpuMs / w.lint.cpuMs)}; ${ratio(w.parseXml.cpuMs / w.lint.cpuMs)}`, '', '']);
    t.push(['', '  parseXml vs bare saxes', '', '', ratio(w.saxes.ms / w.parseXml.ms), '', '']);
  }
  if (s.corpus) {
    const c = s.corpus;
    const base = c.xmllint ? `xmllint --noout, ${c.xmlFiles} XML (${mb(c.xmlBytes)}): ${ms(c.xmllint.wallMs)}` : 'xmllint not installed';
    t.push(['3', `CLI, whole corpus (${c.linted} files, ${mb(c.bytes)})`, ms(c.cli.wallMs), base, ratio(c.ratio), `<= ${TARGETS.corpus}x`, c.ratio === undefined ? '-' : verdict(c.ratio <= TARGETS.corpus)]);
    t.push(['', '  the same, CPU time (user+sys)', ms(c.cli.cpuMs), c.xmllint ? ms(c.xmllint.cpuMs) : '', c.xmllint ? ratio(c.cli.cpuMs / c.xmllint.cpuMs) : '', '', '']);
    t.push(['4', 'peak RSS, whole-corpus CLI', mbOf(c.cli.rssMb), s.cold ? `node -e 0: ${mbOf(s.cold.bare.rssMb)}` : '', '', `< ${TARGETS.rssMb} MB`, verdict(c.cli.rssMb < TARGETS.rssMb)]);
    if (s.cold) t.push(['', '  cold CLI, examples/desktop', mbOf(s.cold.cli.rssMb), '', '', '', '']);
    if (!c.xmllint) notes.push('xmllint is missing: scripts/install-test-tools.sh installs libxml2-utils');
  }
  if (s.scaling) {
    // Flatness is judged on CPU time per MB against the 1x row: wall time on a shared machine moves with other load.
    const series = (rowsOf, label, first) => {
      const base = rowsOf[0];
      rowsOf.forEach((r, i) => {
        const x = r.lint ?? r;
        const rel = x.cpuPerMb / (base.lint ?? base).cpuPerMb;
        const cells = x.timedOut ? [`stopped after ${ms(WARM_FILE_TIMEOUT_MS)}`, ''] : [`${ms(x.wallMs ?? x.ms)}; ${x.msPerMb.toFixed(0)} ms/MB, CPU ${x.cpuPerMb.toFixed(0)} ms/MB`, `peak RSS ${mbOf(x.rssMb)}`];
        const judged = i > 0;
        t.push([first && i === 0 ? '5' : '', label(r), ...cells, judged ? ratio(rel) : '', judged ? `<= ${TARGETS.flat}x` : i === 0 && first ? 'CPU ms/MB' : '', judged ? verdict(!x.timedOut && rel <= TARGETS.flat) : '']);
        if (r.parseXml) t.push(['', '  parseXml; bare saxes', `${r.parseXml.msPerMb.toFixed(0)} ms/MB; ${r.saxes.msPerMb.toFixed(0)} ms/MB`, `${mbOf(r.parseXml.rssMb)}; ${mbOf(r.saxes.rssMb)}`, '', '', '']);
      });
    };
    const sc = s.scaling;
    series(sc.cli, (r) => `CLI, whole corpus x${r.scale} (${mb(r.bytes)})`, true);
    series(sc.machine, (r) => `CLI, one machine, libvirt domains x${r.scale} (${mb(r.bytes)})`, false);
    series(sc.domain, (r) => `lintText, one domain of ${mb(r.bytes)}`, false);
    series(sc.comments, (r) => `lintText, ${mb(r.bytes)} domain, commented-out run`, false);
    const huge = sc.domain.at(-1);
    if (huge?.cli) notes.push(`the CLI on the ${mb(huge.bytes)} domain: exit ${huge.cli.exit}, "${huge.cli.message}"; lintText takes the text as given`);
  }
  if (s.oneMachine) {
    const o = s.oneMachine;
    const cpuFloor = o.cli.cpuMs / o.floor.cpuMs;
    t.push(['6', `CLI, corpus XML as one machine (${o.files} files, ${mb(o.bytes)})`, `${ms(o.cli.wallMs)}, CPU ${ms(o.cli.cpuMs)}`, `read + parseXml: ${ms(o.floor.wallMs)}, CPU ${ms(o.floor.cpuMs)}`, `CPU ${ratio(cpuFloor)}, wall ${ratio(o.cli.wallMs / o.floor.wallMs)}`, `CPU <= ${TARGETS.floor}x`, verdict(cpuFloor <= TARGETS.floor)]);
    if (o.xmllint) {
      const r = o.cli.cpuMs / o.xmllint.cpuMs;
      t.push(['', '  against xmllint --noout', '', `xmllint: ${ms(o.xmllint.wallMs)}, CPU ${ms(o.xmllint.cpuMs)}`, `CPU ${ratio(r)}, wall ${ratio(o.cli.wallMs / o.xmllint.wallMs)}`, `CPU <= ${TARGETS.xmllint}x`, verdict(r <= TARGETS.xmllint)]);
    }
    t.push(['', `  peak RSS, 10x the domains as one machine (${o.x10files} files)`, mbOf(o.x10.rssMb), `${ms(o.x10.wallMs)}, CPU ${ms(o.x10.cpuMs)}`, '', `<= ${TARGETS.rss10Mb} MB`, verdict(o.x10.rssMb <= TARGETS.rss10Mb)]);
    t.push(['', '  the same with one 1 MB domain added', mbOf(o.x10big.rssMb), '', '', '', '']);
    const [a, b] = o.linear;
    if (a && b) {
      const rel = b.cpuPerFileUs / a.cpuPerFileUs;
      t.push(['', `  CPU per file, ${a.n} / ${b.n} domains as one machine`, `${a.cpuPerFileUs.toFixed(0)} / ${b.cpuPerFileUs.toFixed(0)} µs`, `wall ${a.wallPerFileUs.toFixed(0)} / ${b.wallPerFileUs.toFixed(0)} µs; peak RSS ${mbOf(a.rssMb)} / ${mbOf(b.rssMb)}`, ratio(rel), `<= ${TARGETS.linear}x`, verdict(rel <= TARGETS.linear)]);
    }
  }
  if (s.lsp) {
    const l = s.lsp;
    // Judged on the server's CPU time per keystroke (the work), which the machine's load inflates far less than wall time.
    const work = (x) => x.changeCpuMs ?? x.changeMs;
    t.push(['7', `language server, ${mb(l.small.bytes)} domain: a keystroke re-linted`, `CPU ${ms(work(l.small))}`, `wall ${ms(l.small.changeMs)}; open: ${ms(l.small.openMs)}`, '', `CPU <= ${TARGETS.lsp10k} ms`, verdict(work(l.small) <= TARGETS.lsp10k)]);
    t.push(['', `language server, ${mb(l.large.bytes)} domain: a keystroke re-linted`, `CPU ${ms(work(l.large))}`, `wall ${ms(l.large.changeMs)}; open: ${ms(l.large.openMs)}`, '', `CPU <= ${TARGETS.lsp1m} ms`, verdict(work(l.large) <= TARGETS.lsp1m)]);
    notes.push(`language server rows: debounce ${LSP_DEBOUNCE_MS} ms in the bench, so all the time is work (an editor's change waits the server's default debounce of 200 ms first); each keystroke is an incremental change; CPU is the server's (all threads), wall is from didChange sent to diagnostics received; medians of ${l.small.samples.length}`);
  }
  const foot = ['times are medians (wall unless marked CPU); MB = 10^6 bytes; RSS is the largest peak seen over the runs.', ...notes.map((n) => `note: ${n}`)];
  process.stdout.write(`${head.join('\n')}\n\n${table(t)}\n\n${foot.join('\n')}\n`);
}

// ---------------------------------------------------------------- helpers

function parseFlags(argv) {
  const out = { quick: false, keep: false, only: undefined, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') out.quick = true;
    else if (a === '--keep') out.keep = true;
    else if (a === '--only') out.only = new Set(String(argv[++i] ?? '').split(',').map(Number));
    else if (a === '--json') out.json = argv[++i];
    else {
      process.stderr.write(`bench: unknown option ${a} (options: --quick, --only 1,2,3,4,5,6,7, --json FILE, --keep)\n`);
      process.exit(2);
    }
  }
  return out;
}

function want(n) {
  return !flags.only || flags.only.has(n);
}

function checkBuilt() {
  const bundle = join(ROOT, 'dist', 'cli.cjs');
  if (!existsSync(bundle) || !existsSync(join(ROOT, 'dist', 'index.js'))) {
    process.stderr.write('bench: dist/ is not built; run `node scripts/build.mjs` first (npm run bench does)\n');
    process.exit(2);
  }
  if (!existsSync(join(CORPUS, 'MANIFEST.tsv'))) {
    process.stderr.write(`bench: the shared corpus is not at ${CORPUS}\n`);
    process.exit(2);
  }
  const stale = execFileSync('find', [join(ROOT, 'src'), '-newer', bundle, '-name', '*.ts'], { encoding: 'utf8' }).trim();
  if (stale) progress(`warning: sources changed after dist/ was built (${stale.split('\n')[0]}...): rebuild for numbers that match them`);
}

function hasTool(name) {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

function machineInfo() {
  const cpus = os.cpus();
  const version = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return r.status === 0 ? `${r.stdout}${r.stderr}`.trim().split('\n')[0] : undefined;
  };
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    xmllint: version('xmllint', ['--version'])?.replace(/^xmllint: using /, ''),
    hyperfine: version('hyperfine', ['--version']),
  };
}

function q(s) {
  return /[\s'"]/.test(s) ? `'${s.replace(/'/g, "'\\''")}'` : s;
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
