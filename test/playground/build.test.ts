import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

function build(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'playground', 'build.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
}

describe('playground build (playground/build.mjs)', () => {
  it('refuses a bundle that reaches a Node API, naming the module that imports it, and leaves no output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-pg-'));
    try {
      const out = join(dir, 'page');
      const r = build(['--entry', 'test/playground/fixtures/node-import.ts', '--out', out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/node:fs imported by src\/pipeline\/inputs\.ts: the playground bundle must not use Node APIs/);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the page with the dictionaries inside and no Node module in the bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-pg-'));
    try {
      const out = join(dir, 'page');
      const r = build(['--out', out, '--docs-base', 'https://example.test/rules/']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const app = readFileSync(join(out, 'app.js'), 'utf8');
      // Each dictionary is embedded as text, named by its "dictionary" field.
      // (Assertions on booleans: a failure must not print the 1.6 MB bundle.)
      const missing = ['kernel-modules', 'kernel-params', 'libvirt-cpu-map', 'libvirt-domain-schema', 'modules-extra'].filter((name) => !new RegExp(`"dictionary":\\s*"${name}"`).test(app));
      expect(missing).toEqual([]);
      expect(/\bfrom\s*["']node:|require\(["']node:/.test(app)).toBe(false);
      expect(app.includes('https://example.test/rules/')).toBe(true);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<script defer src="app.js"></script>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
