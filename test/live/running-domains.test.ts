import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/lint.js';
import { readSnapshotFolder, setLive, withSnapshots } from '../../src/live/inputs.js';
import { buildSnapshot, writeSnapshot } from '../../src/live/snapshot.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURE_KEY, fixtureRoot, fixtureTools } from '../helpers/snapshot-fixtures.js';

const AMD = 'amd-b450-nvidia-shared-group';

/** The AMD fixture host (win11 defined in /etc/libvirt/qemu and running) as a snapshot folder; `transient` drops the defined file first. */
function amdSnapshot(transient = false): string {
  const root = fixtureRoot(AMD);
  if (transient) rmSync(join(root, 'etc', 'libvirt', 'qemu', 'win11.xml'));
  const dir = join(mkdtempSync(join(tmpdir(), 'vfio-lint-running-')), 'snap');
  writeSnapshot(dir, buildSnapshot(root, { runTool: fixtureTools(AMD), key: FIXTURE_KEY }));
  return dir;
}

describe('running domains join the machine, one domain with the same defined one', () => {
  it('win11 running and defined: linted once, from /etc/libvirt/qemu/win11.xml; duplicate-domain says nothing', async () => {
    const dir = amdSnapshot();
    const [m] = withSnapshots({ name: undefined, files: [], unusable: [], folders: [{ path: dir, kind: 'host-snapshot' }] });
    expect(m!.running).toEqual([{ name: 'win11', definedAt: '/etc/libvirt/qemu/win11.xml' }]);
    expect(m!.files.filter((f) => f.kind === 'domain').map((f) => f.systemPath)).toEqual(['/etc/libvirt/qemu/win11.xml']);
    const report = await lintFiles([dir], { config: false, cwd: dir });
    expect(report.results.map((r) => r.filePath)).not.toContain('/run/libvirt/qemu/win11.xml');
    expect(report.results.flatMap((r) => r.messages).filter((m) => m.ruleId === 'duplicate-domain')).toEqual([]);
    // The defined file's findings are there, as without live facts.
    expect(report.results.find((r) => r.filePath.endsWith('/etc/libvirt/qemu/win11.xml'))?.messages.length).toBeGreaterThan(0);
  });

  it('a running domain no file defines is linted from its XML, shown at /run/libvirt/qemu/NAME.xml, and never fixed', async () => {
    const dir = amdSnapshot(true);
    const report = await lintFiles([dir], { config: false, cwd: dir, fix: 'suggestions' });
    const running = report.results.find((r) => r.filePath === '/run/libvirt/qemu/win11.xml');
    expect(running?.kind).toBe('domain');
    // kvm hidden is on in win11: kvm-hidden-obsolete reports it there, as it would on the file.
    expect(running?.messages.map((m) => m.ruleId)).toContain('kvm-hidden-obsolete');
    expect(running?.messages.every((m) => m.fix === undefined && m.suggestions === undefined)).toBe(true);
    expect(running?.output).toBeUndefined();
    expect(report.applied.filter((a) => a.path === '/run/libvirt/qemu/win11.xml')).toEqual([]);
  });

  it('setting other live facts drops the running domains of the earlier ones', () => {
    const dir = amdSnapshot(true);
    const read = readSnapshotFolder(dir);
    const m = { name: undefined, files: [...read.files], unusable: [], live: undefined, running: [] };
    setLive(m, read.live!);
    setLive(m, read.live!);
    expect(m.files.filter((f) => f.readOnly).map((f) => f.displayPath)).toEqual(['/run/libvirt/qemu/win11.xml']);
  });
});

describe('--live reads running domains with virsh (a fake virsh on PATH; no libvirt daemon is called)', () => {
  const DOMAIN = `<domain type='kvm' id='3'>
  <name>vfio-lint-fake-vm</name>
  <uuid>6a1d3c2e-5b4f-4e8a-9c7d-0f1e2d3c4b5a</uuid>
  <memory unit='KiB'>4194304</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-8.2'>hvm</type>
  </os>
  <features>
    <acpi/>
    <kvm>
      <hidden state='on'/>
    </kvm>
  </features>
  <cpu mode='host-passthrough'/>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>
      </source>
    </hostdev>
    <memballoon model='virtio'/>
  </devices>
</domain>
`;

  /** A directory with a `virsh` that answers capabilities, list and dumpxml as libvirt's does, and logs its arguments. */
  function fakeVirsh(): { bin: string; log: string } {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-fake-virsh-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(dir, 'domain.xml'), DOMAIN);
    const log = join(dir, 'calls.log');
    writeFileSync(
      join(bin, 'virsh'),
      `#!/bin/sh
echo "$*" >> '${log}'
case "$*" in
  *capabilities*) printf '%s\\n' "<capabilities><host><uuid>00000000-0000-0000-0000-000000000000</uuid><cpu><arch>x86_64</arch></cpu></host></capabilities>" ;;
  *"list --name"*) printf 'vfio-lint-fake-vm\\n\\n' ;;
  *"dumpxml --domain vfio-lint-fake-vm"*) cat '${join(dir, 'domain.xml')}' ;;
  *) echo "error: unexpected arguments: $*" >&2; exit 1 ;;
esac
`,
    );
    chmodSync(join(bin, 'virsh'), 0o755);
    return { bin, log };
  }

  it('a running domain with no definition among the files is linted from its XML, at /run/libvirt/qemu/NAME.xml', () => {
    const fake = fakeVirsh();
    const r = runCli(['--live', '--format', 'json'], { env: { PATH: `${fake.bin}:${process.env.PATH}` }, timeout: 120_000 });
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
    // Read-only, on the system connection, and nothing else.
    expect(readFileSync(fake.log, 'utf8').trim().split('\n')).toEqual(['-r -c qemu:///system capabilities', '-r -c qemu:///system list --name', '-r -c qemu:///system dumpxml --domain vfio-lint-fake-vm']);
    expect(/--live \(\/\) read: (.*)/.exec(r.stderr)?.[1]?.split(', ')).toEqual(expect.arrayContaining(['libvirt.capabilities', 'libvirt.domains']));
    expect(r.stderr).toContain('--live (/) running domain vfio-lint-fake-vm: no file defines it; linted from the XML virsh dumpxml gave, shown as /run/libvirt/qemu/vfio-lint-fake-vm.xml, where nothing can be fixed');
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number }> }>;
    const running = results.find((x) => x.filePath === '/run/libvirt/qemu/vfio-lint-fake-vm.xml');
    expect(running?.messages.map((m) => `${m.line} ${m.ruleId}`)).toEqual(expect.arrayContaining(['12 kvm-hidden-obsolete', '22 memballoon-present']));
  });

  it('the same domain given as a file: one domain, linted from the file; duplicate-domain says nothing', () => {
    const fake = fakeVirsh();
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-defined-'));
    // As libvirt keeps it: without the running id.
    writeFileSync(join(dir, 'vfio-lint-fake-vm.xml'), DOMAIN.replace(" id='3'", ''));
    const r = runCli(['--live', join(dir, 'vfio-lint-fake-vm.xml'), '--format', 'json'], { env: { PATH: `${fake.bin}:${process.env.PATH}` }, timeout: 120_000 });
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
    expect(r.stderr).toContain('--live (/) running domain vfio-lint-fake-vm: linted from its defined file');
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string }> }>;
    expect(results.map((x) => x.filePath)).not.toContain('/run/libvirt/qemu/vfio-lint-fake-vm.xml');
    expect(results.flatMap((x) => x.messages).filter((m) => m.ruleId === 'duplicate-domain')).toEqual([]);
    expect(results.find((x) => x.filePath === join(dir, 'vfio-lint-fake-vm.xml'))?.messages.map((m) => m.ruleId)).toContain('kvm-hidden-obsolete');
  });
});
