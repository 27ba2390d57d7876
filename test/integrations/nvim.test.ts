import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { SERVER_BIN } from './lsp-client.js';

/**
 * The language server in a real editor: Debian's Neovim, headless, with its built-in LSP client
 * (scripts/install-test-tools.sh installs it; CI runs this), configured by the very init.lua that
 * docs/editors.md gives. The Lua driver opens the example domain, waits for diagnostics, asks for
 * code actions, applies the quick fix and waits for the finding to go away.
 */
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const version = nvim.status === 0 ? /NVIM v(\d+)\.(\d+)/.exec(nvim.stdout) : null;
const usable = version !== null && (Number(version[1]) > 0 || Number(version[2]) >= 7);
const reason = nvim.status !== 0 ? 'nvim is not installed (bash scripts/install-test-tools.sh)' : 'nvim is older than 0.7';

/** The Lua block that follows the `nvim-config` marker in docs/editors.md. */
function documentedInitLua(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'editors.md'), 'utf8');
  const m = /<!-- nvim-config[^>]*-->\s*```lua\n([\s\S]*?)\n```/.exec(doc);
  if (!m) throw new Error('docs/editors.md has no Lua block after the nvim-config marker');
  return `${m[1]}\n`;
}

describe.skipIf(!usable)(`Neovim's built-in LSP client${usable ? '' : ` (skipped: ${reason})`}`, () => {
  it('shows the findings of a domain, offers the quick fix, and the finding goes once it is applied', () => {
    const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vfio-nvim-')));
    try {
      const desk = join(tmp, 'desk');
      cpSync(join(ROOT, 'test', 'fixtures', 'integrations', 'desk'), desk, { recursive: true });
      const outFile = join(tmp, 'out.json');
      for (const d of ['cache', 'state', 'data', 'config', 'bin']) mkdirSync(join(tmp, d));
      const init = join(tmp, 'init.lua');
      writeFileSync(init, documentedInitLua());
      // The documented config runs `vfio-lint-language-server` from PATH, as `npm install -g` puts it there.
      symlinkSync(SERVER_BIN, join(tmp, 'bin', 'vfio-lint-language-server'));
      const r = spawnSync('nvim', ['--headless', '-u', init, '-n', '-i', 'NONE', '-c', `luafile ${join(ROOT, 'test', 'fixtures', 'integrations', 'nvim', 'drive.lua')}`], {
        cwd: desk,
        encoding: 'utf8',
        timeout: 90_000,
        env: {
          ...process.env,
          PATH: `${join(tmp, 'bin')}${delimiter}${process.env.PATH ?? ''}`,
          VFIO_FILE: join(desk, 'win11.xml'),
          VFIO_OUT: outFile,
          // Keep Neovim's log and state out of the user's home.
          XDG_CACHE_HOME: join(tmp, 'cache'),
          XDG_STATE_HOME: join(tmp, 'state'),
          XDG_DATA_HOME: join(tmp, 'data'),
          XDG_CONFIG_HOME: join(tmp, 'config'),
          NVIM_LOG_FILE: join(tmp, 'nvim.log'),
        },
      });
      expect(r.error, `nvim did not finish: ${String(r.error)}`).toBeUndefined();
      const out = JSON.parse(readFileSync(outFile, 'utf8')) as {
        ok: boolean;
        error?: string;
        steps: string[];
        codes: string[];
        balloon: { lnum: number; col: number; end_lnum: number; end_col: number; severity: number; source: string; message: string; href: string };
        titles: string[];
        fixed_line: string;
        codes_after: string[];
      };
      expect(out.error).toBeUndefined();
      expect(out.steps).toEqual(['started', 'diagnostics', 'code actions', 'fixed']);
      // The rules this test is about (other rules' findings may come and go).
      const watched = (codes: string[]) => codes.filter((c) => ['emulatorpin-overlaps-vcpupin', 'memballoon-present', 'missing-topoext'].includes(c));
      expect(watched(out.codes)).toEqual(['emulatorpin-overlaps-vcpupin', 'memballoon-present', 'missing-topoext']);
      // Neovim's rows and columns are 0-based; line 89 is `    <memballoon model='virtio'>`, all ASCII, so bytes are characters.
      expect(out.balloon).toMatchObject({ lnum: 88, col: 16, end_lnum: 88, end_col: 30, severity: 2, source: 'vfio-lint' });
      expect(out.balloon.href).toMatch(/\/docs\/rules\/memballoon-present\.md$/);
      expect(out.titles).toContain('Fix this memballoon-present problem');
      expect(out.fixed_line).toBe("    <memballoon model='none'/>");
      expect(watched(out.codes_after)).toEqual(['emulatorpin-overlaps-vcpupin', 'missing-topoext']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
