import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGlob, GlobError, matchesAny } from '../../src/config/glob.js';
import { runCli } from '../helpers/cli.js';
import { expectNoCrash } from './helpers.js';

/** The previous matcher (a regular expression), kept here as the oracle for what patterns mean. */
function regexOracle(pattern: string): RegExp {
  let p = pattern.replace(/\\/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  const anchored = p.includes('/');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const slash = p[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      const close = p.indexOf('}', i);
      if (close < 0) {
        re += '\\{';
        continue;
      }
      re += `(?:${p.slice(i + 1, close).split(',').map(escape).join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = p.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      const body = p.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      // One change on purpose: a class never matches '/', as `?` and `*` never do (the regex's [^a] did).
      re += body.startsWith('^') ? `[${body}/]` : `[${body}]`;
      i = close;
    } else {
      re += escape(c);
    }
  }
  return new RegExp(anchored ? `^${re}$` : `(?:^|/)${re}$`);
}
function escape(s: string): string {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}


describe('item 5: config globs match in linear time', () => {
  it('`*a*a*a*a*a*a*a*a*a*a*c` against a 45-character name: no match, with work within (n + 1)(2m + 1)', () => {
    const pattern = '*a*a*a*a*a*a*a*a*a*a*c';
    const name = 'a'.repeat(45);
    const g = compileGlob(pattern);
    expect(g.test(name)).toBe(false);
    expect(matchesAny(`dir/${name}`, [pattern])).toBe(false);
    expect(g.work(name)).toBeLessThanOrEqual((name.length + 1) * (2 * 21 + 1));
  });

  it('work is linear in the path for any pattern (fast-check): at most (n + 1)(2m + 1) states', () => {
    const piece = fc.constantFrom('a', 'b', '/', '*', '**', '**/', '?', '{a,ab}', '[a-b]', '[!a]');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', 'b', '/'), maxLength: 200 }), (parts, path) => {
        const pattern = parts.join('');
        const tokens = pattern.replace(/\*\*\/?/g, 'D').replace(/\{[^}]*\}|\[[^\]]*\]/g, 'C').length;
        expect(compileGlob(pattern).work(path)).toBeLessThanOrEqual((path.length + 1) * (2 * tokens + 1));
      }),
      { numRuns: 300 },
    );
  });

  it('means what the regular expression it replaces meant (fast-check, short inputs the oracle can take)', () => {
    // No lone '{' or '[': the regex let a '*' inside a brace through unescaped (a quantifier), a bug not worth copying.
    const piece = fc.constantFrom('a', 'b', '.', '/', '*', '**', '**/', '?', '{a,b}', '{a,ab,}', '[a-b]', '[!a]');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.string({ unit: fc.constantFrom('a', 'b', '.', '/'), maxLength: 8 }), (parts, path) => {
        const pattern = parts.join('');
        const oracle = regexOracle(pattern).test(path);
        expect(compileGlob(pattern).test(path)).toBe(oracle);
      }),
      { numRuns: 2000 },
    );
  });

  it('a backwards class range is a config error naming the glob, not an internal error (item 12)', () => {
    expect(() => compileGlob('[z-a].xml')).toThrow(GlobError);
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-glob-'));
    writeFileSync(join(dir, 'vfio-lint.config.json'), JSON.stringify({ overrides: [{ files: ['[z-a].xml'], rules: {} }] }));
    writeFileSync(join(dir, 'vm.xml'), "<domain type='kvm'><name>a</name></domain>\n");
    const r = runCli(['vm.xml'], { cwd: dir });
    expectNoCrash(r);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/overrides\[0\]\.files: the glob "\[z-a\]\.xml" has the range z-a backwards in \[z-a\] \(write a-z\)/);
  });
});
