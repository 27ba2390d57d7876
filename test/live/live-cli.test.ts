import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURE_NAMES, fixtureRoot } from '../helpers/snapshot-fixtures.js';

interface JsonResult {
  filePath: string;
  messages: Array<{ ruleId: string | null; message: string; line: number; column: number; severity: number }>;
}

/** Findings with each file shown by its path on the host (the part after `base`), so a snapshot and the tree it was taken from compare. */
function findings(stdout: string, base: string): string[] {
  const results = JSON.parse(stdout) as JsonResult[];
  return results
    .flatMap((r) => r.messages.map((m) => `${r.filePath.startsWith(base) ? r.filePath.slice(base.length) : r.filePath}:${m.line}:${m.column} ${m.ruleId} ${m.message}`))
    .sort();
}

describe('vfio-lint --live on the machine the tests run on', () => {
  it('finishes, says what it read and what it could not, and never crashes', () => {
    // No GPU here, and maybe no /lib/modules or virsh: every such gap is a line, not a failure.
    const r = runCli(['--live', '--format', 'json'], { timeout: 120_000 });
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
    expect(r.stderr).not.toMatch(/internal error|at .*\.cjs:\d+/);
    const read = /--live \(\/\) read: (.*)/.exec(r.stderr)?.[1]?.split(', ') ?? [];
    // Every Linux host the tests run on has these.
    expect(read).toEqual(expect.arrayContaining(['kernel-release', 'cmdline', 'cpu']));
    for (const line of r.stderr.split('\n').filter((l) => l.includes('could not read'))) {
      expect(line).toMatch(/could not read [\w.-]+ \(.+\): (missing|permission|tool-absent|timeout|too-large|failed): \S/);
    }
    // The JSON report is whole: /proc/cmdline (read as a file) is among its results.
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(results.map((x) => x.filePath)).toContain('/proc/cmdline');
  });

});

describe('vfio-lint SNAPSHOT gives the findings --live gave on that host', () => {
  for (const name of FIXTURE_NAMES) {
    it(name, () => {
      const root = fixtureRoot(name);
      const live = runCli(['--live', '--root', root, '--no-config', '--format', 'json']);
      expect(live.code === 0 || live.code === 1, live.stderr).toBe(true);
      const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-eq-')), 'snap');
      const snap = runCli(['snapshot', dir, '--root', root]);
      expect(snap.code, snap.stderr).toBe(0);
      const linted = runCli([dir, '--no-config', '--format', 'json']);
      expect(linted.code, linted.stderr).toBe(live.code);
      const a = findings(live.stdout, root);
      const b = findings(linted.stdout, dir);
      expect(b).toEqual(a);
      // Both said the same about what was read.
      const summary = (s: string) => s.split('\n').filter((l) => l.includes(' read')).map((l) => l.replace(/^vfio-lint: (--live \(.*?\)|snapshot \S+) /, ''));
      expect(summary(linted.stderr)).toEqual(summary(live.stderr));
      expect(JSON.parse(readFileSync(join(dir, 'vfio-lint-snapshot.json'), 'utf8')).format).toBe('vfio-lint-snapshot');
    });
  }

  it('a file the host has but discovery cannot use (a dangling link in /etc) is the same problem in both', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'vfio-lint-eq-')), 'host');
    cpSync(fixtureRoot(FIXTURE_NAMES[0]!), root, { recursive: true, verbatimSymlinks: true });
    // Debian's kmod links modules-load.d/modules.conf to /etc/modules; here /etc/modules was removed.
    mkdirSync(join(root, 'etc/modules-load.d'), { recursive: true });
    symlinkSync('../modules', join(root, 'etc/modules-load.d/modules.conf'));
    const live = runCli(['--live', '--root', root, '--no-config', '--format', 'json']);
    const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-eq-')), 'snap');
    expect(runCli(['snapshot', dir, '--root', root]).code).toBe(0);
    const linted = runCli([dir, '--no-config', '--format', 'json']);
    const a = findings(live.stdout, root);
    expect(a.some((f) => f.startsWith('/etc/modules-load.d/modules.conf:') && f.includes('dangling symbolic link'))).toBe(true);
    expect(findings(linted.stdout, dir)).toEqual(a);
    expect(linted.code).toBe(live.code);
  });
});
