import { existsSync, lstatSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Global setup of the mutation-testing runs (vitest.mutate.config.ts). Stryker copies the project
 * into a sandbox (.stryker-tmp/sandbox-X) file by file and cannot copy a link to a directory, so
 * stryker.config.mjs leaves such links out; this puts each link of the real src/ back into the
 * sandbox, as it was, so the fixtures that go through a link run there as in `npm test`.
 */
export default function restoreLinks(): void {
  const sandbox = process.cwd();
  if (basename(dirname(sandbox)) !== '.stryker-tmp') return;
  const original = dirname(dirname(sandbox));
  for (const entry of readdirSync(join(original, 'src'), { recursive: true }) as string[]) {
    const from = join(original, 'src', entry);
    if (!lstatSync(from).isSymbolicLink()) continue;
    const to = join(sandbox, 'src', entry);
    if (!existsSync(dirname(to))) continue;
    try {
      lstatSync(to);
    } catch {
      symlinkSync(readlinkSync(from), to);
    }
  }
}
