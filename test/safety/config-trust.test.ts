import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { expectNoCrash, useTempDirs, HOSTDEV, vm } from './helpers.js';

const tempDir = useTempDirs('trust');

describe('decided: a security rule that is off says which configuration turned it off', () => {
  it('a config in a parent folder turning off noiommu-mode-enabled: the run names the config on stderr', () => {
    const base = tempDir();
    writeFileSync(join(base, 'vfio-lint.config.json'), JSON.stringify({ rules: { 'noiommu-mode-enabled': 'off' }, overrides: [{ files: ['**/lab/*.conf'], rules: { 'unsafe-interrupts-enabled': 'off' } }] }));
    const work = join(base, 'project', 'etc', 'modprobe.d');
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'vfio.conf'), 'options vfio enable_unsafe_noiommu_mode=1\n');
    const r = runCli([join(base, 'project')], { cwd: join(base, 'project') });
    expectNoCrash(r);
    expect(r.stderr).toContain(`vfio-lint: security rule noiommu-mode-enabled is off (turned off by the config file ${join(base, 'vfio-lint.config.json')})`);
    expect(r.stderr).toContain(`vfio-lint: security rule unsafe-interrupts-enabled is off for files matching **/lab/*.conf (overrides[0] in the config file ${join(base, 'vfio-lint.config.json')})`);
  });

  it('turned off with --rule: said too; nothing is said when every security rule is on', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'vm.xml'), vm('a'));
    const off = runCli(['--no-config', '--rule', 'noiommu-mode-enabled:off', 'vm.xml'], { cwd: dir });
    expect(off.stderr).toContain('vfio-lint: security rule noiommu-mode-enabled is off (turned off by --rule on the command line)');
    const on = runCli(['--no-config', 'vm.xml'], { cwd: dir });
    expect(on.stderr).not.toContain('security rule');
  });
});

describe('decided: --fix with no paths writes only inside the config file\'s directory', () => {
  it('a config whose machines name a file outside its directory: --fix refuses before writing anything; named on the command line it is fixed', () => {
    const base = tempDir();
    const outside = join(base, 'elsewhere', 'vm.xml');
    mkdirSync(join(base, 'elsewhere'), { recursive: true });
    writeFileSync(outside, vm('out'));
    const project = join(base, 'project');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'inside.xml'), vm('in'));
    writeFileSync(join(project, 'vfio-lint.config.json'), JSON.stringify({ machines: [{ name: 'desk', domains: ['inside.xml', '../elsewhere/vm.xml'] }] }));
    const r = runCli(['--fix'], { cwd: project });
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`vfio-lint: --fix with no paths fixes only files inside the config file's directory (${project}); the config's machines[0] (desk) names ${outside}, outside it: name the files to fix on the command line`);
    expect(readFileSync(outside, 'utf8')).toBe(vm('out'));
    expect(readFileSync(join(project, 'inside.xml'), 'utf8')).toBe(vm('in'));
    // A dry run writes nothing, so it may look; naming the file is the explicit consent.
    expect(runCli(['--fix-dry-run'], { cwd: project }).stdout).toContain('elsewhere/vm.xml');
    runCli(['--fix', outside], { cwd: project });
    expect(readFileSync(outside, 'utf8')).toContain("model='none'");
  });
});
