import { describe, it, expect } from 'vitest';
import { parseShellVars, evaluateShellVars, originsIn, nonPosixProblems } from '../../src/parsers/shell-vars/index.js';
import type { ParsedShellFile, ShellAssignment } from '../../src/parsers/shell-vars/index.js';
import { tokenizeCmdline } from '../../src/parsers/cmdline/index.js';

const only = (text: string): ShellAssignment => {
  const f = parseShellVars(text);
  expect(f.assignments).toHaveLength(1);
  return f.assignments[0]!;
};
const codes = (f: ParsedShellFile): string[] => f.problems.map((p) => p.code);
const final = (text: string, name: string) => evaluateShellVars([parseShellVars(text)]).variables.get(name);

describe('shell-vars: assignments and quoting', () => {
  it('reads a double-quoted value with exact ranges', () => {
    // X0 =1 "2 a3 sp4 b5 "6
    const a = only('X="a b"');
    expect(a).toMatchObject({ name: 'X', nameStart: 0, nameEnd: 1, operator: '=', start: 0, end: 7, valueStart: 2, valueEnd: 7, array: false });
    expect(a.statement).toEqual({ start: 0, end: 7 });
    expect(a.value.text).toBe('a b');
    expect(a.value.origins).toEqual([3, 4, 5]);
    expect(a.quoting).toBe('double');
    expect(a.closeQuote).toBe(6);
    expect(a.quoteChar).toBe('"');
    expect(a.noAutofix).toBe(false);
  });

  it("keeps '$Y' literal in single quotes", () => {
    const a = only("X='$Y'");
    expect(a.value).toMatchObject({ text: '$Y', origins: [3, 4], dynamic: false, unresolved: [] });
    expect(a.quoting).toBe('single');
    expect(a.closeQuote).toBe(5);
    expect(a.quoteChar).toBe("'");
  });

  it('concatenates a"b c"\'d\' and marks mixed quoting', () => {
    // X0 =1 a2 "3 b4 sp5 c6 "7 '8 d9 '10
    const a = only(`X=a"b c"'d'`);
    expect(a.value.text).toBe('ab cd');
    expect(a.value.origins).toEqual([2, 4, 5, 6, 9]);
    expect(a.quoting).toBe('mixed');
    expect(a.closeQuote).toBe(10);
    expect(a.quoteChar).toBe("'");
  });

  it('has no closing quote for an unquoted value, and an empty value is fine', () => {
    const a = only('X=abc');
    expect(a.quoting).toBe('none');
    expect(a.closeQuote).toBeUndefined();
    const e = only('X=');
    expect(e).toMatchObject({ valueStart: 2, valueEnd: 2, end: 2 });
    expect(e.value.text).toBe('');
    expect(e.value.origins).toEqual([]);
  });

  it('decodes only \\$ \\` \\" \\\\ and \\newline inside double quotes', () => {
    // X0 =1 "2 \3 $4 \5 a6 \7 "8 \9 \10 \11 `12 "13
    const a = only('X="\\$\\a\\"\\\\\\`"');
    expect(a.value.text).toBe('$\\a"\\`');
    // each decoded character points at itself (after its backslash); the kept backslash at itself
    expect(a.value.origins).toEqual([4, 5, 6, 8, 10, 12]);
    expect(a.closeQuote).toBe(13);
  });

  it('decodes any backslash escape outside quotes', () => {
    // X0 =1 a2 \3 sp4 b5 \6 "7
    const a = only('X=a\\ b\\"');
    expect(a.value.text).toBe('a b"');
    expect(a.value.origins).toEqual([2, 4, 5, 7]);
  });

  it('joins backslash-newline continuations inside double quotes (q-g-j gentoo grub)', () => {
    // X0 =1 "2 \3 NL4 a5 sp6 \7 NL8 b9 "10
    const a = only('X="\\\na \\\nb"');
    expect(a.value.text).toBe('a b');
    expect(a.value.origins).toEqual([5, 6, 9]);
    expect(a.closeQuote).toBe(10);
    expect(a.statement).toEqual({ start: 0, end: 11 });
  });

  it('joins continuations in unquoted words but not in single quotes', () => {
    // X0 =1 a2 \3 NL4 b5
    expect(only('X=a\\\nb').value).toMatchObject({ text: 'ab', origins: [2, 5] });
    // X0 =1 '2 a3 \4 NL5 b6 '7
    expect(only("X='a\\\nb'").value).toMatchObject({ text: 'a\\\nb', origins: [3, 4, 5, 6] });
  });

  it('locates kernel parameters across continuations with tokenizeCmdline', () => {
    // GRUB_CMDLINE_LINUX is 18 chars: =18 "19 \20 NL21 iommu=pt 22..29 sp30 \31 NL32 intel_iommu=on 33..46 "47
    const text = 'GRUB_CMDLINE_LINUX="\\\niommu=pt \\\nintel_iommu=on"\n';
    const a = only(text);
    const params = tokenizeCmdline(a.value.text, a.value.origins);
    expect(params.map((p) => [p.raw, p.start, p.end])).toEqual([
      ['iommu=pt', 22, 30],
      ['intel_iommu=on', 33, 47],
    ]);
  });

  it('reads two assignments on one line as one statement', () => {
    const f = parseShellVars('A=1 B=2');
    expect(f.assignments.map((a) => [a.name, a.value.text, a.start, a.end])).toEqual([
      ['A', '1', 0, 3],
      ['B', '2', 4, 7],
    ]);
    expect(f.statements).toHaveLength(1);
    expect(f.assignments[1]!.statement).toEqual({ start: 0, end: 7 });
  });

  it('assigns left to right within a line: A=1 B=$A', () => {
    const f = parseShellVars('A=1 B=$A');
    expect(f.assignments[1]!.value).toMatchObject({ text: '1', origins: [2] });
  });

  it('handles export and readonly', () => {
    const f = parseShellVars('export A=1 B="2"\nreadonly C=3');
    expect(f.assignments.map((a) => [a.name, a.declaration, a.scope])).toEqual([
      ['A', 'export', 'file'],
      ['B', 'export', 'file'],
      ['C', 'readonly', 'file'],
    ]);
    expect(f.statements[0]).toMatchObject({ kind: 'assignment', start: 0, end: 16 });
    expect(f.problems).toEqual([]);
  });

  it('records +=, and nonPosixProblems flags it for dash', () => {
    const f = parseShellVars('X=a\nX+=" y"');
    expect(f.assignments[1]!.operator).toBe('+=');
    expect(f.assignments[1]!.valueStart).toBe(7);
    expect(f.problems).toEqual([]);
    // bash concatenates
    const v = evaluateShellVars([f]).variables.get('X')!;
    expect(v.value.text).toBe('a y');
    expect(v.value.offsets).toEqual([2, 8, 9]);
    const np = nonPosixProblems(f);
    expect(np).toHaveLength(1);
    expect(np[0]).toMatchObject({ code: 'shell-plus-assign-not-posix', severity: 'error', start: 4, end: 11 });
  });
});

describe('shell-vars: GRUB catalog cases (2.9)', () => {
  it('NAME=value cmd is a command, not an assignment', () => {
    // GRUB_CMDLINE_LINUX_DEFAULT is 26 chars; "=quiet" ends at 32; " splash" at 39
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT=quiet splash';
    const f = parseShellVars(text);
    expect(f.assignments).toEqual([]);
    expect(f.statements).toHaveLength(1);
    const s = f.statements[0]!;
    expect(s).toMatchObject({ kind: 'command', command: 'splash', start: 0, end: 39 });
    expect(s.assignments[0]).toMatchObject({ name: 'GRUB_CMDLINE_LINUX_DEFAULT', scope: 'command', nameStart: 0, nameEnd: 26 });
    expect(s.assignments[0]!.value.text).toBe('quiet');
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'shell-env-prefix-command', severity: 'error', start: 0, end: 39 });
    expect(f.problems[0]!.message).toContain("'splash'");
    // the variable keeps its earlier value
    const ev = evaluateShellVars([f], { GRUB_CMDLINE_LINUX_DEFAULT: '' });
    expect(ev.variables.get('GRUB_CMDLINE_LINUX_DEFAULT')!.value.text).toBe('');
    expect(ev.variables.get('GRUB_CMDLINE_LINUX_DEFAULT')!.setBy).toBeUndefined();
    expect(ev.assignments[0]!.applied).toBe(false);
  });

  it('X= foo is also a command with an empty prefix', () => {
    const f = parseShellVars('X= foo');
    expect(f.assignments).toEqual([]);
    expect(codes(f)).toEqual(['shell-env-prefix-command']);
  });

  it('X="a"; X="$X b" gives "a b" with origins through $X', () => {
    // X0 =1 "2 a3 "4 ;5 sp6 X7 =8 "9 $10 X11 sp12 b13 "14
    const f = parseShellVars('X="a"; X="$X b"');
    expect(f.assignments[1]!.value).toMatchObject({ text: 'a b', origins: [3, 12, 13] });
    expect(f.assignments.every((a) => a.noAutofix)).toBe(true);
    expect(final('X="a"; X="$X b"', 'X')!.value.text).toBe('a b');
  });

  it('X=a #b: a comment after whitespace; X=a#b: no comment', () => {
    const f = parseShellVars('X=a #b');
    expect(f.assignments[0]!.value.text).toBe('a');
    expect(f.comments).toEqual([{ start: 4, end: 6, body: 'b' }]);
    const g = parseShellVars('X=a#b');
    expect(g.assignments[0]!.value.text).toBe('a#b');
    expect(g.comments).toEqual([]);
    // '#' right after '=' starts the value, not a comment
    expect(only('X=#b').value.text).toBe('#b');
  });

  it("Debian's backquoted lsb_release line is dynamic, not an error", () => {
    const text = 'GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\nGRUB_TIMEOUT=5\n';
    const f = parseShellVars(text);
    expect(f.problems).toEqual([]);
    const a = f.assignments[0]!;
    expect(a.name).toBe('GRUB_DISTRIBUTOR');
    expect(a.value).toMatchObject({ text: '', dynamic: true });
    expect(a.valueEnd).toBe(text.indexOf('\n'));
    expect(a.noAutofix).toBe(true);
    expect(f.assignments[1]!.value.text).toBe('5');
    expect(f.assignments[1]!.noAutofix).toBe(false);
  });

  it("Fedora's $(sed ...) distributor line with quotes inside is dynamic", () => {
    const text = `GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"\nX=1`;
    const f = parseShellVars(text);
    expect(f.problems).toEqual([]);
    expect(f.assignments[0]!.value).toMatchObject({ text: '', dynamic: true });
    expect(f.assignments[0]!.closeQuote).toBe(text.indexOf('\n') - 1);
    expect(f.assignments[1]!.name).toBe('X');
  });

  it('grub.d drop-ins run after the main file and override it', () => {
    const main = parseShellVars('GRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_TIMEOUT=5');
    // $ at 28..54; " intel_iommu=on" starts at 55
    const dropIn = parseShellVars('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on"\nGRUB_TIMEOUT=0');
    const ev = evaluateShellVars([main, dropIn], { GRUB_CMDLINE_LINUX: '', GRUB_CMDLINE_LINUX_DEFAULT: '' });
    const d = ev.variables.get('GRUB_CMDLINE_LINUX_DEFAULT')!;
    expect(d.value.text).toBe('quiet intel_iommu=on');
    expect(d.value.files).toEqual([0, 0, 0, 0, 0, ...new Array(15).fill(1)]);
    expect(d.value.offsets.slice(0, 6)).toEqual([28, 29, 30, 31, 32, 55]);
    expect(originsIn(d.value, 1).slice(4, 7)).toEqual([-1, 55, 56]);
    expect(d.setBy).toMatchObject({ file: 1 });
    expect(ev.variables.get('GRUB_TIMEOUT')!.value.text).toBe('0');
    expect(ev.variables.get('GRUB_TIMEOUT')!.setBy!.file).toBe(1);
    expect(ev.variables.get('GRUB_CMDLINE_LINUX')!.setBy).toBeUndefined();
    expect(ev.assignments.map((a) => [a.file, a.assignment.name])).toEqual([
      [0, 'GRUB_CMDLINE_LINUX_DEFAULT'],
      [0, 'GRUB_TIMEOUT'],
      [1, 'GRUB_CMDLINE_LINUX_DEFAULT'],
      [1, 'GRUB_TIMEOUT'],
    ]);
  });

  it('values from initialEnv have no origin', () => {
    // X0 =1 "2 $3, GRUB_CMDLINE_LINUX (18 chars) 4..21, sp22 a23 "24
    const f = parseShellVars('X="$GRUB_CMDLINE_LINUX a"');
    const v = evaluateShellVars([f], { GRUB_CMDLINE_LINUX: 'zz' }).variables.get('X')!.value;
    expect(v.text).toBe('zz a');
    expect(v.files).toEqual([-1, -1, 0, 0]);
    expect(v.offsets).toEqual([-1, -1, 22, 23]);
    // parsed alone, the variable is unknown: empty, and reported as unresolved
    expect(f.assignments[0]!.value).toMatchObject({ text: ' a', origins: [22, 23], unresolved: ['GRUB_CMDLINE_LINUX'] });
  });
});

describe('shell-vars: parameter expansion', () => {
  it('${U:-word} uses the word when unset', () => {
    // B0 =1 $2 {3 U4 :5 -6 d7 e8 f9 }10
    expect(only('B=${U:-def}').value).toMatchObject({ text: 'def', origins: [7, 8, 9], unresolved: [] });
  });

  it('distinguishes - from :- and + from :+ on a set but empty variable', () => {
    const text = 'A=\nB=${A-x}\nC=${A:-x}\nD=${A+y}\nE=${A:+y}\nF=${U+y}';
    const ev = evaluateShellVars([parseShellVars(text)]);
    const get = (n: string) => ev.variables.get(n)!.value.text;
    expect([get('B'), get('C'), get('D'), get('E'), get('F')]).toEqual(['', 'x', 'y', '', '']);
  });

  it('${U:=word} also assigns U', () => {
    const ev = evaluateShellVars([parseShellVars('B=${U:=v}\nC=$U')]);
    expect(ev.variables.get('B')!.value.text).toBe('v');
    expect(ev.variables.get('C')!.value.text).toBe('v');
    expect(ev.variables.get('U')!.value.text).toBe('v');
  });

  it('maps $VAR characters to where the earlier value was written', () => {
    // A0 =1 "2 x3 y4 "5 NL6 B7 =8 "9 <10 $11 A12 >13 "14
    const f = parseShellVars('A="xy"\nB="<$A>"');
    expect(f.assignments[1]!.value).toMatchObject({ text: '<xy>', origins: [10, 3, 4, 13] });
  });

  it('marks unknown variables unresolved', () => {
    expect(only('X=$NOPE').value).toMatchObject({ text: '', unresolved: ['NOPE'], dynamic: false });
  });

  it('treats string operators, special parameters and $(( )) as dynamic', () => {
    for (const text of ['X=${Y%% *}', 'X=$1', 'X="$@"', 'X=${#Y}', 'X=$((1+(2*3)))', "X=$'a\\n'"]) {
      const f = parseShellVars(text);
      expect(f.problems, text).toEqual([]);
      expect(f.assignments[0]!.value.dynamic, text).toBe(true);
    }
  });

  it('finds the end of nested $( ) with quotes and parentheses inside', () => {
    const text = 'X=$(echo ")" $(echo \'a)b\') `c)`)x\nY=1';
    const f = parseShellVars(text);
    expect(f.problems).toEqual([]);
    expect(f.assignments.map((a) => a.name)).toEqual(['X', 'Y']);
    const x = f.assignments[0]!;
    expect(x.valueEnd).toBe(text.indexOf('\n'));
    expect(x.value.text).toBe('x');
    expect(x.value.dynamic).toBe(true);
  });
});

describe('shell-vars: bash arrays', () => {
  it('reads words in any quoting, with comments and newlines inside', () => {
    // M0 =1 (2 sp3 a4 sp5 "6 b7 sp8 c9 "10 sp11 #12.. NL21 sp22 sp23 '24 d25 '26 sp27 )28
    const text = 'M=( a "b c" # comment\n  \'d\' )';
    const f = parseShellVars(text);
    const a = f.assignments[0]!;
    expect(a.array).toBe(true);
    expect(a.closeParen).toBe(28);
    expect(a).toMatchObject({ valueStart: 2, valueEnd: 29, end: 29 });
    expect(a.elements.map((e) => [e.text, e.start, e.end, e.origins])).toEqual([
      ['a', 4, 5, [4]],
      ['b c', 6, 11, [7, 8, 9]],
      ['d', 24, 27, [25]],
    ]);
    expect(f.comments).toEqual([{ start: 12, end: 21, body: ' comment' }]);
    expect(a.value.text).toBe('a b c d');
  });

  it('splits unquoted expansions into elements and keeps quoted ones whole', () => {
    const ev = evaluateShellVars([parseShellVars('S="x y"\nE=\nA=($S "$S" $E "$E" d$S)')]);
    expect(ev.variables.get('A')!.elements.map((e) => e.text)).toEqual(['x', 'y', 'x y', '', 'dx', 'y']);
  });

  it('appends with +=, expands ${A[@]} and "${A[@]}"', () => {
    const text = 'A=(a "b c")\nA+=(d)\nB=(${A[@]} e)\nC=("${A[@]}")\nD="${A[@]}"\nE=(x "${NONE[@]}" y)';
    const ev = evaluateShellVars([parseShellVars(text)]);
    const els = (n: string) => ev.variables.get(n)!.elements.map((e) => e.text);
    expect(els('A')).toEqual(['a', 'b c', 'd']);
    expect(els('B')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(els('C')).toEqual(['a', 'b c', 'd']);
    expect(ev.variables.get('D')!.value.text).toBe('a b c d');
    expect(ev.variables.get('D')!.isArray).toBe(false);
    expect(els('E')).toEqual(['x', 'y']);
  });

  it('a scalar += onto an array appends to element 0; an array += onto a scalar makes an array', () => {
    const ev = evaluateShellVars([parseShellVars('A=(a b)\nA+=x\nS=s\nS+=(t)')]);
    expect(ev.variables.get('A')!.elements.map((e) => e.text)).toEqual(['ax', 'b']);
    expect(ev.variables.get('S')).toMatchObject({ isArray: true });
    expect(ev.variables.get('S')!.elements.map((e) => e.text)).toEqual(['s', 't']);
  });

  it('reports an unterminated array from its ( to the end', () => {
    const f = parseShellVars('M=(a b\nX=1\n');
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'shell-unterminated-array', start: 2, end: 11 });
  });

  it('nonPosixProblems flags arrays', () => {
    expect(nonPosixProblems(parseShellVars('M=(a)')).map((p) => p.code)).toEqual(['shell-array-not-posix']);
  });
});

describe('shell-vars: problems', () => {
  it('an unterminated double quote runs from the quote to EOF and says where it opened', () => {
    const text = 'A=1\nX="abc\nY=1\n';
    const f = parseShellVars(text);
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'shell-unterminated-quote', severity: 'error', start: 6, end: text.length });
    expect(f.problems[0]!.message).toContain('double quote');
    expect(f.problems[0]!.message).toContain('line 2, column 3');
    // the shell swallows the rest of the file into X
    expect(f.assignments.map((a) => a.name)).toEqual(['A', 'X']);
  });

  it('an unterminated single quote', () => {
    const f = parseShellVars("X='abc");
    expect(f.problems[0]).toMatchObject({ code: 'shell-unterminated-quote', start: 2, end: 6 });
    expect(f.problems[0]!.message).toContain('single quote');
  });

  it('unterminated $( and backquote', () => {
    expect(parseShellVars('X=$(foo').problems[0]).toMatchObject({ code: 'shell-unterminated-substitution', start: 2, end: 7 });
    expect(parseShellVars('X=`foo').problems[0]).toMatchObject({ code: 'shell-unterminated-substitution', start: 2, end: 6 });
    expect(parseShellVars('X=${A:-b').problems[0]).toMatchObject({ code: 'shell-unterminated-substitution', start: 2, end: 8 });
  });

  it('reports only the innermost unterminated construct', () => {
    const f = parseShellVars('X="$(echo');
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ code: 'shell-unterminated-substitution', start: 3 });
  });

  it('a trailing backslash at EOF is a warning and stays literal', () => {
    const f = parseShellVars('X=a\\');
    expect(f.problems).toEqual([expect.objectContaining({ code: 'shell-trailing-backslash', severity: 'warning', start: 3, end: 4 })]);
    expect(f.assignments[0]!.value).toMatchObject({ text: 'a\\', origins: [2, 3] });
  });

  it('CRLF files get one warning', () => {
    const f = parseShellVars('X="a"\r\nY="b"\r\n');
    expect(f.problems.filter((p) => p.code === 'shell-crlf')).toEqual([expect.objectContaining({ start: 5, end: 6, severity: 'warning' })]);
  });

  it('stray operators and closers are syntax errors', () => {
    expect(codes(parseShellVars('; X=1'))).toEqual(['shell-unexpected-token']);
    expect(codes(parseShellVars('fi'))).toEqual(['shell-unexpected-token']);
    expect(codes(parseShellVars('X=1 )'))).toEqual(['shell-unexpected-token']);
    expect(codes(parseShellVars('X=1 ;; Y=2'))).toEqual(['shell-unexpected-token']);
  });

  it('an if without fi is reported from the if to EOF', () => {
    const f = parseShellVars('X=1\nif true; then\nY=2\n');
    expect(f.problems).toEqual([expect.objectContaining({ code: 'shell-unclosed-block', start: 4, end: 22 })]);
  });
});

describe('shell-vars: commands are recorded, not run', () => {
  it('source, ., if/for/while, case, heredocs and functions', () => {
    const text = [
      '. /etc/default/grub.d/x.cfg', // 0
      'source "$f"', // 1
      'if [ -e /x ]; then A=1; else A=2; fi',
      'for i in 1 2; do B=$i; done',
      'case $x in a) C=1;; (b|c) C=2;; esac',
      'cat <<EOF >/dev/null',
      'D=1',
      'EOF',
      'f() { E=1; }',
      'function g { F=1; }',
      'G=done',
    ].join('\n');
    const f = parseShellVars(text);
    expect(f.problems).toEqual([]);
    expect(f.statements.filter((s) => s.kind === 'command').map((s) => s.command)).toEqual(['.', 'source', '[', 'for', 'case', 'cat', 'f', 'function']);
    expect(f.assignments.map((a) => [a.name, a.conditional])).toEqual([
      ['A', true],
      ['A', true],
      ['B', true],
      ['E', true],
      ['F', true],
      ['G', false],
    ]);
    const ev = evaluateShellVars([f]);
    expect(ev.variables.get('A')).toMatchObject({ uncertain: true });
    expect(ev.variables.get('G')).toMatchObject({ uncertain: false });
    expect(ev.variables.has('C')).toBe(false);
    expect(ev.variables.has('D')).toBe(false);
    expect(ev.commands.map((c) => c.statement.command)).toEqual(['.', 'source', '[', 'for', 'case', 'cat', 'f', 'function']);
  });

  it('&&, ||, | and & make assignments conditional', () => {
    const f = parseShellVars('A=1 && B=2\n[ -n x ] || C=3\nD=4 | cat\nE=5 &\nF=6');
    expect(f.assignments.map((a) => [a.name, a.conditional])).toEqual([
      ['A', false],
      ['B', true],
      ['C', true],
      ['D', true],
      ['E', true],
      ['F', false],
    ]);
    expect(f.problems).toEqual([]);
  });

  it('applies unset', () => {
    const ev = evaluateShellVars([parseShellVars('X=1\nY=2\nunset X')]);
    expect(ev.variables.has('X')).toBe(false);
    expect(ev.variables.has('Y')).toBe(true);
  });

  it('an assignment with a redirection still assigns', () => {
    const f = parseShellVars('X=1 >/dev/null 2>&1');
    expect(f.assignments.map((a) => a.name)).toEqual(['X']);
    expect(f.statements[0]).toMatchObject({ kind: 'assignment', end: 19 });
  });
});

describe('shell-vars: fix helpers', () => {
  it('noAutofix only on lines with $( ` ; && ||', () => {
    const f = parseShellVars('A="x"\nB="y" # a; b\nC="$(z)"\nD=1 && E=2\nF="p\nq" || true\nG="`w`"\nH="ok"');
    expect(f.assignments.map((a) => [a.name, a.noAutofix])).toEqual([
      ['A', false],
      ['B', true],
      ['C', true],
      ['D', true],
      ['E', true],
      ['F', true],
      ['G', true],
      ['H', false],
    ]);
  });

  it('exposes every comment for suppression directives', () => {
    const text = '# vfio-lint-disable-next-line iommu-missing -- reason\nGRUB_CMDLINE_LINUX=""  # trailing\r\n';
    const f = parseShellVars(text);
    expect(f.comments).toEqual([
      { start: 0, end: 53, body: ' vfio-lint-disable-next-line iommu-missing -- reason' },
      { start: 77, end: 87, body: ' trailing' },
    ]);
  });
});
