import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { splitLines } from '../../src/reporters/diff.js';

export type Tool = 'patch' | 'git';

/** The tools on this machine: GNU patch is the Debian package `patch`, which a minimal image may lack. */
export const TOOLS: readonly Tool[] = (['patch', 'git'] as const).filter((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);

/**
 * Apply `diff` to a temporary copy of `before` (at `path`; absent when `before`
 * is undefined) with the real GNU patch (`patch -p1`) or `git apply`, and return
 * the file's text afterwards, or the tool's complaint.
 */
export function applyWith(tool: Tool, path: string, before: string | undefined, diff: string): { ok: true; text: string } | { ok: false; error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-diff-'));
  try {
    const file = join(dir, path);
    if (before !== undefined) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, before);
    }
    const patchFile = join(dir, '..', `${dir.split('/').pop()}.patch`);
    writeFileSync(patchFile, diff);
    try {
      const run =
        tool === 'patch'
          ? spawnSync('patch', ['-p1', '--batch', '--no-backup-if-mismatch', '-s', '-i', patchFile], { cwd: dir, encoding: 'utf8' })
          : spawnSync('git', ['apply', '--unidiff-zero', '--whitespace=nowarn', patchFile], {
              cwd: dir,
              encoding: 'utf8',
              env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: dirname(dir) },
            });
      if (run.status !== 0) return { ok: false, error: `${tool} exited ${run.status}: ${run.stdout}${run.stderr}` };
      if (!existsSync(file)) return { ok: false, error: `${tool} left no ${path}` };
      return { ok: true, text: readFileSync(file, 'utf8') };
    } finally {
      rmSync(patchFile, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A strict applier for the tests: every context and removed line must match. */
export function applyInJs(before: string, diff: string): string {
  if (diff === '') return before;
  const a = splitLines(before);
  const out: string[] = [];
  const lines = diff.split('\n');
  lines.pop();
  let at = 0; // next unread line of `a`
  let i = 2;
  let last: { arr: string[]; idx: number } | undefined;
  while (i < lines.length) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!);
    if (!m) throw new Error(`bad hunk header ${lines[i]}`);
    const aStart = Number(m[1]);
    const aCount = m[2] === undefined ? 1 : Number(m[2]);
    const from = aCount === 0 ? aStart : aStart - 1;
    while (at < from) out.push(a[at++]!);
    i++;
    while (i < lines.length && !lines[i]!.startsWith('@@')) {
      const l = lines[i]!;
      if (l === '\\ No newline at end of file') {
        if (!last) throw new Error('marker without a line');
        last.arr[last.idx] = last.arr[last.idx]!.slice(0, -1);
        last = undefined;
        i++;
        continue;
      }
      const body = `${l.slice(1)}\n`;
      if (l[0] === ' ' || l[0] === '-') {
        const want = a[at];
        // Compare after the marker (if any) is applied to this line.
        const nextIsMarker = lines[i + 1] === '\\ No newline at end of file';
        const got = nextIsMarker ? body.slice(0, -1) : body;
        if (want !== got) throw new Error(`mismatch at old line ${at + 1}: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`);
        at++;
        if (l[0] === ' ') {
          out.push(body);
          last = { arr: out, idx: out.length - 1 };
        } else {
          last = { arr: [body], idx: 0 }; // a removed line: its marker changes nothing kept
        }
      } else if (l[0] === '+') {
        out.push(body);
        last = { arr: out, idx: out.length - 1 };
      } else {
        throw new Error(`bad line ${JSON.stringify(l)}`);
      }
      i++;
    }
  }
  while (at < a.length) out.push(a[at++]!);
  return out.join('');
}
