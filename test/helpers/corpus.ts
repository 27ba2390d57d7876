import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The shared, read-only corpus. CI has it at the same place beside the checkout; VFIO_LINT_CORPUS
 * points elsewhere (a path that does not exist shows that every corpus test skips without it).
 */
export const CORPUS = process.env.VFIO_LINT_CORPUS ? resolve(process.env.VFIO_LINT_CORPUS) : resolve(import.meta.dirname, '../../../shared/corpus');

export type CorpusKind =
  | 'domain-xml'
  | 'capabilities-xml'
  | 'grub'
  | 'kernel-cmdline'
  | 'modprobe'
  | 'sysctl'
  | 'mkinitcpio'
  | 'dracut'
  | 'other';

export interface CorpusEntry {
  /** Path relative to the corpus root, as in MANIFEST.tsv. */
  path: string;
  abs: string;
  kind: CorpusKind;
}

let manifest: CorpusEntry[] | undefined;

export function corpusAvailable(): boolean {
  return existsSync(join(CORPUS, 'MANIFEST.tsv'));
}

export function corpusEntries(kind?: CorpusKind): CorpusEntry[] {
  manifest ??= readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cols = line.split('\t');
      return { path: cols[0]!, abs: join(CORPUS, cols[0]!), kind: cols[5] as CorpusKind };
    });
  return kind ? manifest.filter((e) => e.kind === kind) : manifest;
}
