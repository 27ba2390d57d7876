import { describe, it, expect } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseByKind } from '../../src/kinds/index.js';
import { buildHostModel } from '../../src/host/model.js';
import { applyEdits } from '../../src/engine/fix.js';
import { extendInsteadOfReplace } from '../../src/edit/grub-vars.js';
import { paramToken } from '../../src/host/params.js';
import type { ParsedFile } from '../../src/model/file.js';

/**
 * extendInsteadOfReplace on real drop-ins: each case is /etc/default/grub plus one grub.d file whose
 * assignment replaces the earlier value. The edit's result is read back through the host model, so
 * what is checked is what grub-mkconfig would put on the kernel command line.
 */

const MAIN = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet amd_iommu=on"\n';
const DROPIN = '/etc/default/grub.d/50-vfio.cfg';

function grub(path: string, text: string): ParsedFile {
  const parsed = parseByKind('grub', text);
  return { source: sourceFile(path, text), kind: 'grub', systemPath: path, ast: parsed.ast, problems: parsed.problems, fatal: false, comments: parsed.comments };
}

/** The one override the drop-in makes (the test fails when there is none or more). */
function override(dropin: string) {
  const host = buildHostModel([grub('/etc/default/grub', MAIN), grub(DROPIN, dropin)]);
  const overrides = host.grub?.overrides ?? [];
  expect(overrides).toHaveLength(1);
  return overrides[0]!;
}

/** The drop-in with the suggestion applied, or undefined when none is offered. */
function extended(dropin: string): string | undefined {
  const edit = extendInsteadOfReplace(override(dropin));
  if (!edit) return undefined;
  expect(edit.path).toBe(DROPIN);
  return applyEdits(dropin, [edit]);
}

/** The kernel parameters the machine boots with, and whether a drop-in still overrides, after the edit. */
function after(dropin: string) {
  const host = buildHostModel([grub('/etc/default/grub', MAIN), grub(DROPIN, dropin)]);
  return { params: host.boot!.params.map(paramToken), overrides: host.grub!.overrides.length };
}

describe('extendInsteadOfReplace', () => {
  it('puts "$VAR " at the start of a double-quoted value', () => {
    const fixed = extended('GRUB_CMDLINE_LINUX_DEFAULT="iommu=pt"\n');
    expect(fixed).toBe('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT iommu=pt"\n');
    expect(after(fixed!)).toEqual({ params: ['quiet', 'amd_iommu=on', 'iommu=pt'], overrides: 0 });
  });

  it('an empty double-quoted value gets the variable alone, with no trailing blank', () => {
    const fixed = extended('GRUB_CMDLINE_LINUX_DEFAULT=""\n');
    expect(fixed).toBe('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT"\n');
    expect(after(fixed!)).toEqual({ params: ['quiet', 'amd_iommu=on'], overrides: 0 });
  });

  it('a single-quoted or bare value gets "$VAR " before it, which sh joins to the word', () => {
    const single = extended("GRUB_CMDLINE_LINUX_DEFAULT='iommu=pt'\n");
    expect(single).toBe(`GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT "'iommu=pt'\n`);
    expect(after(single!)).toEqual({ params: ['quiet', 'amd_iommu=on', 'iommu=pt'], overrides: 0 });
    const bare = extended('GRUB_CMDLINE_LINUX_DEFAULT=iommu=pt\n');
    expect(bare).toBe('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT "iommu=pt\n');
    expect(after(bare!)).toEqual({ params: ['quiet', 'amd_iommu=on', 'iommu=pt'], overrides: 0 });
  });

  it('an empty single-quoted or bare value is replaced by the quoted variable', () => {
    const single = extended("GRUB_CMDLINE_LINUX_DEFAULT=''\n");
    expect(single).toBe('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT"\n');
    expect(after(single!)).toEqual({ params: ['quiet', 'amd_iommu=on'], overrides: 0 });
    const bare = extended('GRUB_CMDLINE_LINUX_DEFAULT=\n');
    expect(bare).toBe('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT"\n');
    expect(after(bare!)).toEqual({ params: ['quiet', 'amd_iommu=on'], overrides: 0 });
  });

  it('offers nothing where an edit is not safe: a mixed-quoted word, a command on the line, an array', () => {
    for (const dropin of [
      `GRUB_CMDLINE_LINUX_DEFAULT="iommu=pt "'isolcpus=2'\n`,
      'GRUB_CMDLINE_LINUX_DEFAULT="iommu=pt"; export GRUB_CMDLINE_LINUX_DEFAULT\n',
      'GRUB_CMDLINE_LINUX_DEFAULT=(iommu=pt)\n',
    ]) {
      expect(extended(dropin), dropin).toBeUndefined();
    }
  });
});
