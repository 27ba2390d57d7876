import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { editDistance, suggest, typoLimit } from '../../src/data/suggest.js';

/** Plain Levenshtein plus adjacent swaps, the slow way, as the reference. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance (optimal string alignment)', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('xhci_hdc', 'xhci_hcd')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('polcy', 'policy')).toBe(1);
    expect(editDistance('snd_ha_intel', 'snd_hda_intel')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
  it('does not let a swap reuse an edited character (OSA, not unrestricted Damerau)', () => {
    expect(editDistance('ca', 'abc')).toBe(3);
  });
  it('agrees with the reference and is symmetric, and the limit only caps the answer', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '_'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 6 }), (a, b, limit) => {
        const full = reference(a, b);
        expect(editDistance(a, b)).toBe(full);
        expect(editDistance(b, a)).toBe(full);
        expect(editDistance(a, b, limit)).toBe(Math.min(full, limit + 1));
      }),
    );
  });
});

describe('suggest', () => {
  it('finds the known name a typo was meant to be', () => {
    expect(suggest('polcy', ['policy', 'name', 'mode'])).toEqual(['policy']);
    expect(suggest('snd_ha_intel', ['snd_hda_intel', 'snd_hda_codec'])).toEqual(['snd_hda_intel']);
  });
  it('applies the normalisation to both sides but returns the known spelling', () => {
    const norm = (s: string) => s.replaceAll('-', '_');
    expect(suggest('xhci-hdc', ['xhci_hcd', 'xhci_pci'], { normalise: norm })).toEqual(['xhci_hcd']);
    expect(suggest('vfio-pci', ['vfio_pci'], { normalise: norm })).toEqual([]);
  });
  it('says nothing for short names or names far from every known one', () => {
    expect(typoLimit(3)).toBe(0);
    expect(suggest('kvn', ['kvm'])).toEqual([]);
    expect(suggest('completely_different', ['vfio_pci', 'amdgpu'])).toEqual([]);
  });
  it('orders by distance, then common prefix, then name, and honours max', () => {
    expect(suggest('vfio_pcx', ['vfio_pci_core', 'vfio_pci', 'xfio_pcx'], { max: 3 })).toEqual(['vfio_pci', 'xfio_pcx']);
    expect(suggest('abcdef', ['abcdeg', 'abcdeh'], { max: 2 })).toEqual(['abcdeg', 'abcdeh']);
  });
  it('returns nothing when the name is itself known', () => {
    expect(suggest('policy', ['policy', 'polic'])).toEqual([]);
  });
});
