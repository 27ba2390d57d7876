// The dictionaries load from bundles that sit one directory below the package root, as dist/'s do:
// esbuild output in ESM and in CommonJS (with the import.meta.url shim scripts/build.mjs gives CJS).
import { describe, it, expect, afterAll } from 'vitest';
import { build } from 'esbuild';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(ROOT, '.test-data-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface DataApi {
  moduleInfo(name: string): { status: string } | undefined;
  kernelParamDoc(name: string): { value: string } | undefined;
  cpuFeature(name: string): object | undefined;
  placeOf(path: string[]): object | undefined;
  loadedDictionaries(): string[];
}
const common = { absWorkingDir: ROOT, entryPoints: ['src/data/index.ts'], bundle: true, platform: 'node' as const, target: 'node20', logLevel: 'silent' as const };

function exercise(api: DataApi): void {
  expect(api.loadedDictionaries()).toEqual([]);
  expect(api.moduleInfo('vfio-pci')?.status).toBe('kernel');
  expect(api.kernelParamDoc('intel_iommu')?.value).toBe('required');
  expect(api.cpuFeature('topoext')).toBeDefined();
  expect(api.placeOf(['domain', 'features', 'hyperv', 'vendor_id'])).toBeDefined();
}

describe('dictionaries from a bundle', () => {
  it('load from an ESM bundle', async () => {
    await build({ ...common, format: 'esm', outfile: join(out, 'data.mjs') });
    exercise((await import(pathToFileURL(join(out, 'data.mjs')).href)) as DataApi);
  });
  it('load from a CommonJS bundle', async () => {
    await build({
      ...common,
      format: 'cjs',
      outfile: join(out, 'data.cjs'),
      define: { 'import.meta.url': '__vfioLintImportMetaUrl' },
      banner: { js: "const __vfioLintImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
    exercise(createRequire(import.meta.url)(join(out, 'data.cjs')) as DataApi);
  });
  it('ship with the package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; scripts: Record<string, string> };
    expect(pkg.files).toContain('data/');
    expect(pkg.scripts['gen-data']).toBe('node scripts/gen-data.mjs');
    expect(pkg.scripts.test).not.toContain('gen-data');
  });
});
