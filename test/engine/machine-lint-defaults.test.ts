import { describe, it, expect } from 'vitest';
import { startMachineLint } from '../../src/engine/run.js';
import { startMachine } from '../../src/model/build.js';
import { parseFile } from '../../src/pipeline/parse.js';
import { sourceFile } from '../../src/core/source.js';

/**
 * startMachineLint with no options: unused directives are reported as warnings, and without the list
 * of known rule ids a rule a directive names cannot be told unknown, so it is not reported.
 */

function lintConf(text: string): string[] {
  const file = parseFile(sourceFile('/etc/modprobe.d/vfio.conf', text), 'modprobe', '/etc/modprobe.d/vfio.conf');
  const linter = startMachineLint(startMachine([file]).machine, []);
  linter.addFile(file);
  return linter.finish().diagnostics.get('/etc/modprobe.d/vfio.conf')!.map((d) => `${d.ruleId} ${d.severity} ${d.message}`);
}

describe('startMachineLint defaults', () => {
  it('a directive that silenced nothing is a warning', () => {
    expect(lintConf('# vfio-lint-disable-file\n')).toEqual(['unused-suppression warning This vfio-lint-disable-file directive did not silence any finding; remove it']);
  });

  it('a rule a directive names, with no list of known ids, is neither unknown nor reported', () => {
    expect(lintConf('# vfio-lint-disable-next-line no-such-rule\noptions vfio-pci ids=10de:1b80\n')).toEqual([]);
  });
});
