import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { tempDir } from './fixtures.js';

/** A folder of domains with far more findings than a pipe holds (64 KiB), so the writer meets a closed pipe. */
function bigTree(): string {
  const dir = join(tempDir(), 'qemu');
  mkdirSync(dir);
  const xml = readFileSync(join(ROOT, 'examples', 'desktop', 'win11.xml'), 'utf8');
  for (let i = 0; i < 150; i++) writeFileSync(join(dir, `vm${i}.xml`), xml.replace(/<name>[^<]*<\/name>/, `<name>vm${i}</name>`));
  return dir;
}

describe('exit code when the reader closes the pipe early', () => {
  it('`vfio-lint big-tree | head -1` fails with pipefail: the exit code is 1, not 0', () => {
    const dir = bigTree();
    const full = spawnSync(process.execPath, [BIN, '--no-config', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(full.status).toBe(1);
    expect(full.stdout.length).toBeGreaterThan(128 * 1024);
    const r = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" --no-config "$2" | head -1; echo "status=$?"', process.execPath, BIN, dir], { encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').pop()).toBe('status=1');
    expect(r.stderr).toBe('');
  });

  it('a reader that is gone before anything is written: still exit 1, nothing on standard error', async () => {
    const dir = bigTree();
    const child = spawn(process.execPath, [BIN, '--no-config', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(1);
  });
});
