import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintFiles, lintText } from '../../src/index.js';
import { parseShellVars, evaluateShellVars } from '../../src/parsers/shell-vars/index.js';
import { MAX_SHELL_CHARS } from '../../src/parsers/shell-vars/parse.js';
import { MAX_SHELL_WORDS } from '../../src/parsers/shell-vars/words.js';
import { stream as streamStylish } from '../../src/reporters/stylish.js';
import { stream as streamJson, toJson } from '../../src/reporters/json.js';
import { parseXml } from '../../src/parsers/xml/index.js';
import { MAX_XML_ELEMENTS } from '../../src/parsers/xml/fast.js';
import { MAX_LINE_FILE_CHARS, parseByKind } from '../../src/kinds/index.js';
import { useTempDirs } from './helpers.js';

// No timings here (scripts/growth.mjs measures them): each case below ran out of heap or took
// minutes before its bound existed, so a regression shows as a crash or a test timeout.

const tempDir = useTempDirs('bounds');
const fatals = (problems: ReadonlyArray<{ severity: string; code: string }>) => problems.filter((p) => p.severity === 'fatal').map((p) => p.code);

describe('item 3: the shell-variable evaluator is bounded', () => {
  it('a 252-byte grub doubling a variable 24 times stops with a fatal finding at the assignment that outgrows the budget', () => {
    const text = `X=ab\n${'X="$X$X"\n'.repeat(24)}GRUB_CMDLINE_LINUX="$X"\n`;
    const file = parseShellVars(text);
    const stop = file.problems.find((p) => p.code === 'shell-expansion-budget')!;
    expect(stop).toBeDefined();
    expect(stop.severity).toBe('fatal');
    // Every character made counts: 2 + 4 + ... + 2^15 = 65,534 fit the 64 Ki allowance (plus 4 per input character); the 15th doubling (line 16) does not.
    const line = text.slice(0, stop.start).split('\n').length;
    expect(line).toBe(16);
    expect(stop.message).toMatch(/^expanding the variables here would make over \d+ characters \(4 per character of input\)/);
  });

  it('doublings split across grub and a grub.d drop-in (each within budget alone) end the evaluation of the pair, not the process', async () => {
    const main = `X=ab\n${'X="$X$X"\n'.repeat(12)}`;
    const dropIn = `${'X="$X$X"\n'.repeat(12)}GRUB_CMDLINE_LINUX="$X"\n`;
    const root = tempDir();
    mkdirSync(join(root, 'etc/default/grub.d'), { recursive: true });
    writeFileSync(join(root, 'etc/default/grub'), main);
    writeFileSync(join(root, 'etc/default/grub.d/more.cfg'), dropIn);
    const report = await lintFiles([root], { config: false });
    expect(report.failures).toEqual([]);
    const ev = evaluateShellVars([parseShellVars(main), parseShellVars(dropIn)]);
    expect(ev.stopped?.file).toBe(1);
    expect(ev.variables.get('X')?.uncertain).toBe(true);
  });

  it('130 KB of dracut `add_drivers+=` lines: stopped by the budget with one fatal finding', async () => {
    const text = 'add_drivers+=" vfio "\n'.repeat(Math.ceil((130 * 1024) / 21));
    const report = await lintText(text, { kind: 'dracut', config: false, filePath: '/etc/dracut.conf.d/x.conf' });
    const msgs = report.results[0]!.messages.filter((m) => m.fatal);
    expect(msgs.map((m) => m.message.slice(0, 40))).toEqual(['expanding the variables here would make ']);
  });

  it('a 440 KB grub of `+=` lines and a 16 MiB grub of `X=1` lines are refused as too long, with one fatal finding', () => {
    for (const text of ['GRUB_CMDLINE_LINUX_DEFAULT+=" x"\n'.repeat(14_000), 'X=1\n'.repeat(4 * 1024 * 1024)]) {
      const file = parseShellVars(text);
      expect(fatals(file.problems)).toEqual(['shell-too-long']);
      expect(file.problems[0]!.message).toContain(`the limit is ${MAX_SHELL_CHARS}`);
    }
  });

  it('a file under the length limit with more words than a real one stops at the word limit, keeping what came before', () => {
    const text = `GRUB_TIMEOUT=5\n${'X=1\n'.repeat(MAX_SHELL_WORDS + 10)}`;
    const file = parseShellVars(text);
    expect(fatals(file.problems)).toEqual(['shell-too-many-words']);
    expect(file.assignments[0]!.value.text).toBe('5');
  });

  it('ordinary self-reference (a drop-in appending to the command line a few times) is not stopped', () => {
    const text = 'GRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'.concat('GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT intel_iommu=on"\n'.repeat(40));
    const file = parseShellVars(text);
    expect(file.problems).toEqual([]);
    expect(file.assignments.at(-1)!.value.text.split(' ').length).toBe(41);
  });
});

describe('item 8: many findings neither overflow a reporter nor flood the report', () => {
  it('a file of 130,000 bad modprobe lines: the first 1,000 problems and one line for the rest (as severe as the worst dropped)', async () => {
    const report = await lintText('x\n'.repeat(130_000), { kind: 'modprobe', config: false, filePath: '/etc/modprobe.d/bad.conf' });
    const msgs = report.results[0]!.messages;
    expect(msgs.length).toBe(1001);
    expect(msgs.at(-1)!.message).toBe('129000 more problems from here on are not listed (at most 1000 per file)');
    expect(msgs.at(-1)!.line).toBe(1001);
    expect(msgs.at(-1)!.severity).toBe(msgs[0]!.severity);
  });

  it('stylish prints 200,000 findings in one file without overflowing the stack; JSON comes one result per piece', async () => {
    const base = await lintText('x\n', { kind: 'modprobe', config: false, filePath: '/etc/modprobe.d/bad.conf' });
    const one = base.results[0]!;
    const many = { ...base, results: [{ ...one, messages: Array.from({ length: 200_000 }, () => one.messages[0]!), errorCount: 0, warningCount: 200_000 }, one] };
    const stylish = [...streamStylish(many, { cwd: '/', color: false })];
    expect(stylish.length).toBe(4);
    expect(stylish.join('').split('\n').filter((l) => l.includes('unknown command')).length).toBe(200_001);
    const json = [...streamJson(many, { cwd: '/', color: false })];
    expect(json.length).toBe(3);
    expect(JSON.parse(json.join('')).length).toBe(2);
    expect(json.join('')).toBe(`${JSON.stringify(toJson(many, { cwd: '/', color: false }))}\n`);
  });
});

describe('item 4: duplicate attributes are found without comparing every pair', () => {
  // A hang guard, not a measurement (scripts/growth.mjs measures): 80,000 attributes took 36 s when
  // each was compared with all before it, and take well under a second now.
  it('80,000 attributes on one element (869 KB) parse; a repeated one among them is still an error', () => {
    let text = "<domain type='kvm'><e";
    for (let i = 0; i < 80_000; i++) text += ` a${i}='x'`;
    const ok = parseXml(`${text}/></domain>`);
    expect(ok.problems).toEqual([]);
    expect(ok.root!.children[0]!.type === 'element' && ok.root!.children[0]!.attributes.length).toBe(80_000);
    const dup = parseXml(`${text} a79999='y'/></domain>`);
    expect(dup.problems.map((p) => p.message)).toEqual(["duplicate attribute 'a79999' on <e>"]);
  }, 30_000);
});

describe('item 11: every accepted input is held within a bound', () => {
  it('16 MiB of unclosed XML tags stops at the element limit with one fatal finding (the tree never grows past it)', () => {
    const doc = parseXml(`<domain type='kvm'>${'<a>'.repeat((16 * 1024 * 1024 - 20) / 3)}`);
    expect(doc.problems.map((p) => [p.code, p.start])).toEqual([['xml-too-many-elements', 19 + 3 * (MAX_XML_ELEMENTS - 1)]]);
  }, 60_000);

  it('a document of 60,000 nested elements (closed properly) is refused the same way; 20,000 are fine', () => {
    const nested = (n: number) => `<domain>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</domain>`;
    expect(parseXml(nested(20_000)).problems).toEqual([]);
    expect(parseXml(nested(60_000)).problems.map((p) => p.code)).toEqual(['xml-too-many-elements']);
  }, 60_000);

  it('line-based host files over 1 MiB (a 10 MB dracut-style line, a modprobe.d file of bad lines) get one fatal finding, not a parse', async () => {
    for (const kind of ['modprobe', 'sysctl', 'kernel-cmdline', 'modules-load'] as const) {
      const out = parseByKind(kind, 'x\n'.repeat(MAX_LINE_FILE_CHARS / 2 + 1));
      expect(out.problems.map((p) => [p.severity, p.code])).toEqual([['fatal', 'too-long']]);
    }
    const report = await lintText(`add_drivers+="${' vfio'.repeat(2_000_000)}"\n`, { kind: 'dracut', config: false, filePath: '/etc/dracut.conf.d/x.conf' });
    expect(report.results[0]!.messages.filter((m) => m.fatal).map((m) => m.message)).toEqual([expect.stringMatching(/^a shell-variable file of 10000016 characters is too long to lint/)]);
  });
});
