// In-process throughput, run in a child process of its own:
//   node scripts/bench/warm.mjs SPEC.json
// spec: { files: [abs paths], parseXml: path of a bundle exporting parseXml, library: path of
//         dist/index.js, workloads: ['saxes', 'parseXml', 'lint'], rounds, warmup,
//         warmupFiles: the files of the warm-up rounds (default: files) }
// Prints one JSON line: per workload the median wall and CPU ms of a pass over all files,
// the bytes and the file count. Workloads alternate round by round, so they share the same machine load.
// No forced gc() between passes: one before each pass made every workload 2-3x slower
// than in a process that just keeps working, which is what an editor's server does.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(pathToFileURL(spec.library));
const { SaxesParser } = require('saxes');
const { parseXml } = await import(pathToFileURL(spec.parseXml).href);
const { lintText } = await import(pathToFileURL(spec.library).href);

const load = (files) =>
  files.map((abs) => {
    const buf = readFileSync(abs);
    const text = buf.toString('utf8');
    return { abs, bytes: buf.length, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  });
const timed = load(spec.files);
// A smaller warm-up input compiles the same code without a second huge tree in memory.
const warmupInputs = spec.warmupFiles ? load(spec.warmupFiles) : timed;
const bytes = timed.reduce((n, i) => n + i.bytes, 0);

// Each pass returns something derived from its work, so nothing can be optimised away.
const passes = {
  saxes(inputs) {
    let n = 0;
    for (const { text } of inputs) {
      const parser = new SaxesParser();
      try {
        parser.write(text).close();
      } catch {
        n++; // saxes with no error handler throws at the first error
      }
    }
    return n;
  },
  parseXml(inputs) {
    let n = 0;
    for (const { text } of inputs) n += parseXml(text).problems.length;
    return n;
  },
  async lint(inputs) {
    let n = 0;
    for (const { abs, text } of inputs) {
      const report = await lintText(text, { filePath: abs, config: false });
      for (const r of report.results) n += r.messages.length;
    }
    return n;
  },
};

const workloads = spec.workloads ?? Object.keys(passes);
const times = Object.fromEntries(workloads.map((w) => [w, []]));
const cpuTimes = Object.fromEntries(workloads.map((w) => [w, []]));
const checks = {};
for (let round = -(spec.warmup ?? 1); round < (spec.rounds ?? 5); round++) {
  for (const w of round % 2 === 0 ? workloads : [...workloads].reverse()) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    checks[w] = await passes[w](round < 0 ? warmupInputs : timed);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    if (round >= 0) {
      times[w].push(ms);
      cpuTimes[w].push((c.user + c.system) / 1000);
    }
  }
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const result = { bytes, files: timed.length, rssMb: process.resourceUsage().maxRSS / 1024, workloads: {} };
for (const w of workloads) result.workloads[w] = { ms: median(times[w]), cpuMs: median(cpuTimes[w]), samples: times[w], check: checks[w] };
process.stdout.write(`${JSON.stringify(result)}\n`);
