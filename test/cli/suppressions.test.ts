import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { findings, fixture, tempCopy, type JsonResult } from './fixtures.js';

const dir = fixture('suppressions');
const json = (stdout: string) => JSON.parse(stdout) as JsonResult[];

/** Remove every line that holds a vfio-lint directive, in every file of a tree. */
function stripDirectives(root: string): void {
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else writeFileSync(p, readFileSync(p, 'utf8').replace(/^.*vfio-lint-(disable|enable).*\n/gm, ''));
    }
  };
  walk(root);
}

describe('inline suppressions', () => {
  it('each form silences its finding; a directive that silenced nothing is reported where it is', () => {
    const r = runCli(['--format', 'json', '.'], { cwd: dir });
    const results = json(r.stdout);
    expect(results.map((x) => x.filePath.slice(dir.length + 1)).sort()).toEqual([
      'block.xml',
      'etc/default/grub',
      'etc/modprobe.d/vfio.conf',
      'etc/sysctl.d/hugepages.conf',
      'next-element.xml',
      'next-line.xml',
      'not-silenced.xml',
      'whole-file.xml',
    ]);
    expect(findings(results, dir).sort()).toEqual([
      // `# vfio-lint-disable-next-line hugepages-without-backing -- stale: ...` above a line with nothing to silence.
      'etc/sysctl.d/hugepages.conf:3:1 unused-suppression warning',
      // `<!-- vfio-lint-disable-next-line missing-topoext -->` above the memballoon: the wrong rule, so both are reported.
      'not-silenced.xml:14:5 unused-suppression warning',
      'not-silenced.xml:15:17 memballoon-present warning',
    ]);
    expect(r.code).toBe(0);
  });

  it('without the directives, every silenced finding is there (so the test above proves something)', () => {
    const copy = tempCopy('suppressions');
    stripDirectives(copy);
    const r = runCli(['--format', 'json', '.'], { cwd: copy });
    expect(findings(json(r.stdout), copy).sort()).toEqual([
      'block.xml:14:17 memballoon-present warning',
      'etc/modprobe.d/vfio.conf:1:22 nvidia-not-blacklisted error',
      'etc/modprobe.d/vfio.conf:1:22 nvidia-not-blacklisted warning',
      'etc/sysctl.d/hugepages.conf:1:19 hugepages-without-backing warning',
      'next-element.xml:14:17 memballoon-present warning',
      'next-line.xml:14:17 memballoon-present warning',
      'not-silenced.xml:14:17 memballoon-present warning',
      'whole-file.xml:14:17 memballoon-present warning',
    ]);
    expect(r.code).toBe(1);
  });

  it('the message of an unused directive names the rule it did not silence', () => {
    const r = runCli(['not-silenced.xml'], { cwd: dir });
    expect(r.stdout).toContain('14:5   warning  This vfio-lint-disable-next-line directive did not silence a finding of missing-topoext; remove it');
  });

  it('a directive naming a rule that does not exist is reported as such', () => {
    const copy = tempCopy('suppressions');
    const file = join(copy, 'next-line.xml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('disable-next-line memballoon-present', 'disable-next-line memballoon-present, no-such-rule'));
    const r = runCli(['--format', 'json', 'next-line.xml'], { cwd: copy });
    const [result] = json(r.stdout);
    expect(result!.messages.map((m) => [m.ruleId, m.line, m.message])).toEqual([
      ['unused-suppression', 14, 'This vfio-lint-disable-next-line directive did not silence anything: there is no rule named no-such-rule; remove it'],
    ]);
  });

  it('a directive for a rule that did not run (off, or skipped for a missing input) is not called unused', () => {
    const off = runCli(['--format', 'json', '--rule', 'hugepages-without-backing:off', 'etc'], { cwd: dir });
    expect(findings(json(off.stdout), dir)).toEqual([]);
    // Alone, vfio.conf's block still silences; the grub line is not needed for that.
    const alone = runCli(['--format', 'json', 'etc/modprobe.d/vfio.conf'], { cwd: dir });
    expect(findings(json(alone.stdout), dir)).toEqual([]);
  });

  it('unused-suppression is a rule like any other: --rule unused-suppression:off hides those findings, :error fails the run', () => {
    const off = runCli(['--format', 'json', '--rule', 'unused-suppression:off', '.'], { cwd: dir });
    expect(findings(json(off.stdout), dir)).toEqual(['not-silenced.xml:15:17 memballoon-present warning']);
    const error = runCli(['--rule', 'unused-suppression:error', '.'], { cwd: dir });
    expect(error.code).toBe(1);
  });
});
