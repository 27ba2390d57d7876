import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../integrations/lsp-client.js';

const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";
const vm = `<domain type='kvm'>\n<name>a</name>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`;

let client: LspClient | undefined;
afterEach(async () => {
  if (client) {
    const c = client;
    client = undefined;
    await c.stop().catch(() => c.kill());
  }
});

describe('item 7: the language server outlives any one document', () => {
  it("the grubs of item 3 (doubling, 440 KB of +=) and an oversized buffer get a finding each; the domain opened after them is still served", async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-lsp-survive-')));
    mkdirSync(join(root, 'etc/default/grub.d'), { recursive: true });
    client = LspClient.start();
    await client.initialize(root);
    const doubling = pathToFileURL(join(root, 'etc/default/grub')).href;
    const appends = pathToFileURL(join(root, 'etc/default/grub.d/appends.cfg')).href;
    const huge = pathToFileURL(join(root, 'huge.xml')).href;
    const domain = pathToFileURL(join(root, 'vm.xml')).href;
    client.open(doubling, `X=ab\n${'X="$X$X"\n'.repeat(24)}GRUB_CMDLINE_LINUX="$X"\n`, 'sh');
    client.open(appends, 'GRUB_CMDLINE_LINUX_DEFAULT+=" x"\n'.repeat(14_000), 'sh');
    client.open(huge, `<domain type='kvm'>${' '.repeat(17 * 1024 * 1024)}</domain>`);
    client.open(domain, vm);
    const got = await client.diagnostics(domain, (p) => p.diagnostics.some((d) => d.code === 'memballoon-present'), 60_000);
    expect(got.diagnostics.map((d) => d.code)).toContain('memballoon-present');
    const d1 = await client.diagnostics(doubling, () => true, 60_000);
    expect(d1.diagnostics.map((d) => d.message).join('\n')).toMatch(/expanding the variables here would make over/);
    const d2 = await client.diagnostics(appends, () => true, 60_000);
    expect(d2.diagnostics.map((d) => d.message).join('\n')).toMatch(/too long to lint/);
    const d3 = await client.diagnostics(huge, () => true, 60_000);
    expect(d3.diagnostics.map((d) => d.message)).toEqual([`vfio-lint could not lint this file: the document is too large to lint (${17 * 1024 * 1024 + 28} characters; the limit is ${16 * 1024 * 1024})`]);
  }, 120_000);
});
