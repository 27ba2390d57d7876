import { oneLine } from '../reporters/text.js';
import { xmlText } from '../reporters/xml-text.js';
import { formatBytes, l2Runs, type CoreGroup } from './layout.js';
import { describePlan } from './plan.js';
import type { FileTopology } from './files.js';
import type { CpuRole, CpuUse, PinningMap } from './usage.js';

/**
 * The topology map as one self-contained SVG image: the same information as the terminal map
 * (src/cli/topology-text.ts), drawn from the same `FileTopology`. Black on white: what runs on a CPU
 * is written in its box and also shown by a fill pattern, a conflict by a thick dashed frame and `!n`,
 * so it reads when printed in grey. No scripts, no external fonts or stylesheets, presentation
 * attributes only; every text from the inputs is escaped for XML.
 */
export function topologySvg(machines: readonly FileTopology[]): string {
  const d = new Drawing();
  machines.forEach((m, i) => {
    if (i > 0) d.rule();
    drawMachine(d, m, machines.length);
  });
  return d.finish(titleOf(machines));
}

/** Text for the SVG's character data, on one line: the XML formats' escaping (src/reporters/xml-text.ts). */
export function xmlEscape(s: string): string {
  return xmlText(oneLine(s));
}

// Geometry, in CSS pixels. Monospace text so widths can be known without font metrics.
const FONT = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";
const CHAR = 0.62; // advance per character, in em (DejaVu Sans Mono: 0.602)
const MARGIN = 16;
const BODY = 12;
const LINE = 17;
const CELL_W = 112;
const CELL_H = 66;
const CELL_FONT = 11;
const GAP = 6;
const PAD = 8;
const LABEL = 20;
/** Room for the cores of one L3 row, inside package, node and L3 frames. */
const ROW = 1020;
const WIDTH = 2 * MARGIN + 6 * PAD + ROW;
const CONFLICT = '#c00000';

/** vCPUs of domain i are hatched at one of these angles, so two domains differ in grey too. */
const HATCH_ANGLES = [45, -45, 0, 90];

function titleOf(machines: readonly FileTopology[]): string {
  const labels = machines.map((m) => m.map?.layout.label).filter((l) => l !== undefined);
  return `CPU topology and pinning${labels.length > 0 ? ` (${labels.join(', ')})` : ''}`;
}

function drawMachine(d: Drawing, t: FileTopology, count: number): void {
  if (t.name !== undefined && count > 1) d.heading(`Machine ${t.name}`, 16);
  for (const p of t.problems) d.para(`${p.path}: ${p.message}`);
  const map = t.map;
  if (!map) {
    for (const n of t.notes) d.para(n);
    return;
  }
  const l = map.layout;
  const many = map.domains.length > 1;
  d.heading(`Host CPUs: ${l.model ? `${l.model}, ` : ''}${plural(l.packages.length, 'package')}, ${plural(l.cores.length, 'core')}, ${plural(l.cpus.size, 'CPU')}`, 15);
  d.para(`From ${l.label}`);
  map.domains.forEach((dom, i) => {
    const text = `Domain ${many ? `${letter(i)} ` : ''}${dom.name}: ${plural(dom.vcpuCount, 'vCPU')}${dom.threads > 1 ? `, ${dom.threads} threads per guest core` : ''}`;
    d.swatchLine({ fill: vcpuFill(i) }, text);
  });
  if (map.isolation) {
    const parts = [['isolcpus', map.isolation.isolcpus], ['nohz_full', map.isolation.nohzFull], ['rcu_nocbs', map.isolation.rcuNocbs]].filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v!}`);
    d.para(`Kernel command line (${map.isolation.label}): ${parts.join(' ')}`);
  }
  const conflictsOf = new Map<number, number[]>();
  map.conflicts.forEach((c, i) => {
    for (const cpu of c.cpus.toArray()) conflictsOf.set(cpu, [...(conflictsOf.get(cpu) ?? []), i + 1]);
  });
  d.space(6);
  for (const pkg of l.packages) {
    d.frame(`Package ${pkg.id ?? '?'}`, 0, { weight: 2 }, () => {
      for (const node of pkg.nodes) {
        d.frame(`NUMA node ${node.id ?? '?'}${node.memoryBytes !== undefined ? ` · ${formatBytes(node.memoryBytes)} memory` : ''}`, 1, { weight: 1.5 }, () => {
          for (const l3 of node.l3s) {
            const size = l3.bytes !== undefined ? ` · ${formatBytes(l3.bytes)}${l3.largest ? ', the largest' : ''}` : '';
            const label = `${l3.known ? `L3 #${l3.index}${size}` : 'L3 unknown'} · CPUs ${l3.cpus.format()}`;
            d.frame(label, 2, { weight: l3.largest ? 3 : 1, dashed: !l3.known }, () => {
              for (const run of l2Runs(l3.cores)) drawCores(d, run, map, many, conflictsOf);
            });
          }
        });
      }
    });
  }
  d.space(4);
  legend(d, map, many);
  if (map.conflicts.length > 0) {
    d.heading('Conflicts', 13);
    map.conflicts.forEach((c, i) => d.para(`!${i + 1} ${c.text}`, { indent: 1, color: CONFLICT }));
  }
  for (const m of l.missing) d.para(`Missing: ${m}`);
  if (t.notes.length > 0) {
    d.heading('Notes', 13);
    for (const n of t.notes) d.para(n, { indent: 1 });
  }
  for (const [i, plan] of t.plans) {
    d.heading(`Suggested layout for ${map.domains[i]!.name}`, 13);
    for (const line of describePlan(plan)) d.para(line, { indent: 1 });
  }
}

/** One run of cores (those sharing one L2, or plain cores), as many to a row as fit. */
function drawCores(d: Drawing, run: CoreGroup[], map: PinningMap, many: boolean, conflictsOf: Map<number, number[]>): void {
  const coreW = (c: CoreGroup) => c.threads.length * CELL_W + (c.threads.length - 1) * GAP + 2 * PAD;
  const cluster = run[0]!.sharedL2;
  const widest = Math.max(...run.map(coreW));
  const inner = cluster ? ROW - 2 * PAD : ROW;
  const perRow = Math.max(1, Math.floor((inner + GAP) / (widest + GAP)));
  const rows = Math.ceil(run.length / perRow);
  const coreH = CELL_H + 2 * PAD + 14;
  const body = rows * coreH + (rows - 1) * GAP;
  const x0 = MARGIN + 3 * PAD + (cluster ? PAD : 0);
  let y = d.y;
  if (cluster) {
    const w = Math.min(perRow, run.length) * (widest + GAP) - GAP + 2 * PAD;
    d.rect(x0 - PAD, y, w, LABEL + body + PAD, { stroke: '#000', width: 1, dash: '2 3', rx: 4 });
    d.text(x0, y + 14, `cores sharing one L2 (CPUs ${cluster.format()})`, { size: CELL_FONT });
    y += LABEL;
  }
  run.forEach((core, i) => {
    const cx = x0 + (i % perRow) * (widest + GAP);
    const cy = y + Math.floor(i / perRow) * (coreH + GAP);
    d.rect(cx, cy, coreW(core), coreH, { stroke: '#000', width: 1.5, rx: 6 });
    const kind = core.kind === 'efficiency' ? 'E-core' : core.kind === 'performance' ? 'P-core' : 'core';
    d.text(cx + PAD, cy + 13, `${kind}${core.coreId !== undefined ? ` ${core.coreId}` : ''}${core.threads.length > 1 ? ` · ${core.threads.length} threads` : ''}`, { size: 10, fill: '#333' });
    core.threads.forEach((cpu, k) => drawCpu(d, cx + PAD + k * (CELL_W + GAP), cy + PAD + 14, map.uses.get(cpu)!, map, many, conflictsOf.get(cpu) ?? []));
  });
  d.y = y + body + (cluster ? PAD : 0) + GAP;
}

/** One CPU: its number, what runs there (fill pattern and words), its isolation, its conflicts. */
function drawCpu(d: Drawing, x: number, y: number, u: CpuUse, map: PinningMap, many: boolean, conflicts: number[]): void {
  const roles = roleLabels(u.roles, many);
  const fill = u.roles.length === 0 ? '#fff' : roleFill(u.roles[0]!);
  const iso = isolationLabel(u);
  const full = [`CPU ${u.cpu}`, roles.length > 0 ? roles.map((r) => roleWords(r.role, map)).join(', ') : 'nothing pinned', iso, ...conflicts.map((n) => `conflict ${n}: ${map.conflicts[n - 1]!.text}`)].join('; ');
  d.raw(`<g><title>${xmlEscape(full)}</title>`);
  d.rect(x, y, CELL_W, CELL_H, { fill, stroke: '#000', width: 1 });
  // The words sit on a white band so the pattern never hides them.
  d.rect(x + 3, y + 3, CELL_W - 6, CELL_H - 6, { fill: '#fff', opacity: 0.75 });
  if (conflicts.length > 0) d.rect(x + 1.5, y + 1.5, CELL_W - 3, CELL_H - 3, { stroke: CONFLICT, width: 3, dash: '6 3' });
  const mark = conflicts.length > 0 ? ` !${conflicts.join(',')}` : '';
  d.text(x + 6, y + 15, `CPU ${u.cpu}`, { size: CELL_FONT + 1, bold: true });
  if (mark) d.text(x + CELL_W - 6, y + 15, fit(mark.trim(), 8), { size: CELL_FONT + 1, bold: true, fill: CONFLICT, anchor: 'end' });
  const lines = roles.length === 0 ? ['unused'] : roles.length <= 2 ? roles.map((r) => r.text) : [roles[0]!.text, `+ ${roles.length - 1} more`];
  lines.forEach((line, i) => d.text(x + 6, y + 30 + i * 14, fit(line, 15), { size: CELL_FONT, fill: roles.length === 0 ? '#555' : '#000', bold: roles.length > 0 }));
  d.text(x + 6, y + CELL_H - 6, iso, { size: CELL_FONT - 1, fill: iso === 'housekeeping' ? '#555' : '#000', bold: u.isolated });
  d.raw('</g>');
}

function isolationLabel(u: CpuUse): string {
  if (u.isolated) return 'isolcpus';
  if (u.nohzFull && u.rcuNocbs) return 'nohz+rcu_nocbs';
  if (u.nohzFull) return 'nohz_full';
  if (u.rcuNocbs) return 'rcu_nocbs';
  return 'housekeeping';
}

/** The roles on a CPU as short distinct labels (`vCPU 3`, `A: vCPU 3`, `emulator`, `iothread 1`). */
function roleLabels(roles: CpuRole[], many: boolean): Array<{ role: CpuRole; text: string }> {
  const seen = new Map<string, CpuRole>();
  for (const r of roles) {
    const who = many ? `${letter(r.domain)}: ` : '';
    const text = r.kind === 'vcpu' ? `${who}vCPU ${r.vcpu}` : r.kind === 'emulator' ? `${who}emulator` : `${who}iothread ${r.iothread}`;
    if (!seen.has(text)) seen.set(text, r);
  }
  return [...seen].map(([text, role]) => ({ role, text }));
}

function roleWords(r: CpuRole, map: PinningMap): string {
  const of = ` of ${map.domains[r.domain]!.name}`;
  return r.kind === 'vcpu' ? `vCPU ${r.vcpu}${of}` : r.kind === 'emulator' ? `emulator threads${of}` : `iothread ${r.iothread}${of}`;
}

function roleFill(r: CpuRole): string {
  return r.kind === 'vcpu' ? vcpuFill(r.domain) : r.kind === 'emulator' ? 'url(#vl-emulator)' : 'url(#vl-iothread)';
}

function vcpuFill(domain: number): string {
  return `url(#vl-vcpu-${domain % HATCH_ANGLES.length})`;
}

function legend(d: Drawing, map: PinningMap, many: boolean): void {
  d.heading('Legend', 13);
  const items: Array<[Swatch, string]> = [
    [{ fill: '#fff', stroke: '#000', width: 1.5, rx: 6 }, 'a core: its SMT threads side by side'],
    [{ fill: vcpuFill(0) }, many ? 'vCPU n of a domain (the letter names it; a hatch per domain)' : 'vCPU n of the domain'],
    [{ fill: 'url(#vl-emulator)' }, 'emulator threads'],
    [{ fill: 'url(#vl-iothread)' }, 'iothread n'],
    [{ fill: '#fff' }, 'unused: nothing pinned there'],
    [{ fill: '#fff', stroke: CONFLICT, width: 3, dash: '6 3' }, '!n: part of conflict n (listed below)'],
  ];
  if (map.layout.cores.some((c) => c.sharedL2)) items.push([{ fill: '#fff', stroke: '#000', width: 1, dash: '2 3' }, 'cores sharing one L2 (an E-core cluster)']);
  if (map.layout.l3SizesDiffer) items.push([{ fill: '#fff', stroke: '#000', width: 3 }, 'the largest L3 (the L3 sizes differ)']);
  if (map.layout.l3s.some((l) => !l.known)) items.push([{ fill: '#fff', stroke: '#000', width: 1, dash: '8 4' }, 'L3 unknown: the CPUs of one node']);
  for (const [sw, text] of items) d.swatchLine(sw, text);
  d.para('isolcpus: out of the scheduler\'s load balancing · nohz_full, rcu_nocbs, nohz+rcu_nocbs (both): only the tick or RCU callbacks moved away · housekeeping: none of these', { indent: 0 });
}


function letter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `${String.fromCharCode(65 + (i % 26))}${Math.floor(i / 26)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** At most `n` characters, the last one `…` when cut (the full text is in the CPU's title). */
function fit(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `${chars.slice(0, n - 1).join('')}…`;
}

interface Swatch {
  fill?: string;
  stroke?: string;
  width?: number;
  dash?: string;
  rx?: number;
  opacity?: number;
}

interface TextStyle {
  size?: number;
  bold?: boolean;
  fill?: string;
  anchor?: 'start' | 'end';
}

/** The SVG being written, top to bottom: `y` is where the next thing goes. */
class Drawing {
  y = MARGIN;
  private parts: string[] = [];
  /** Markup written as given: only constant tags or text already escaped. */
  raw(markup: string): void {
    this.parts.push(markup);
  }

  rect(x: number, y: number, w: number, h: number, s: Swatch): void {
    this.parts.push(rectTag(x, y, w, h, s));
  }

  text(x: number, y: number, s: string, st: TextStyle = {}): void {
    const size = st.size ?? BODY;
    const attrs = [`x="${n(x)}"`, `y="${n(y)}"`, `font-size="${size}"`];
    if (st.bold) attrs.push('font-weight="bold"');
    if (st.fill && st.fill !== '#000') attrs.push(`fill="${st.fill}"`);
    if (st.anchor === 'end') attrs.push('text-anchor="end"');
    this.parts.push(`<text ${attrs.join(' ')}>${xmlEscape(s)}</text>`);
  }

  heading(s: string, size: number): void {
    for (const line of wrap(s, Math.floor((WIDTH - 2 * MARGIN) / (size * CHAR)))) {
      this.y += size + 6;
      this.text(MARGIN, this.y, line, { size, bold: true });
    }
    this.y += 4;
  }

  /** A paragraph, wrapped to the width; continuation lines indented. */
  para(s: string, o: { indent?: number; color?: string } = {}): void {
    const x = MARGIN + (o.indent ?? 0) * 16;
    // Continuation lines start 24 px (about 3 characters) further in.
    const room = Math.floor((WIDTH - MARGIN - x) / (BODY * CHAR)) - 4;
    wrap(s, room).forEach((line, i) => {
      this.y += LINE;
      this.text(x + (i > 0 ? 24 : 0), this.y, line, { fill: o.color });
    });
  }

  swatchLine(sw: Swatch, s: string): void {
    this.rect(MARGIN, this.y + 5, 34, 16, { stroke: '#000', width: 1, ...sw });
    const x = MARGIN + 44;
    const lines = wrap(s, Math.floor((WIDTH - MARGIN - x) / (BODY * CHAR)) - 4);
    lines.forEach((line, i) => this.text(x + (i > 0 ? 24 : 0), this.y + 17 + i * LINE, line));
    this.y += Math.max(22, lines.length * LINE + 5);
  }

  space(h: number): void {
    this.y += h;
  }

  rule(): void {
    this.y += 14;
    this.parts.push(`<line x1="${MARGIN}" y1="${n(this.y)}" x2="${WIDTH - MARGIN}" y2="${n(this.y)}" stroke="#000" stroke-width="2"/>`);
    this.y += 6;
  }

  /** A labelled frame at nesting `depth` around what `body` draws. */
  frame(label: string, depth: number, s: { weight: number; dashed?: boolean }, body: () => void): void {
    const x = MARGIN + depth * PAD;
    const top = this.y;
    const at = this.parts.length;
    this.parts.push(''); // the frame's rectangle, once its height is known
    const room = Math.floor((WIDTH - 2 * x - 2 * PAD) / (BODY * CHAR));
    wrap(label, room).forEach((line, i) => this.text(x + PAD, top + 15 + i * LINE, line, { bold: depth < 2 || i === 0 }));
    this.y = top + LABEL + (wrap(label, room).length - 1) * LINE;
    body();
    this.y += depth === 2 ? 0 : PAD - GAP;
    const h = this.y - top;
    this.parts[at] = rectTag(x, top, WIDTH - 2 * x, h, { stroke: '#000', width: s.weight, dash: s.dashed ? '8 4' : undefined, rx: 4 });
    this.y += GAP;
  }

  finish(title: string): string {
    const height = Math.ceil(this.y + MARGIN);
    const defs = [
      ...HATCH_ANGLES.map((a, i) => `<pattern id="vl-vcpu-${i}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(${a})"><rect width="8" height="8" fill="#fff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#000" stroke-width="3"/></pattern>`),
      '<pattern id="vl-emulator" width="7" height="7" patternUnits="userSpaceOnUse"><rect width="7" height="7" fill="#fff"/><circle cx="3.5" cy="3.5" r="1.6" fill="#000"/></pattern>',
      '<pattern id="vl-iothread" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="3" x2="6" y2="3" stroke="#000" stroke-width="2"/></pattern>',
    ];
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" font-family="${FONT.replace(/"/g, '&quot;')}" font-size="${BODY}">`,
      `<title>${xmlEscape(title)}</title>`,
      `<defs>${defs.join('')}</defs>`,
      `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
      ...this.parts.filter((p) => p !== ''),
      '</svg>',
      '',
    ].join('\n');
  }
}

function rectTag(x: number, y: number, w: number, h: number, s: Swatch): string {
  const attrs = [`x="${n(x)}"`, `y="${n(y)}"`, `width="${n(w)}"`, `height="${n(h)}"`, `fill="${s.fill ?? 'none'}"`];
  if (s.stroke) attrs.push(`stroke="${s.stroke}"`, `stroke-width="${s.width ?? 1}"`);
  if (s.dash) attrs.push(`stroke-dasharray="${s.dash}"`);
  if (s.rx) attrs.push(`rx="${s.rx}"`);
  if (s.opacity !== undefined) attrs.push(`fill-opacity="${s.opacity}"`);
  return `<rect ${attrs.join(' ')}/>`;
}

function n(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Words to lines of at most `width` characters; a longer word is cut. */
function wrap(s: string, width: number): string[] {
  const w = Math.max(10, width);
  const lines: string[] = [];
  let cur = '';
  for (const word of oneLine(s).split(' ')) {
    let rest = word;
    while ([...rest].length > w) {
      if (cur !== '') lines.push(cur);
      cur = '';
      lines.push([...rest].slice(0, w).join(''));
      rest = [...rest].slice(w).join('');
    }
    if (cur === '') cur = rest;
    else if ([...cur].length + 1 + [...rest].length <= w) cur += ` ${rest}`;
    else {
      lines.push(cur);
      cur = rest;
    }
  }
  if (cur !== '' || lines.length === 0) lines.push(cur);
  return lines;
}
