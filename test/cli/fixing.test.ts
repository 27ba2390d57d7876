import { describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { applyWith, TOOLS } from '../reporters/apply-patch.js';
import { fixture, tempCopy, type JsonResult } from './fixtures.js';

const VM = 'etc/libvirt/qemu/win11.xml';
const MODPROBE = 'etc/modprobe.d/vfio.conf';
const read = (dir: string, rel: string) => readFileSync(join(dir, rel), 'utf8');
/** Every file of a tree with its text, to prove a run wrote nothing (or only what it should). */
const snapshot = (dir: string): Record<string, string> => {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
};

const originalVm = read(fixture('tree'), VM);
const fixedVm = originalVm.replace("    <memballoon model='virtio'>\n      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>\n    </memballoon>\n", "    <memballoon model='none'/>\n");
const originalModprobe = read(fixture('tree'), MODPROBE);
const suggestedModprobe = `${originalModprobe}softdep nouveau pre: vfio-pci\nsoftdep nvidia pre: vfio-pci\n`;

const SAFE_DIFF = `--- a/etc/libvirt/qemu/win11.xml
+++ b/etc/libvirt/qemu/win11.xml
@@ -11,8 +11,6 @@
         <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
       </source>
     </hostdev>
-    <memballoon model='virtio'>
-      <address type='pci' domain='0x0000' bus='0x04' slot='0x00' function='0x0'/>
-    </memballoon>
+    <memballoon model='none'/>
   </devices>
 </domain>
`;

describe('--fix-dry-run', () => {
  it('prints a unified diff of every safe fix and writes nothing; exit 1 because an error remains, and says so', () => {
    const dir = tempCopy('tree');
    const before = snapshot(dir);
    const r = runCli(['--fix-dry-run', '.'], { cwd: dir });
    expect(r.stdout).toBe(SAFE_DIFF);
    expect(r.stderr).toBe('vfio-lint: 1 error and 1 warning would remain after these fixes (run without --fix-dry-run to see them)\n');
    expect(r.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('with --fix-suggestions, the suggestions too', () => {
    const dir = tempCopy('tree');
    const r = runCli(['--fix-dry-run', '--fix-suggestions', '.'], { cwd: dir });
    expect(r.stdout).toBe(
      `--- a/etc/modprobe.d/vfio.conf
+++ b/etc/modprobe.d/vfio.conf
@@ -1,3 +1,5 @@
 # The RTX 4090 and its audio function go to vfio-pci; the audio function before snd_hda_intel.
 options vfio-pci ids=10de:2684,10de:22ba
 softdep snd_hda_intel pre: vfio-pci
+softdep nouveau pre: vfio-pci
+softdep nvidia pre: vfio-pci
${SAFE_DIFF}`,
    );
    // Nothing would remain.
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  it.skipIf(TOOLS.length === 0)('the diff applies with patch -p1 / git apply and gives what --fix writes', () => {
    const dry = runCli(['--fix-dry-run', '--fix-suggestions', '.'], { cwd: fixture('tree') });
    const vmDiff = dry.stdout.slice(dry.stdout.indexOf('--- a/etc/libvirt'));
    const modprobeDiff = dry.stdout.slice(0, dry.stdout.indexOf('--- a/etc/libvirt'));
    for (const tool of TOOLS) {
      expect(applyWith(tool, VM, originalVm, vmDiff)).toEqual({ ok: true, text: fixedVm });
      expect(applyWith(tool, MODPROBE, originalModprobe, modprobeDiff)).toEqual({ ok: true, text: suggestedModprobe });
    }
  });

  it('with --format, prints that report instead: the remaining findings and each fixed file as `output`', () => {
    const dir = tempCopy('tree');
    const before = snapshot(dir);
    const r = runCli(['--fix-dry-run', '--format', 'json', '.'], { cwd: dir });
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(results.map((x) => [x.filePath.slice(dir.length + 1), x.output !== undefined, x.messages.map((m) => m.ruleId)])).toEqual([
      ['etc/default/grub', false, []],
      [MODPROBE, false, ['nvidia-not-blacklisted', 'nvidia-not-blacklisted']],
      [VM, true, []],
    ]);
    expect(results[2]!.output).toBe(fixedVm);
    expect(r.code).toBe(1);
    expect(snapshot(dir)).toEqual(before);
  });

  it('nothing to fix: no diff, exit 0', () => {
    const r = runCli(['--fix-dry-run', '.'], { cwd: fixture('clean') });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
  });
});

describe('--fix', () => {
  it('writes the safe fixes, reports what remains, and says that libvirt needs `virsh define`', () => {
    const dir = tempCopy('tree');
    const r = runCli(['--fix', '.'], { cwd: dir });
    expect(read(dir, VM)).toBe(fixedVm);
    expect(read(dir, MODPROBE)).toBe(originalModprobe);
    expect(r.stderr).toBe(
      `note: ${VM} is libvirt's own copy; libvirt reads it only when it starts: run \`virsh define ${VM}\` for the change to take effect\n`,
    );
    // What remains: the error and warning in vfio.conf, nothing in the fixed domain.
    expect(r.stdout).toContain('\netc/modprobe.d/vfio.conf\n');
    expect(r.stdout).not.toContain('win11.xml');
    expect(r.stdout).toContain('\u2716 2 problems (1 error, 1 warning)\n');
    expect(r.code).toBe(1);
  });

  it('a second run changes nothing and has no note', () => {
    const dir = tempCopy('tree');
    runCli(['--fix', '.'], { cwd: dir });
    const after = snapshot(dir);
    const mtime = statSync(join(dir, VM)).mtimeMs;
    const again = runCli(['--fix', '.'], { cwd: dir });
    expect(snapshot(dir)).toEqual(after);
    expect(statSync(join(dir, VM)).mtimeMs).toBe(mtime);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(1);
  });

  it('the note names the file as given, also from elsewhere (absolute path)', () => {
    const dir = tempCopy('tree');
    const r = runCli(['--fix', dir], { cwd: fixture() });
    expect(r.stderr).toContain(`run \`virsh define ${join(dir, VM)}\``);
  });

  it('--fix-suggestions applies suggestions too; module configuration changes say to rebuild the initramfs', () => {
    const dir = tempCopy('tree');
    const r = runCli(['--fix', '--fix-suggestions', '.'], { cwd: dir });
    expect(read(dir, VM)).toBe(fixedVm);
    expect(read(dir, MODPROBE)).toBe(suggestedModprobe);
    expect(r.stderr.split('\n')).toEqual([
      `note: ${VM} is libvirt's own copy; libvirt reads it only when it starts: run \`virsh define ${VM}\` for the change to take effect`,
      'note: module configuration changed: regenerate the initramfs (`mkinitcpio -P`, `dracut -f --regenerate-all` or `update-initramfs -u -k all`), then reboot',
      '',
    ]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    // Fixed for good: a plain run now finds nothing.
    expect(runCli(['.'], { cwd: dir })).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('a domain outside libvirt\'s directory: the note says to load it with virsh define', () => {
    const dir = tempCopy('domains');
    const r = runCli(['--fix', 'work.xml'], { cwd: dir });
    expect(r.stderr).toBe('note: work.xml changed; load it into libvirt with `virsh define work.xml`\n');
    expect(read(dir, 'work.xml')).toContain("<memballoon model='none'/>");
    expect(r.code).toBe(0);
  });

  it('a path the shell would split is quoted in the note', () => {
    const dir = tempCopy('domains');
    copyFileSync(join(dir, 'work.xml'), join(dir, "Bob's VM.xml"));
    const r = runCli(['--fix', "Bob's VM.xml"], { cwd: dir });
    expect(r.stderr).toBe(`note: Bob's VM.xml changed; load it into libvirt with \`virsh define 'Bob'\\''s VM.xml'\`\n`);
  });

  it("keeps the file's permissions", () => {
    const dir = tempCopy('tree');
    chmodSync(join(dir, VM), 0o600);
    runCli(['--fix', '.'], { cwd: dir });
    expect(statSync(join(dir, VM)).mode & 0o777).toBe(0o600);
    // Written by rename over the original: no temporary file is left beside it.
    expect(readdirSync(join(dir, 'etc/libvirt/qemu'))).toEqual(['win11.xml']);
  });

  it('--fix with --format json: the fixed text is in `output`', () => {
    const dir = tempCopy('tree');
    const r = runCli(['--fix', '--format', 'json', '.'], { cwd: dir });
    const results = JSON.parse(r.stdout) as JsonResult[];
    expect(results[2]!.output).toBe(fixedVm);
    expect(read(dir, VM)).toBe(fixedVm);
  });
});
