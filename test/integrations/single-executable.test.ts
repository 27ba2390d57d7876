import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';

/**
 * The single executable (`npm run build:sea`, scripts/build-sea.mjs), run where no `node` is on
 * PATH, from a directory of its own. It is built here when it is missing or older than the sources
 * (about 15 s, beside the other test files), so CI always tests one made from this commit.
 */
const SEA = join(ROOT, 'dist-sea', 'vfio-lint');
const supported = process.platform === 'linux';

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

describe.skipIf(!supported)(`the single executable${supported ? '' : ' (skipped: built and tested on Linux)'}`, () => {
  let tmp: string;
  let exe: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    const stale = !existsSync(SEA) || statSync(SEA).mtimeMs < Math.max(newestSource(join(ROOT, 'src')), statSync(join(ROOT, 'scripts', 'build-sea.mjs')).mtimeMs, statSync(join(ROOT, 'package.json')).mtimeMs);
    if (stale) {
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-sea.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
    }
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-sea-')));
    mkdirSync(join(tmp, 'bin'));
    exe = join(tmp, 'bin', 'vfio-lint');
    copyFileSync(SEA, exe);
    // An empty PATH: nothing to find, node least of all.
    mkdirSync(join(tmp, 'empty'));
    env = { PATH: join(tmp, 'empty'), HOME: tmp, NO_COLOR: '1' };
  }, 320_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const run = (args: string[], cwd: string) => spawnSync(exe, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });

  it('has no node to lean on, and prints its version', () => {
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env }).status).not.toBe(0);
    const r = run(['--version'], tmp);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect([r.status, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
  });

  it('lints a machine as the CLI does: the same report, the same exit code, in every format', () => {
    const tree = join(tmp, 'tree');
    cpSync(join(ROOT, 'test', 'fixtures', 'cli', 'tree'), tree, { recursive: true });
    for (const format of ['stylish', 'json', 'sarif', 'checkstyle']) {
      const expected = runCli(['--format', format, '.'], { cwd: tree });
      const r = run(['--format', format, '.'], tree);
      expect(r.stderr, format).toBe('');
      expect(r.status, format).toBe(expected.code);
      expect(r.stdout, format).toBe(expected.stdout);
    }
    expect(run(['--fix', '.'], tree).status).toBe(1);
    expect(run(['.'], tree).stdout).not.toContain('memballoon-present');
  });

  it('loads a plugin from the config, an ES module on disk', () => {
    const dir = join(tmp, 'plugin');
    cpSync(join(ROOT, 'examples', 'plugin'), dir, { recursive: true });
    const r = run(['--format', 'homelab-summary', 'guest.xml'], dir);
    expect([r.status, r.stdout, r.stderr]).toEqual([0, 'guest.xml: 0 error(s), 1 warning(s) [homelab/no-tablet]\n', '']);
  });
});
