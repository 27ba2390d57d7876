// The GitHub Action's entry script (action.yml runs it; test/integrations/github-action.test.ts runs
// it the same way). Inputs arrive as VFIO_LINT_* variables, outputs go to $GITHUB_OUTPUT. It builds
// vfio-lint from the action's checkout when dist/ is missing (an action is used from a git ref,
// which has no build output), then runs the CLI: once with `--format github`, whose workflow
// commands become annotations on the pull request, and, with sarif, once more for the SARIF file.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const fail = (message) => {
  process.stdout.write(`::error title=vfio-lint action::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
  process.exit(2);
};

/** Run a command with its output shown in the log; stop the action when it cannot start or fails. */
function step(title, command, args, cwd) {
  process.stdout.write(`::group::${title}\n`);
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  process.stdout.write('::endgroup::\n');
  if (r.error || r.status !== 0) fail(`${title} failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
}

if (!existsSync(join(root, 'dist', 'cli.cjs'))) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!existsSync(join(root, 'node_modules', 'esbuild'))) step('Installing vfio-lint\'s build tools', npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], root);
  step('Building vfio-lint', process.execPath, [join(root, 'scripts', 'build.mjs'), '--no-types'], root);
}

const cwd = resolve(env.GITHUB_WORKSPACE ?? process.cwd(), env.VFIO_LINT_WORKING_DIRECTORY || '.');
if (!existsSync(cwd)) fail(`working-directory ${env.VFIO_LINT_WORKING_DIRECTORY} does not exist`);
const paths = (env.VFIO_LINT_PATHS ?? '').split('\n').map((p) => p.trim()).filter((p) => p !== '');
const maxWarnings = (env.VFIO_LINT_MAX_WARNINGS ?? '').trim() || '-1';
if (!/^-?\d+$/.test(maxWarnings)) fail(`max-warnings must be a whole number (got "${maxWarnings}")`);
const sarif = (env.VFIO_LINT_SARIF ?? '').trim();
if (!['', 'true', 'false'].includes(sarif)) fail(`sarif must be true or false (got "${sarif}")`);

const common = [...(env.VFIO_LINT_CONFIG ? ['--config', env.VFIO_LINT_CONFIG] : []), '--max-warnings', maxWarnings, '--', ...paths];
const cli = join(root, 'bin', 'vfio-lint');
// NO_COLOR: the log is not a terminal, but a runner may set FORCE_COLOR.
const run = (args) => spawnSync(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, FORCE_COLOR: '0' } });

const lint = run(['--format', 'github', ...common]);
if (lint.error) fail(`could not run vfio-lint: ${lint.error.message}`);
const code = lint.status ?? 2;
const outputs = [`exit-code=${code}`];
if (sarif === 'true' && code !== 2) {
  const file = resolve(cwd, env.VFIO_LINT_SARIF_FILE || 'vfio-lint.sarif');
  const report = run(['--format', 'sarif', '--output-file', file, ...common]);
  if (report.status === 2 || !existsSync(file)) fail('could not write the SARIF report');
  outputs.push(`sarif-file=${file}`);
}
if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${outputs.join('\n')}\n`);
process.exit(code);
