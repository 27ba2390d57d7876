import { describe, it, expect } from 'vitest';
import { cpSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, useTempDirs } from './helpers.js';

const tempDir = useTempDirs('kill');

const FILES = 40;
const KILLS = 12;
const HOSTDEV = "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>";
/** 64 KiB of description makes each write take a little while, so kills land inside writes as well as between them. */
const vm = (i: number) => `<domain type='kvm'>\n<name>vm${i}</name>\n<description>${`${i} `.repeat(32 * 1024 / String(i).length)}</description>\n<devices>\n${HOSTDEV}\n<memballoon model='virtio'/>\n</devices>\n</domain>\n`;
const name = (i: number) => `vm${String(i).padStart(2, '0')}.xml`;
const LEFTOVER = /^\.vm\d\d\.xml\.vfio-lint-\d+-\d+-[0-9a-z]+\.tmp$/;

/** A small seeded generator (mulberry32): the same kill points on every run unless FUZZ_SEED says otherwise. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Start `--fix` over `dir` and SIGKILL it `delayMs` after its first change in
 * the directory (never, when `delayMs` is undefined). Resolves with how long
 * the process lived after that first change: the length of the write phase
 * for a run that was not killed.
 */
async function fixAndKill(dir: string, delayMs: number | undefined): Promise<number> {
  const child = spawnCli(['--fix', '--no-config', '--format', 'json', dir], dir);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const watcher = watch(dir);
  let timer: NodeJS.Timeout | undefined;
  let firstChange: number | undefined;
  watcher.once('change', () => {
    firstChange = Date.now();
    if (delayMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  await exited;
  watcher.close();
  if (timer) clearTimeout(timer);
  return firstChange === undefined ? 0 : Date.now() - firstChange;
}

describe('SIGKILL during --fix', () => {
  it(`over ${FILES} files, ${KILLS} times at random moments: every file is always the old or the new version`, async () => {
    const dir = tempDir();
    const reference = tempDir();
    for (let i = 1; i <= FILES; i++) writeFileSync(join(dir, name(i)), vm(i));
    // What a complete run writes, to compare against; and how long its writing takes on this machine, to spread the kills over.
    cpSync(dir, reference, { recursive: true });
    const writing = await fixAndKill(reference, undefined);
    const oldText = new Map<string, string>();
    const newText = new Map<string, string>();
    for (let i = 1; i <= FILES; i++) {
      oldText.set(name(i), vm(i));
      newText.set(name(i), readFileSync(join(reference, name(i)), 'utf8'));
      expect(newText.get(name(i))).not.toBe(oldText.get(name(i)));
    }

    const next = random(Number(process.env.FUZZ_SEED ?? 7));
    // Kills after which some files are old and some new: each landed inside the write phase, between or inside writes.
    let midWrite = 0;
    for (let k = 0; k < KILLS; k++) {
      const seen = { old: 0, new: 0 };
      // Anywhere from the first temporary file to the end of the run.
      await fixAndKill(dir, Math.floor(next() * writing));
      for (const entry of readdirSync(dir)) {
        const text = oldText.get(entry);
        if (text === undefined) {
          // Only a temporary file of the write that was cut short may be left, and it is named so nothing loads it.
          expect(entry).toMatch(LEFTOVER);
          rmSync(join(dir, entry));
          continue;
        }
        const now = readFileSync(join(dir, entry), 'utf8');
        const state = now === text ? 'old' : now === newText.get(entry) ? 'new' : 'torn';
        expect(state, `${entry} after kill ${k}`).not.toBe('torn');
        seen[state as 'old' | 'new']++;
      }
      expect(readdirSync(dir).filter((e) => oldText.has(e))).toHaveLength(FILES);
      if (seen.old > 0 && seen.new > 0) midWrite++;
      for (let i = 1; i <= FILES; i++) writeFileSync(join(dir, name(i)), vm(i));
    }
    // Without this the test would also pass if every kill came before the first write or after the last.
    expect(midWrite, 'no kill landed while files were being written').toBeGreaterThan(0);
  });
});
