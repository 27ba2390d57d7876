import { describe, it, expect } from 'vitest';
import { parseCircular, parseDependencyTree, type DependencyTree } from 'dpdm';
import { join, relative } from 'node:path';

/**
 * The import graph of src/, type imports included: no cycles, and data flows one way
 * (bytes -> parsers -> host / domain models -> rules -> engine -> reporters).
 */
const ROOT = join(import.meta.dirname, '..', '..');

let tree: DependencyTree | undefined;
async function graph(): Promise<DependencyTree> {
  tree ??= await parseDependencyTree('src/**/*.ts', { context: ROOT, transform: false, skipDynamicImports: false, tsconfig: join(ROOT, 'tsconfig.json') });
  return tree;
}

/** Each folder of src/ and the folders it must never import from (directly or not: a forbidden edge is checked on every file). */
const FORBIDDEN: Record<string, string[]> = {
  core: ['parsers', 'kinds', 'model', 'host', 'domain', 'rules', 'engine', 'edit', 'reporters', 'pipeline', 'cli', 'lsp', 'config', 'io', 'xpath'],
  parsers: ['kinds', 'model', 'host', 'domain', 'rules', 'engine', 'edit', 'reporters', 'pipeline', 'cli', 'lsp', 'config'],
  domain: ['model', 'host', 'rules', 'engine', 'edit', 'reporters', 'pipeline', 'cli', 'lsp', 'config'],
  host: ['rules', 'engine', 'edit', 'reporters', 'pipeline', 'cli', 'lsp', 'config'],
  model: ['rules', 'engine', 'edit', 'reporters', 'pipeline', 'cli', 'lsp', 'config'],
  rules: ['reporters', 'pipeline', 'cli', 'lsp', 'config'],
  engine: ['rules', 'reporters', 'pipeline', 'cli', 'lsp'],
  reporters: ['rules', 'pipeline', 'cli', 'lsp'],
};

function folderOf(file: string): string {
  const rel = relative(join(ROOT, 'src'), join(ROOT, file)).split('/');
  return rel.length > 1 ? rel[0]! : '.';
}

describe('src/ import graph', () => {
  it('has no import cycles', async () => {
    const cycles = parseCircular(await graph());
    expect(cycles.map((c) => c.join(' -> '))).toEqual([]);
  });

  it('imports only downstream: parsers know no model, models no rules, rules no CLI', async () => {
    const bad: string[] = [];
    for (const [file, deps] of Object.entries(await graph())) {
      if (!file.startsWith('src/')) continue;
      const from = folderOf(file);
      for (const dep of deps ?? []) {
        if (!dep.id || !dep.id.startsWith('src/')) continue;
        const to = folderOf(dep.id);
        if (FORBIDDEN[from]?.includes(to)) bad.push(`${file} imports ${dep.id} (${from} must not depend on ${to})`);
      }
    }
    expect(bad).toEqual([]);
  });
});
