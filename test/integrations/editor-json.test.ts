import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';

/**
 * The JSON contract for editor plugins that run the command (docs/editors.md): the unsaved buffer
 * goes to stdin as --stdin-filename, the rest of the machine is read from disk, and every range
 * and fix in the output is about the buffer's text, not the file on disk.
 */
const DESK = join(ROOT, 'test', 'fixtures', 'integrations', 'desk');

interface JsonMessage {
  ruleId: string | null;
  message: string;
  line: number;
  column: number;
  fix?: { range: [number, number]; text: string };
  edits?: Array<{ filePath: string; range: [number, number]; text: string; line?: number }>;
  suggestions?: Array<{ desc: string; edits: Array<{ filePath: string; range: [number, number]; text: string }> }>;
}

describe('vfio-lint --format json --stdin --stdin-filename, as an editor runs it', () => {
  it('lints the buffer with the machine around it, and its fix ranges apply to the buffer', () => {
    const domainPath = join(DESK, 'win11.xml');
    // The buffer differs from the disk: one more line at the top shifts every offset, and vCPU 1 is
    // pinned to host CPU 9 instead of 10.
    const buffer = `<!-- unsaved edit -->\n${readFileSync(domainPath, 'utf8').replace("<vcpupin vcpu='1' cpuset='10'/>", "<vcpupin vcpu='1' cpuset='9'/>")}`;
    const r = runCli(['--no-config', '--format', 'json', '--stdin', '--stdin-filename', domainPath, DESK], { input: buffer });
    expect(r.stderr).toBe('');
    const results = JSON.parse(r.stdout) as Array<{ filePath: string; messages: JsonMessage[] }>;
    const mine = results.find((x) => x.filePath === domainPath)!;
    const balloon = mine.messages.find((m) => m.ruleId === 'memballoon-present')!;
    // Line 89 on disk is line 90 in the buffer.
    expect([balloon.line, balloon.column]).toEqual([90, 17]);
    const [start, end] = balloon.fix!.range;
    const fixed = buffer.slice(0, start) + balloon.fix!.text + buffer.slice(end);
    expect(fixed).toContain("\n    <memballoon model='none'/>\n  </devices>");
    expect(balloon.edits).toEqual([{ filePath: domainPath, range: balloon.fix!.range, text: balloon.fix!.text, line: 90, column: 5, endLine: 92, endColumn: 18 }]);

    // The grub file on disk is judged against the buffer's pins, not the saved domain's (10-15).
    const grub = results.find((x) => x.filePath === join(DESK, 'etc', 'default', 'grub'))!;
    const pinned = grub.messages.find((m) => m.ruleId === 'isolcpus-mismatch' && m.suggestions)!;
    expect(pinned.message).toBe('win11: vCPUs 1, 3, 5, 7, 9 and 11 are pinned to host CPUs 9,11-15, which isolcpus=2-7 does not isolate');
  });
});
