import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { existsSync, lstatSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { resolveInRoot } from '../../src/host/discover.js';
import { fuzzParams } from '../helpers/fuzz.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs('resolve');

// Names and link targets from a small vocabulary, so that links often meet each other:
// loops, chains, `..` runs past the root, absolute targets, the real /etc, the tree's own real path.
const NAMES = ['a', 'b', 'etc', 'x.conf'];
const name = fc.constantFrom(...NAMES);
const relPath = fc.array(fc.constantFrom(...NAMES, '..', '.'), { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));

type Entry = { kind: 'dir' } | { kind: 'file' } | { kind: 'link'; target: string };

function targetArb(realRoot: string) {
  return fc.oneof(
    relPath,
    relPath.map((p) => `/${p}`),
    fc.constantFrom('/etc/passwd', '/etc', '/', '/dev/null', '/proc/self/root', '../../../../../../..', realRoot, `${realRoot}/a`),
  );
}

describe('resolveInRoot: a tree full of random symlinks', () => {
  it('never throws, never resolves outside the root, and what it returns contains no symlink', () => {
    const base = tempDir();
    const realBase = realpathSync(base);
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.oneof(fc.constant<Entry>({ kind: 'dir' }), fc.constant<Entry>({ kind: 'file' }), targetArb(realBase).map((t): Entry => ({ kind: 'link', target: t })))), { maxLength: 12 }), relPath, (entries, query) => {
        const root = join(base, String(n++));
        mkdirSync(root);
        try {
          // Directories and files first, links last: so making a parent directory never goes through a link (out of the tree).
          const ordered = [...entries.filter(([, e]) => e.kind !== 'link'), ...entries.filter(([, e]) => e.kind === 'link')];
          for (const [parts, entry] of ordered) {
            const p = join(root, ...parts);
            try {
              if (entry.kind !== 'link') mkdirSync(dirname(p), { recursive: true });
              if (lexists(p)) continue;
              if (entry.kind === 'dir') mkdirSync(p);
              else if (entry.kind === 'file') writeFileSync(p, 'x');
              else if (isRealDir(root, dirname(p))) symlinkSync(entry.target, p);
            } catch {
              // A parent that is a file: that entry is simply not made.
            }
          }
          const r = resolveInRoot(root, query);
          if (r.kind !== 'file') return;
          expect(r.path === root || r.path.startsWith(root + sep)).toBe(true);
          if (existsSync(r.path)) expect(realpathSync(r.path)).toBe(r.path);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }),
      fuzzParams(150),
    );
  });
});

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** A directory reached from the root without any link: a safe place to make a link in. */
function isRealDir(root: string, dir: string): boolean {
  return existsSync(dir) && realpathSync(dir) === join(realpathSync(root), dir.slice(root.length));
}
