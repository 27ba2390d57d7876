// From the modules themselves, not topology/index.js (which also reads files): the playground draws the map in a browser.
import { formatBytes, l2Runs, type CoreGroup } from '../topology/layout.js';
import { describePlan } from '../topology/plan.js';
import type { CpuRole, CpuUse, PinningMap } from '../topology/usage.js';
import type { FileTopology } from '../topology/files.js';
import { oneLine } from '../reporters/text.js';

/** Width of one CPU's cell: id (3), isolation flag (1), what runs there and a conflict mark (7). */
const TAG = 7;
const DOMAIN_COLORS = ['32', '36', '35', '92', '96', '95'];

export interface TextOptions {
  color: boolean;
  /** Columns to fill; at least 40 are used. */
  width: number;
}

/** The map as text for a terminal: one block per package, node and L3, one cell per CPU, then a legend. */
export function topologyText(t: FileTopology, opts: TextOptions): string {
  const out: string[] = [];
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  if (t.name) out.push(paint('1', `Machine ${oneLine(t.name)}`));
  for (const p of t.problems) out.push(`${oneLine(p.path)}: ${oneLine(p.message)}`);
  const map = t.map;
  if (!map) {
    for (const n of t.notes) out.push(oneLine(n));
    return `${out.join('\n')}\n`;
  }
  const l = map.layout;
  const many = map.domains.length > 1;
  const letter = (i: number) => (many ? String.fromCharCode(65 + (i % 26)) : '');
  out.push(paint('1', 'Host CPUs') + `: ${l.model ? `${oneLine(l.model)}, ` : ''}${plural(l.packages.length, 'package')}, ${plural(l.cores.length, 'core')}, ${plural(l.cpus.size, 'CPU')}`);
  out.push(`From ${oneLine(l.label)}`);
  map.domains.forEach((d, i) => out.push(`Domain ${many ? `${letter(i)} ` : ''}${paint(DOMAIN_COLORS[i % DOMAIN_COLORS.length]!, oneLine(d.name))}: ${plural(d.vcpuCount, 'vCPU')}${d.threads > 1 ? `, ${d.threads} threads per guest core` : ''}`));
  if (map.isolation) {
    const parts = [['isolcpus', map.isolation.isolcpus], ['nohz_full', map.isolation.nohzFull], ['rcu_nocbs', map.isolation.rcuNocbs]].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${oneLine(v!)}`);
    out.push(`Kernel command line (${oneLine(map.isolation.label)}): ${parts.join(' ')}`);
  }
  const inner = Math.max(40, opts.width) - 3;
  for (const pkg of l.packages) {
    out.push('');
    out.push(paint('1', `Package ${pkg.id ?? '?'}`));
    for (const node of pkg.nodes) {
      out.push(` NUMA node ${node.id ?? '?'}${node.memoryBytes !== undefined ? ` · ${formatBytes(node.memoryBytes)} memory` : ''}`);
      for (const l3 of node.l3s) {
        const size = l3.bytes !== undefined ? ` · ${formatBytes(l3.bytes)}${l3.largest ? ', the largest' : ''}` : '';
        out.push(`  ${l3.known ? `L3 #${l3.index}${size}` : 'L3 unknown'} · CPUs ${l3.cpus.format()}`);
        for (const run of l2Runs(l3.cores)) {
          if (run[0]!.sharedL2) out.push(`   cores sharing one L2 (CPUs ${run[0]!.sharedL2.format()}):`);
          const cells = run.map((c) => coreCell(c, map, letter, paint));
          const cellWidth = Math.max(...run.map((c) => c.threads.length * (4 + TAG) + c.threads.length + 1));
          const perLine = Math.max(1, Math.floor((inner + 1) / (cellWidth + 1)));
          for (let i = 0; i < cells.length; i += perLine) out.push(`  ${cells.slice(i, i + perLine).join(' ')}`);
        }
      }
    }
  }
  out.push('');
  out.push(...legend(map, letter, paint));
  if (map.conflicts.length > 0) {
    out.push('', paint('1', 'Conflicts:'));
    for (const c of map.conflicts) out.push(`  ${paint('1;31', '!')} ${oneLine(c.text)}`);
  }
  for (const m of l.missing) out.push('', `Missing: ${oneLine(m)}`);
  if (t.notes.length > 0) {
    out.push('', paint('1', 'Notes:'));
    for (const n of t.notes) out.push(`  ${oneLine(n)}`);
  }
  for (const [i, plan] of t.plans) {
    const d = map.domains[i]!;
    out.push('', paint('1', `Suggested layout for ${oneLine(d.name)}:`));
    for (const line of describePlan(plan)) out.push(`  ${line}`);
  }
  const width = Math.max(40, opts.width);
  return `${out.flatMap((line) => wrapLine(line, width)).join('\n')}\n`;
}

/** A line longer than the width, broken at spaces; continuation lines are indented 4 more than the first. */
function wrapLine(line: string, width: number): string[] {
  if (visible(line).length <= width) return [line];
  const lead = /^ */.exec(line)![0];
  const indent = `${lead}    `;
  const words = line.slice(lead.length).split(' ');
  const lines: string[] = [];
  let cur = lead;
  for (const w of words) {
    const sep = cur.trim() === '' ? '' : ' ';
    if (cur.trim() !== '' && visible(cur).length + 1 + visible(w).length > width) {
      lines.push(cur);
      cur = indent + w;
    } else cur += sep + w;
  }
  lines.push(cur);
  return lines;
}


function coreCell(core: CoreGroup, map: PinningMap, letter: (i: number) => string, paint: (code: string, s: string) => string): string {
  const threads = core.threads.map((cpu) => {
    const u = map.uses.get(cpu)!;
    const flag = u.isolated ? 'I' : u.nohzFull || u.rcuNocbs ? 'n' : ' ';
    const tag = cpuTag(u, letter);
    const code = u.conflict ? '1;31' : u.roles.length === 0 ? '2' : roleColor(u.roles[0]!);
    return `${String(cpu).padStart(3)}${flag === ' ' ? ' ' : paint('1', flag)}${paint(code, tag.padEnd(TAG))}`;
  });
  return `[${threads.join(' ')}]`;
}

/** What runs on a CPU in at most seven characters: `v12`, `Av3`, `emu`, `io1`, `v0+emu`, `.` when nothing; `!` marks a conflict. */
export function cpuTag(u: CpuUse, letter: (i: number) => string): string {
  const seen = new Set<string>();
  for (const r of u.roles) seen.add(roleTag(r, letter));
  let tag = [...seen].join('+');
  if (tag === '') tag = '.';
  const mark = u.conflict ? '!' : '';
  if (tag.length + mark.length > TAG) tag = `${tag.slice(0, TAG - 1 - mark.length)}+`;
  return tag + mark;
}

function roleTag(r: CpuRole, letter: (i: number) => string): string {
  return r.kind === 'vcpu' ? `${letter(r.domain)}v${r.vcpu}` : r.kind === 'emulator' ? `${letter(r.domain)}emu` : `${letter(r.domain)}io${r.iothread}`;
}

function roleColor(r: CpuRole): string {
  return r.kind === 'vcpu' ? DOMAIN_COLORS[r.domain % DOMAIN_COLORS.length]! : r.kind === 'emulator' ? '33' : '34';
}

function legend(map: PinningMap, letter: (i: number) => string, paint: (code: string, s: string) => string): string[] {
  const many = map.domains.length > 1;
  const items = [
    `${paint('1', '[ ]')} one core, its SMT threads`,
    `${paint(DOMAIN_COLORS[0]!, many ? 'Av3' : 'v3')} vCPU 3${many ? ' of domain A' : ''}`,
    `${paint('33', 'emu')} emulator threads`,
    `${paint('34', 'io1')} iothread 1`,
    `${paint('2', '.')} nothing pinned`,
    `${paint('1', 'I')} isolcpus (no load balancing)`,
    `${paint('1', 'n')} nohz_full/rcu_nocbs only`,
    `${paint('1;31', '!')} conflict (listed below)`,
    'no I or n: housekeeping',
  ];
  void letter;
  // Greedy lines under 80 visible columns, whatever the terminal: the legend is read, not scanned.
  const lines: string[] = [];
  let line = 'Legend:';
  for (const item of items) {
    if (visible(line).length + 3 + visible(item).length > 79 && line.trim() !== 'Legend:') {
      lines.push(line);
      line = '       ';
    }
    line += `${line.trim() === 'Legend:' || line.trim() === '' ? ' ' : ' · '}${item}`;
  }
  lines.push(line);
  return lines;
}

function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
