import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DictionaryError, readDictionaryFile } from '../../src/data/load.js';
import * as data from '../../src/data/index.js';

describe('lazy loading', () => {
  it('reads nothing until a dictionary is asked for, then only what was asked', () => {
    expect(data.loadedDictionaries()).toEqual([]);
    expect(data.cpuFeature('topoext')).toBeDefined();
    expect(data.loadedDictionaries()).toEqual(['libvirt-cpu-map']);
    data.moduleInfo('vfio_pci');
    expect(data.loadedDictionaries().sort()).toEqual(['kernel-modules', 'libvirt-cpu-map', 'modules-extra']);
  });
});

describe('damaged dictionary files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-dict-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  it('names the file on one line when it is missing, not JSON, or another dictionary', () => {
    const cases = [join(dir, 'missing.json'), file('bad.json', '{"dictionary":'), file('other.json', '{"dictionary":"kernel-params"}')];
    for (const path of cases) {
      let error: unknown;
      try {
        readDictionaryFile(path, 'kernel-modules');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DictionaryError);
      const message = (error as Error).message;
      expect(message.startsWith(`${path}: `)).toBe(true);
      expect(message).not.toContain('\n');
    }
    rmSync(dir, { recursive: true, force: true });
  });
  it('accepts the right dictionary', () => {
    const d = mkdtempSync(join(tmpdir(), 'vfio-lint-dict-'));
    const path = join(d, 'ok.json');
    writeFileSync(path, '{"dictionary":"kernel-modules","modules":{}}');
    expect(readDictionaryFile<{ modules: object }>(path, 'kernel-modules').modules).toEqual({});
    rmSync(d, { recursive: true, force: true });
  });
});
