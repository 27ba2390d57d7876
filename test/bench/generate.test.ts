import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without type declarations
import { bigDomain, commentedOutDomain } from '../../scripts/bench/generate.mjs';
import { parseXmlWithSaxes } from '../../src/parsers/xml/parse.js';
import { domainView } from '../../src/domain/view.js';

// The benchmark's generated inputs stand for real files only if they are what they claim to be.
const base = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'desktop', 'win11.xml'), 'utf8');

describe('benchmark inputs', () => {
  it('grows a domain to the size asked for, still well-formed, with a unique guest address per device', () => {
    const xml: string = bigDomain(base, 300_000);
    expect(xml.length).toBeGreaterThanOrEqual(300_000);
    expect(xml.length).toBeLessThan(302_000);
    const doc = parseXmlWithSaxes(xml);
    expect(doc.problems).toEqual([]);
    const hostdevs = domainView('big.xml', doc.root!).hostdevs.filter((h) => h.type === 'pci');
    expect(hostdevs.length).toBeGreaterThan(100);
    const guest = hostdevs.map((h) => {
      const a = h.element.children.find((c) => c.type === 'element' && c.name === 'address');
      return a && a.type === 'element' ? a.attributes.map((x) => `${x.name}=${x.value}`).join(' ') : '';
    });
    expect(new Set(guest).size).toBe(guest.length);
  });

  it('appends a run of commented-out devices, and nothing else, before </devices>', () => {
    const xml: string = commentedOutDomain(base, 200_000);
    expect(xml.length).toBeGreaterThanOrEqual(200_000);
    const doc = parseXmlWithSaxes(xml);
    expect(doc.problems).toEqual([]);
    const devices = domainView('c.xml', doc.root!).devices!;
    const comments = devices.children.filter((c) => c.type === 'comment');
    expect(comments.length).toBeGreaterThan(200);
    // The elements are the example's own devices: the run added comments only.
    const baseDevices = domainView('b.xml', parseXmlWithSaxes(base).root!).devices!;
    const names = (el: typeof devices) => el.children.flatMap((c) => (c.type === 'element' ? [c.name] : []));
    expect(names(devices)).toEqual(names(baseDevices));
  });
});
