import { describe, it, expect } from 'vitest';
import { CORPUS, corpusAvailable, corpusEntries } from './helpers/corpus.js';

// Corpus tests skip where the shared corpus is missing (a checkout on its own). CI always has it,
// so there a missing corpus must fail loudly instead of turning every corpus test into a skip.
describe('the shared corpus', () => {
  it.runIf(process.env.CI)('is present in CI, with every kind of file the corpus tests read', () => {
    expect(corpusAvailable(), `no corpus at ${CORPUS}`).toBe(true);
    const kinds = new Set(corpusEntries().map((e) => e.kind));
    for (const k of ['domain-xml', 'capabilities-xml', 'grub', 'kernel-cmdline', 'modprobe', 'sysctl', 'mkinitcpio', 'dracut', 'other']) expect(kinds).toContain(k);
  });
});
