import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, expect } from 'vitest';
import { BIN, runCli, type CliRun } from '../helpers/cli.js';

/** Write `content` at `rel` under `root`, making the directories; returns the path. */
export function put(root: string, rel: string, content: string): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** A passed-through PCI device, and a domain with it and a virtio balloon (one memballoon-present finding). */
export const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";
export const vm = (name: string) => `<domain type='kvm'>\n<name>${name}</name>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`;

/** A fresh temporary directory, removed when the test file ends. Never under /work/shared. */
export function useTempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), `vfio-lint-${prefix}-`));
    made.push(d);
    return d;
  };
}

export interface JsonMessage {
  ruleId: string | null;
  fatal?: boolean;
  severity: number;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}
export interface JsonResult {
  filePath: string;
  messages: JsonMessage[];
  kind: string | null;
}

/** Run the CLI with `--format json` (and `--no-config` unless a `--config` is given); parse stdout when there is any. */
export function runJson(args: readonly string[], options: { cwd?: string; timeout?: number } = {}): CliRun & { results: JsonResult[] } {
  const r = runCli(['--format', 'json', ...(args.includes('--config') ? [] : ['--no-config']), ...args], options);
  return { ...r, results: r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as JsonResult[]) };
}

/** No stack trace, no "internal error": what a user sees for bad input is a message, never a crash. */
export function expectNoCrash(r: CliRun): void {
  const out = r.stdout + r.stderr;
  expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(out).not.toMatch(/internal error|internal parser error|TypeError|RangeError|ReferenceError|Maximum call stack/);
  expect(r.code, `exit code (stderr: ${r.stderr})`).not.toBeNull();
}

/** The fatal findings of a JSON run, per file relative to `base`, as `[line, column, message]`. */
export function fatalsOf(results: readonly JsonResult[], base: string): Record<string, Array<[number, number, string]>> {
  const out: Record<string, Array<[number, number, string]>> = {};
  for (const r of results) {
    const f = r.messages.filter((m) => m.fatal);
    if (f.length > 0) out[relative(base, r.filePath)] = f.map((m) => [m.line, m.column, m.message]);
  }
  return out;
}

/** Every file under `dir` (not following symlinks) with its bytes, mode, owner and inode: to prove nothing else changed. */
export function snapshot(dir: string): Map<string, { bytes: string; mode: number; uid: number; ino: number; link?: string }> {
  const out = new Map<string, { bytes: string; mode: number; uid: number; ino: number; link?: string }>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) out.set(rel, { bytes: '', mode: st.mode, uid: st.uid, ino: st.ino, link: readlinkSync(p) });
      else if (st.isFile()) out.set(rel, { bytes: readFileSync(p).toString('base64'), mode: st.mode, uid: st.uid, ino: st.ino });
      else out.set(rel, { bytes: '', mode: st.mode, uid: st.uid, ino: st.ino });
    }
  };
  walk(dir);
  return out;
}

/**
 * How to run the CLI as an unprivileged user when the tests run as root (root
 * reads any file, so EACCES cannot happen to it). Returns the command prefix, or
 * the reason it cannot be done.
 */
export function asNobody(dirs: readonly string[]): { prefix: string[] } | { skip: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  for (const d of dirs) chmodSync(d, 0o755);
  const candidates: string[][] = [
    ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    ['runuser', '-u', 'nobody', '--'],
  ];
  let why = '';
  for (const prefix of candidates) {
    const probe = spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, BIN, '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return { prefix };
    why ||= (probe.error?.message ?? probe.stderr.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  }
  return { skip: `running as root, and neither setpriv nor runuser can run the CLI as nobody (is the checkout readable by others?): ${why}` };
}

/** Run the CLI behind a command prefix such as setpriv. */
export function runCliAs(prefix: readonly string[], args: readonly string[], cwd: string): CliRun {
  const [cmd, ...rest] = prefix.length > 0 ? prefix : [process.execPath];
  const argv = prefix.length > 0 ? [...rest, process.execPath, BIN, ...args] : [BIN, ...args];
  const r = spawnSync(cmd!, argv, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI without waiting: for killing it part-way. */
export function spawnCli(args: readonly string[], cwd: string) {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
}
