import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { builtinRules } from '../../src/rules/index.js';

/**
 * The library as users get it: `npm pack` this checkout (built dist/ included), unpack the tarball
 * into a fresh project's node_modules, then import it by name from ESM and require it from CommonJS.
 * Its dependencies are linked from this checkout's node_modules: `npm install --offline` of the
 * tarball would need the registry's metadata for them in npm's cache, which `npm ci` (CI) does not
 * put there, and the test must not need the network.
 */
const FIXTURES = join(ROOT, 'test', 'fixtures', 'integrations');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let tmp: string;
let project: string;
let machine: string;

function sh(cmd: string, args: readonly string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'index.js')) || !existsSync(join(ROOT, 'dist', 'index.cjs'))) throw new Error('dist/ is missing: run `npm run build` first');
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-package-')));
  const pack = sh(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  const tarball = join(tmp, (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!.filename);
  project = join(tmp, 'project');
  cpSync(join(FIXTURES, 'package'), project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-vfio-lint', private: true, type: 'commonjs' }));
  const installed = join(project, 'node_modules', 'vfio-lint');
  mkdirSync(installed, { recursive: true });
  const untar = sh('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], project);
  expect(untar.code, untar.stderr).toBe(0);
  const deps = Object.keys((JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  for (const dep of deps) {
    mkdirSync(dirname(join(project, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dep), join(project, 'node_modules', dep));
  }
  machine = join(tmp, 'desk');
  cpSync(join(FIXTURES, 'desk'), machine, { recursive: true });
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface ScenarioOut {
  exports: string[];
  json: unknown[];
  formattedJson: unknown[];
  stylish: string;
  ruleIds: string[];
  xpathLoadedAfterLint: boolean;
  custom: Array<{ line: number; column: number; endColumn: number; message: string; severity: string; fixText: string }>;
  xpathLoadedAfterCustom: boolean;
  fixedLine: string;
  remainingAfterFix: number;
  suppressed: number;
  suppressedProblems: string[];
  appliedLine: string;
  refused: string | null;
  relativeCwd: string[];
  textsJson: unknown[];
  detected: Array<string | undefined>;
  textsRefused: string | null;
}

function scenario(script: string): ScenarioOut {
  const r = sh(process.execPath, [script, machine], project);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ScenarioOut;
}

const EXPORTS = [
  'ConfigError', 'CpuSet', 'FILE_KINDS', 'InputError', 'XPathError', 'applyEdits', 'attr', 'buildLayout', 'childElements', 'defineRule', 'describePlan', 'detectKind', 'elementPath', 'evaluateXPath', 'firstChild',
  'formatReport', 'jsonResults', 'lintFiles', 'lintText', 'lintTexts', 'planPins', 'rules', 'selectNodes', 'textContent', 'topologyOfFiles', 'topologySvg', 'undoneWhy', 'walkElements', 'writeFixes',
];

describe.each([
  ['import (ESM)', 'esm.mjs'],
  ['require (CommonJS)', 'cjs.cjs'],
])('vfio-lint installed from its tarball, by %s', (_name, script) => {
  let out: ScenarioOut;
  beforeAll(() => {
    out = scenario(script);
  });

  it('exports the documented API', () => {
    expect(out.exports).toEqual(EXPORTS);
    expect(out.ruleIds).toEqual(builtinRules.map((r) => r.meta.id));
    expect(out.ruleIds.slice(0, 3)).toEqual(['memballoon-present', 'missing-topoext', 'emulatorpin-overlaps-vcpupin']);
  });

  it('lintFiles gives what the CLI prints with --format json, and formatReport prints what the CLI prints', () => {
    const cli = runCli(['--no-config', '--format', 'json', '.'], { cwd: machine });
    const json = JSON.parse(cli.stdout) as Array<{ messages: Array<{ ruleId: string }> }>;
    expect(json.flatMap((r) => r.messages.map((m) => m.ruleId))).toContain('memballoon-present');
    expect(out.json).toEqual(json);
    expect(out.formattedJson).toEqual(out.json);
    const stylish = runCli(['--no-config', '.'], { cwd: machine });
    expect(out.stylish).toBe(stylish.stdout);
  });

  it('lintTexts lints the same files held in memory to the same JSON, and refuses two files with one path', () => {
    expect(out.textsJson).toEqual(out.json);
    expect(out.detected.length).toBeGreaterThanOrEqual(3);
    expect(out.detected).not.toContain(undefined);
    expect(out.textsRefused).toMatch(/^TypeError: lintTexts: two files have the path /);
  });

  it('loads XPath only for a rule that queries, and maps its matches to exact positions', () => {
    expect(out.xpathLoadedAfterLint).toBe(false);
    expect(out.xpathLoadedAfterCustom).toBe(true);
    // win11.xml:53 is `    <timer name='hpet' present='yes'/>`: the value yes is at columns 33-35 (end 36, exclusive).
    expect(out.custom).toEqual([{ line: 53, column: 33, endColumn: 36, message: "HPET is on for win11; set present='no'", severity: 'warning', fixText: 'no' }]);
  });

  it("a custom rule's fix is applied by the fix loop and by applyEdits; its findings can be suppressed", () => {
    expect(out.fixedLine).toBe("    <timer name='hpet' present='no'/>");
    expect(out.remainingAfterFix).toBe(0);
    expect(out.appliedLine).toBe("    <timer name='hpet' present='no'/>");
    // Neither the finding nor an unused-suppression report.
    expect(out.suppressed).toBe(0);
    expect(out.suppressedProblems).toEqual([]);
  });

  it('resolves a relative cwd against the directory the process is in at each call', () => {
    expect(out.relativeCwd).toEqual([join(machine, 'vm.xml'), join(dirname(machine), 'vm.xml')]);
  });

  it('refuses a custom rule that reuses a built-in id', () => {
    expect(out.refused).toBe('TypeError: customRules[0] (memballoon-present): there is already a rule with this id');
  });
});

describe('the packed package', () => {
  it('ships the launchers, both bundles, the language server and the rule docs, and declares the language server bin', () => {
    const pkg = JSON.parse(readFileSync(join(project, 'node_modules', 'vfio-lint', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'vfio-lint': 'bin/vfio-lint', 'vfio-lint-language-server': 'bin/vfio-lint-language-server' });
    for (const f of ['bin/vfio-lint', 'bin/vfio-lint-language-server', 'dist/index.js', 'dist/index.cjs', 'dist/cli.cjs', 'dist/language-server.cjs', 'docs/rules/memballoon-present.md']) {
      expect(existsSync(join(project, 'node_modules', 'vfio-lint', f)), f).toBe(true);
    }
    const server = sh(process.execPath, [join(project, 'node_modules', 'vfio-lint', 'bin', 'vfio-lint-language-server'), '--version'], project);
    expect(server.stdout).toBe(`${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  const typesBuilt = existsSync(join(ROOT, 'dist', 'types', 'index.d.ts'));
  it.skipIf(!typesBuilt)(`its .d.ts types check a TypeScript user's code${typesBuilt ? '' : ' (skipped: dist/types not built; `npm run build` builds them)'}`, () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: [], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['consumer.mts'] }));
    const tsc = sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });

  it.skipIf(!typesBuilt)('a CommonJS TypeScript user (module node16) gets the .d.cts types of the require entry', () => {
    writeFileSync(join(project, 'tsconfig.cjs.json'), JSON.stringify({ compilerOptions: { module: 'Node16', moduleResolution: 'Node16', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: [], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['consumer.cts'] }));
    const tsc = sh(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.cjs.json'], project);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });

  it('ships the MIT licence that package.json names, and no script that runs at install time', () => {
    const dir = join(project, 'node_modules', 'vfio-lint');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { license: string; scripts: Record<string, string> };
    expect(pkg.license).toBe('MIT');
    const license = readFileSync(join(dir, 'LICENSE'), 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    // npm 11 warns on every install about a dependency's install-time scripts (prepare included).
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[script], script).toBeUndefined();
  });
});
