import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { validateSarif } from '../reporters/sarif-validator.js';

/**
 * The GitHub Action (action.yml): its lint step is run here as the runner runs it: the step's
 * `run` command under bash, with the step's `env` mapping filled in from the inputs (or their
 * defaults), GITHUB_ACTION_PATH at this checkout, a workspace, and a GITHUB_OUTPUT file. The
 * workflow commands it prints are what the runner turns into pull-request annotations.
 */
const py = spawnSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', join(ROOT, 'action.yml')], { encoding: 'utf8' });
const usable = py.status === 0;

interface Step {
  id?: string;
  run?: string;
  shell?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

describe.skipIf(!usable)(`the GitHub Action${usable ? '' : ' (skipped: python3 with PyYAML is needed to read action.yml; scripts/install-test-tools.sh installs pre-commit, which brings it)'}`, () => {
  const action = (usable ? JSON.parse(py.stdout) : {}) as Action;

  /** Fill `${{ inputs.x }}` and `${{ github.action_path }}` as the runner would. */
  const expand = (text: string, inputs: Record<string, string>) =>
    text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => {
      if (!(name in action.inputs)) throw new Error(`action.yml uses an input it does not declare: ${name}`);
      return inputs[name] ?? action.inputs[name]!.default ?? '';
    });

  function runStep(inputs: Record<string, string>, workspace: string) {
    const step = action.runs.steps.find((s) => s.id === 'lint')!;
    const output = join(workspace, '..', 'github-output.txt');
    writeFileSync(output, '');
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_ACTION_PATH: ROOT, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: output, CI: 'true', GITHUB_ACTIONS: 'true' };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, inputs);
    const r = spawnSync(step.shell ?? 'bash', ['-e', '-c', step.run!], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
    const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
  }

  function workspace(): string {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-action-')));
    const ws = join(dir, 'repo');
    cpSync(join(ROOT, 'test', 'fixtures', 'cli', 'tree'), ws, { recursive: true });
    return ws;
  }

  it('is a composite action whose lint step runs the entry script, and every input it uses is declared', () => {
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s) => s.id === 'lint')!;
    expect(step.run).toBe('node "$GITHUB_ACTION_PATH/scripts/github-action.mjs"');
    expect(existsSync(join(ROOT, 'scripts', 'github-action.mjs'))).toBe(true);
    for (const s of action.runs.steps) for (const v of [...Object.values(s.env ?? {}), ...Object.values(s.with ?? {}), s.if ?? '']) expand(v, {});
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe('${{ steps.lint.outputs.sarif-file }}');
    expect(action.outputs['sarif-file']!.value).toBe('${{ steps.lint.outputs.sarif-file }}');
  });

  it('annotates each finding, fails the step on an error, and writes a valid SARIF file when asked', () => {
    const ws = workspace();
    try {
      const r = runStep({ paths: 'etc/libvirt/qemu/win11.xml\netc\n', sarif: 'true' }, ws);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error ') || l.startsWith('::warning '));
      expect(annotations.map((l) => l.slice(0, l.indexOf('::', 2)))).toEqual([
        '::warning file=etc/libvirt/qemu/win11.xml,line=14,col=17,endLine=14,endColumn=31,title=memballoon-present',
        '::error file=etc/modprobe.d/vfio.conf,line=2,col=22,endLine=2,endColumn=31,title=nvidia-not-blacklisted',
        '::warning file=etc/modprobe.d/vfio.conf,line=2,col=22,endLine=2,endColumn=31,title=nvidia-not-blacklisted',
      ]);
      expect(annotations[0]).toMatch(/::Memory balloon model 'virtio' is active .*%0Arelated: etc\/libvirt\/qemu\/win11.xml:9:5 passed through here$/);
      expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-file': join(ws, 'vfio-lint.sarif') });
      const sarif = JSON.parse(readFileSync(join(ws, 'vfio-lint.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
      expect(validateSarif(sarif), JSON.stringify(validateSarif.errors)).toBe(true);
      expect(sarif.runs[0]!.results).toHaveLength(3);
    } finally {
      rmSync(join(ws, '..'), { recursive: true, force: true });
    }
  });

  it('with no paths lints the config\'s machines; warnings alone pass unless max-warnings says otherwise; bad inputs are one error', () => {
    const ws = workspace();
    try {
      writeFileSync(join(ws, 'vfio-lint.config.json'), JSON.stringify({ rules: { 'nvidia-not-blacklisted': 'warn' }, machines: [{ name: 'desk', domains: ['etc/libvirt/qemu/*.xml'], host: '.' }] }));
      const pass = runStep({}, ws);
      expect(pass.code).toBe(0);
      expect(pass.stdout).toMatch(/^::warning file=etc\/libvirt\/qemu\/win11.xml,line=14,/m);
      expect(pass.outputs).toEqual({ 'exit-code': '0' });
      expect(runStep({ 'max-warnings': '0' }, ws).code).toBe(1);
      const bad = runStep({ 'max-warnings': 'lots' }, ws);
      expect([bad.code, bad.stdout]).toEqual([2, '::error title=vfio-lint action::max-warnings must be a whole number (got "lots")\n']);
      const broken = runStep({ config: 'missing.json' }, ws);
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/^vfio-lint: .*missing\.json: /);
    } finally {
      rmSync(join(ws, '..'), { recursive: true, force: true });
    }
  });
});
