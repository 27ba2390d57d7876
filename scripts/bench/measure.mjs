// Running commands side by side: each round runs every command once, in turn, so
// that a change in machine load hits all of them alike; results are medians.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUSAGE = fileURLToPath(new URL('./rusage.cjs', import.meta.url));

/** The environment every timed command gets: a user's machine does not set NODE_EXTRA_CA_CERTS (it costs node ~20 ms). */
export function cleanEnv() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * A command to time. `node: true` runs `process.execPath` with the rusage preload, so its
 * CPU time and peak RSS are known; other commands report wall time only.
 */
export function nodeCommand(label, args, options = {}) {
  return { label, file: process.execPath, args: ['-r', RUSAGE, ...args], node: true, ...options };
}

/**
 * `nodeCommand` with standard output on a terminal: util-linux `script` runs it on a pseudo-terminal
 * 120 columns wide (so a reporter that wraps to the width does). The rusage pipe (fd 3) passes through
 * `script` and the shell, so the CPU time and peak RSS are the node process's own, as for the others.
 */
export function terminalCommand(label, args, options = {}) {
  const quote = (s) => `'${String(s).replaceAll("'", "'\\''")}'`;
  const line = `stty cols 120 rows 40 2>/dev/null; exec ${[process.execPath, '-r', RUSAGE, ...args].map(quote).join(' ')}`;
  return { label, file: 'script', args: ['-qec', line, '/dev/null'], node: true, ...options };
}

/**
 * A command that is not Node, with its CPU time: run by bash, whose `times` prints the children's
 * user and system time after it (a few ms of bash start-up go into the wall time only).
 */
export function plainCommandWithCpu(label, file, args, options = {}) {
  return { label, file: 'bash', args: ['-c', `"$@" >/dev/null 2>&1; code=$?; times >&2; exit $code`, 'bash', file, ...args], node: false, cpuFromTimes: true, ...options };
}

/** Run once; returns wall ms, and for node commands CPU ms (user + sys) and peak RSS in MB. */
export function runOnce(cmd, env = cleanEnv()) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd.file, cmd.args, {
    cwd: cmd.cwd,
    env,
    // Output goes to a pipe, as in CI, a pre-commit hook or an editor (hyperfine --output=pipe does the same).
    // `stdout: 'devnull'` sends it to /dev/null instead (a character device, as a terminal is).
    stdio: ['ignore', cmd.stdout === 'devnull' ? 'ignore' : 'pipe', 'pipe', cmd.node ? 'pipe' : 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw new Error(`${cmd.label}: ${r.error.message}`);
  const okCodes = cmd.okCodes ?? [0];
  if (!okCodes.includes(r.status)) {
    const err = r.stderr.toString().trim().split('\n').slice(0, 3).join(' | ');
    throw new Error(`${cmd.label}: exit ${r.status ?? r.signal}${err ? `: ${err}` : ''}`);
  }
  const out = { wallMs };
  if (cmd.cpuFromTimes) {
    // `times`: the shell's user and system time, then its children's, as `0m0.123s 0m0.004s`.
    const child = r.stderr.toString().trim().split('\n').pop().split(/\s+/).map((t) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(t);
      return m ? Number(m[1]) * 60000 + Number(m[2]) * 1000 : NaN;
    });
    out.cpuMs = child[0] + child[1];
  }
  if (cmd.node) {
    const line = r.output[3]?.toString().trim().split('\n').pop();
    if (line) {
      const u = JSON.parse(line);
      out.cpuMs = (u.userUs + u.sysUs) / 1000;
      out.rssMb = u.maxRssKb / 1024;
    }
  }
  return out;
}

/**
 * Time commands side by side: `warmup` untimed rounds, then `runs` rounds, each
 * running every command once (the order alternates, so no command always runs
 * right after another). Returns per command the samples and their medians.
 */
export function compare(commands, { runs, warmup = 2, env = cleanEnv(), onRound } = {}) {
  const samples = commands.map(() => []);
  for (let i = 0; i < warmup; i++) for (const c of commands) runOnce(c, env);
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? commands.map((_, j) => j) : commands.map((_, j) => commands.length - 1 - j);
    for (const j of order) samples[j].push(runOnce(commands[j], env));
    onRound?.(i + 1, runs);
  }
  return commands.map((c, j) => summarize(c.label, samples[j]));
}

export function summarize(label, samples) {
  const pick = (key) => samples.map((s) => s[key]).filter((v) => v !== undefined);
  const cpu = pick('cpuMs');
  const rss = pick('rssMb');
  return {
    label,
    runs: samples.length,
    wallMs: median(pick('wallMs')),
    wallMinMs: Math.min(...pick('wallMs')),
    wallSpread: spread(pick('wallMs')),
    cpuMs: cpu.length ? median(cpu) : undefined,
    rssMb: rss.length ? Math.max(...rss) : undefined,
  };
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Interquartile range over median: how much to trust a median. */
export function spread(values) {
  const s = [...values].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return s.length < 4 ? NaN : (q(0.75) - q(0.25)) / median(s);
}
