import { describe, expect, it } from 'vitest';
import { importReporter, loadReporter, REPORTER_NAMES, UnknownFormatError, unifiedDiff } from '../../src/reporters/index.js';
import { stream as github } from '../../src/reporters/github.js';
import { stream as json } from '../../src/reporters/json.js';
import { format as sarif } from '../../src/reporters/sarif.js';
import { stream as stylish } from '../../src/reporters/stylish.js';

describe('loadReporter', () => {
  it('knows the built-in formats, stylish first', () => {
    expect(REPORTER_NAMES).toEqual(['stylish', 'json', 'sarif', 'github', 'unix', 'gcc', 'checkstyle', 'junit', 'gitlab']);
    expect(loadReporter('stylish')).toBe(stylish);
    expect(loadReporter('json')).toBe(json);
    expect(loadReporter('sarif')).toBe(sarif);
    expect(loadReporter('github')).toBe(github);
  });

  it('rejects other names, including inherited property names', () => {
    for (const name of ['xml', 'JSON', '', 'toString', '__proto__', 'constructor']) {
      expect(() => loadReporter(name)).toThrow(UnknownFormatError);
    }
    expect(() => loadReporter('xunit')).toThrow('unknown format "xunit": use one of stylish, json, sarif, github, unix, gcc, checkstyle, junit, gitlab');
  });

  it('loads on demand (the CLI) the same reporter for every name as the library gives at once', async () => {
    for (const name of REPORTER_NAMES) expect(await importReporter(name), name).toBe(loadReporter(name));
    for (const name of ['xml', 'toString', '__proto__']) await expect(importReporter(name)).rejects.toThrow(UnknownFormatError);
  });

  it('re-exports the diff', () => {
    expect(unifiedDiff('f', 'a\n', 'b\n')).toBe('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n');
  });
});
