import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { parseFile } from '../../src/pipeline/load.js';
import { buildHostModel } from '../../src/host/model.js';
import { kernelBool, moduleItems, paramToken, valueItems } from '../../src/host/params.js';
import type { FileKind } from '../../src/model/machine.js';

const file = (kind: FileKind, systemPath: string, text: string) => parseFile(sourceFile(systemPath, text), kind, systemPath);
/** The one command line of an /etc/kernel/cmdline holding `text`. */
const cmdline = (text: string) => buildHostModel([file('kernel-cmdline', '/etc/kernel/cmdline', `${text}\n`)]).boot!;

describe('kernelBool: the kernel\'s kstrtobool (lib/kstrtox.c)', () => {
  it('reads the first character (and the second after o), in either case; no value is true', () => {
    const read = (v: string | undefined) => kernelBool(v);
    expect(['y', 'Y', 'yes', '1', '1000', 't', 'True', 'on', 'ON', 'oN', 'onn', undefined].map(read)).toEqual(Array(12).fill(true));
    expect(['n', 'N', 'no', '0', 'f', 'F', 'false', 'off', 'OFF', 'of', 'oFx'].map(read)).toEqual(Array(11).fill(false));
  });

  it('anything else fails the parse: an empty value, a bare o, a word the switch does not know', () => {
    expect(['', 'o', 'ox', 'enable', '2', ' y', 'x'].map((v) => kernelBool(v))).toEqual(Array(7).fill(undefined));
  });
});

describe('parameter facts', () => {
  it('paramToken writes the flag form bare and the rest as name=value, the name as written', () => {
    const c = cmdline('quiet vfio-pci.ids=10de:2684 empty=');
    expect(c.params.map(paramToken)).toEqual(['quiet', 'vfio-pci.ids=10de:2684', 'empty=']);
  });

  it('valueItems keeps empty items and points each into the file; moduleItems trims and reads - as _', () => {
    const c = cmdline('x modprobe.blacklist=nvidia-drm,,nouveau');
    const p = c.get('modprobe.blacklist')!;
    expect(valueItems(p).map((i) => [i.text, i.loc.start, i.loc.end])).toEqual([['nvidia-drm', 21, 31], ['', 32, 32], ['nouveau', 33, 40]]);
    expect(moduleItems(p)).toEqual(['nvidia_drm', '', 'nouveau']);
    expect(valueItems(c.all('x')[0]!)).toEqual([]);
    expect(moduleItems(cmdline('"modprobe.blacklist=nvidia, nouveau"').get('modprobe.blacklist')!)).toEqual(['nvidia', 'nouveau']);
  });
});
