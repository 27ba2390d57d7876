import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseXml } from '../../src/parsers/xml/parse.js';
import { attr, textContent, walkElements, type XmlElement } from '../../src/parsers/xml/index.js';
import { describePlan, topologyOfFiles, topologySvg, type FileTopology } from '../../src/topology/index.js';
import { xmlEscape } from '../../src/topology/svg.js';
import { topologyText } from '../../src/cli/topology-text.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HOSTS = join(ROOT, 'test', 'topology', 'hosts');
const SOURCES = [...readdirSync(HOSTS).map((h) => join(HOSTS, h)), join(ROOT, 'examples', 'desktop')];

/** The SVG parsed by the project's XML parser; fails the test on any problem. */
function parseSvg(svg: string): XmlElement {
  const doc = parseXml(svg);
  expect(doc.problems).toEqual([]);
  expect(doc.root?.name).toBe('svg');
  return doc.root!;
}

function elements(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  walkElements(root, (el) => {
    if (el.name === name) out.push(el);
  });
  return out;
}

/** Every `<text>`, in drawing order, as one string: wrapped lines joined by a space. */
const allText = (root: XmlElement) => elements(root, 'text').map(textContent).join(' ').replace(/ +/g, ' ');

/** The CPU boxes: `<g>` whose `<title>` starts `CPU n;`, by CPU number. */
function cpuTitles(root: XmlElement): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const g of elements(root, 'g')) {
    const title = g.children.find((c): c is XmlElement => c.type === 'element' && c.name === 'title');
    const m = title && /^CPU (\d+); /.exec(textContent(title));
    if (m) out.set(Number(m[1]), [...(out.get(Number(m[1])) ?? []), textContent(title!)]);
  }
  return out;
}

describe('topology SVG', () => {
  for (const source of SOURCES) {
    const name = source.split('/').pop()!;
    it(`${name}: well-formed, self-contained, every CPU drawn once with what runs there`, () => {
      const machines = topologyOfFiles([source]);
      const svg = topologySvg(machines);
      const root = parseSvg(svg);
      expect(attr(root, 'xmlns')?.value).toBe('http://www.w3.org/2000/svg');
      // Nothing fetched or run: no scripts, links, external images, fonts or stylesheets.
      expect(svg).not.toMatch(/<script|<a[\s>]|<image|<foreignObject|<style|@import|href=|url\((?!#vl-)/i);
      const map = machines[0]!.map!;
      const titles = cpuTitles(root);
      expect([...titles.keys()].sort((a, b) => a - b)).toEqual(map.layout.cpus.toArray());
      const texts = elements(root, 'text').map(textContent);
      for (const cpu of map.layout.cpus.toArray()) {
        expect(titles.get(cpu), `CPU ${cpu}`).toHaveLength(1);
        expect(texts.filter((t) => t === `CPU ${cpu}`), `CPU ${cpu}`).toHaveLength(1);
        const title = titles.get(cpu)![0]!;
        const u = map.uses.get(cpu)!;
        for (const r of u.roles) {
          const d = map.domains[r.domain]!.name;
          expect(title).toContain(r.kind === 'vcpu' ? `vCPU ${r.vcpu} of ${d}` : r.kind === 'emulator' ? `emulator threads of ${d}` : `iothread ${r.iothread} of ${d}`);
        }
        if (u.roles.length === 0) expect(title).toContain('nothing pinned');
        expect(title).toContain(u.isolated ? '; isolcpus' : u.nohzFull && u.rcuNocbs ? '; nohz+rcu_nocbs' : u.nohzFull ? '; nohz_full' : u.rcuNocbs ? '; rcu_nocbs' : '; housekeeping');
        expect(title.includes('; conflict '), `CPU ${cpu}`).toBe(u.conflict);
      }
      // The patterns the cells use are defined.
      const ids = new Set(elements(root, 'pattern').map((p) => attr(p, 'id')!.value));
      for (const m of svg.matchAll(/url\(#([\w-]+)\)/g)) expect(ids.has(m[1]!), m[1]).toBe(true);
      expect(Number(attr(root, 'height')!.value)).toBeGreaterThan(300);
    });

    it(`${name}: says what the terminal map says`, () => {
      const [t] = topologyOfFiles([source]) as [FileTopology];
      const text = allText(parseSvg(topologySvg([t])));
      // The terminal map without wrapping: every line but the CPU cells and the legend must be in the SVG.
      const lines = topologyText(t, { color: false, width: 100_000 }).split('\n');
      let inLegend = false;
      let checked = 0;
      for (const raw of lines) {
        if (raw.startsWith('Legend:')) inLegend = true;
        if (raw.trim() === '') inLegend = false;
        const line = raw.trim().replace(/:$/, '').replace(/^! /, '');
        if (inLegend || line === '' || line.startsWith('[')) continue;
        expect(text, raw).toContain(line);
        checked++;
      }
      expect(checked).toBeGreaterThan(6);
      for (const c of t.map!.conflicts) expect(text).toContain(`!${t.map!.conflicts.indexOf(c) + 1} ${c.text}`);
      for (const [, plan] of t.plans) for (const line of describePlan(plan)) expect(text).toContain(line);
    });
  }

  const tmp = mkdtempSync(join(tmpdir(), 'vfio-lint-svg-&<"\'-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('escapes domain names and paths for XML', () => {
    copyFileSync(join(HOSTS, 'ryzen-7800x3d', 'capabilities.xml'), join(tmp, 'capabilities.xml'));
    const domain = readFileSync(join(HOSTS, 'ryzen-7800x3d', 'win11.xml'), 'utf8').replace(/<name>[^<]*<\/name>/, '<name>win&lt;11&gt; &amp; "co" \'x\' ]]&gt;</name>');
    expect(domain).toContain('win&lt;11');
    writeFileSync(join(tmp, 'win11.xml'), domain);
    const machines = topologyOfFiles([tmp]);
    const svg = topologySvg(machines);
    const root = parseSvg(svg);
    const text = allText(root);
    expect(text).toContain(`Domain win<11> & "co" 'x' ]]>: 12 vCPUs`);
    expect(text).toContain(`From ${tmp}/capabilities.xml`);
    expect(svg).not.toContain('win<11>');
    expect(svg).not.toContain('-&<');
    expect(cpuTitles(root).get(2)![0]).toContain(`vCPU 0 of win<11> & "co" 'x' ]]>`);
  });

  it('xmlEscape: markup, control characters and what XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c'`)).toBe(`a&lt;b&gt;&amp;"c'`);
    expect(xmlEscape('line\nbreak\u0001\u007f')).toBe('line break\\x01\\x7f');
    expect(xmlEscape('lone \uD800 surrogate \uFFFE, pair 😀 kept')).toBe('lone \\ud800 surrogate \\ufffe, pair 😀 kept');
    expect(parseXml(`<t>${xmlEscape('\u0000\uDFFF<&>')}</t>`).problems).toEqual([]);
  });

  it('a machine without topology data: its notes only; several machines one under the other', () => {
    const none = topologyOfFiles([join(ROOT, 'examples', 'desktop', 'win11.xml')]);
    const text = allText(parseSvg(topologySvg(none)));
    expect(text).toContain("no host topology: give the host's capabilities XML");
    expect(text).not.toContain('Legend');
    const both = [...topologyOfFiles([join(HOSTS, 'ryzen-7800x3d')]).map((m) => ({ ...m, name: 'desk' })), ...topologyOfFiles([join(HOSTS, 'intel-12700k')]).map((m) => ({ ...m, name: 'office' }))];
    const root = parseSvg(topologySvg(both));
    const all = allText(root);
    expect(all.indexOf('Machine desk')).toBeGreaterThanOrEqual(0);
    expect(all.indexOf('Machine office')).toBeGreaterThan(all.indexOf('Machine desk'));
    expect(elements(root, 'line').length).toBeGreaterThan(0);
    // CPU 0 of each machine.
    expect(elements(root, 'text').map(textContent).filter((t) => t === 'CPU 0')).toHaveLength(2);
  });
});
