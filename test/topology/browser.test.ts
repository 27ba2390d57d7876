import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main, type CliIo } from '../../src/cli/main.js';
import { topologyOfFiles } from '../../src/topology/index.js';
import { decodePng, rgbAt } from '../helpers/png.js';

/**
 * The SVG map in a real browser: headless Chromium (Debian's `chromium`, installed by
 * scripts/install-test-tools.sh) renders the image `vfio-lint topology --output` writes for each
 * fixture host and for the shipped example. The screenshots stay in test-artefacts/topology/
 * (git-ignored) for a person to look at.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const HOSTS = join(ROOT, 'test', 'topology', 'hosts');
const ARTEFACTS = join(ROOT, 'test-artefacts', 'topology');
const SOURCES = [...readdirSync(HOSTS).map((h) => join(HOSTS, h)), join(ROOT, 'examples', 'desktop')];

function findChromium(): string | undefined {
  for (const dir of ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter)]) {
    const p = join(dir, 'chromium');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const chromium = findChromium();
const why = 'chromium is not installed (scripts/install-test-tools.sh installs it)';

if (!chromium && !process.env.CI) {
  console.warn(`test/topology/browser.test.ts skipped: ${why}`);
  describe.skip(`topology SVG in headless Chromium (skipped: ${why})`, () => {
    it('renders', () => {});
  });
} else {
  describe('topology SVG in headless Chromium', () => {
    const profile = mkdtempSync(join(tmpdir(), 'vfio-lint-chromium-'));
    afterAll(() => rmSync(profile, { recursive: true, force: true }));

    it('chromium is there (CI must run this test, not skip it)', () => {
      expect(chromium, why).toBeDefined();
    });

    for (const source of SOURCES) {
      const name = source.split('/').pop()!;
      it(`${name}: renders to a screenshot that shows the map`, { timeout: 240_000 }, async () => {
        if (!chromium) throw new Error(why);
        mkdirSync(ARTEFACTS, { recursive: true });
        const svgPath = join(ARTEFACTS, `${name}.svg`);
        const pngPath = join(ARTEFACTS, `${name}.png`);
        rmSync(pngPath, { force: true });
        let stderr = '';
        const io: CliIo = { stdout: () => {}, stderr: (s) => (stderr += s), cwd: ROOT, env: {}, stdoutIsTTY: false, readStdin: () => new Uint8Array() };
        expect(await main(['topology', '--output', svgPath, source], io), stderr).toBe(0);
        const svg = readFileSync(svgPath, 'utf8');
        const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
        const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1]);

        const r = spawnSync(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${profile}`, `--screenshot=${pngPath}`, `--window-size=${width},${height}`, pathToFileURL(svgPath).href], { encoding: 'utf8', timeout: 180_000, killSignal: 'SIGKILL' });
        expect(r.error, String(r.error)).toBeUndefined();
        expect(existsSync(pngPath), `no screenshot; chromium said: ${r.stderr}`).toBe(true);

        const png = decodePng(readFileSync(pngPath));
        expect([png.width, png.height]).toEqual([width, height]);
        // Not blank: many distinct colours (text is anti-aliased, cells are hatched), some ink but mostly paper.
        const colours = new Set<number>();
        let ink = 0;
        let red = 0;
        let inkLow = 0;
        for (let y = 0; y < png.height; y++) {
          for (let x = 0; x < png.width; x++) {
            const [rr, g, b] = rgbAt(png, x, y);
            colours.add((rr << 16) | (g << 8) | b);
            if (rr + g + b < 384) {
              ink++;
              if (y > png.height * 0.9) inkLow++;
            }
            if (rr > 150 && g < 80 && b < 80) red++;
          }
        }
        expect(colours.size).toBeGreaterThan(100);
        expect(ink / (png.width * png.height)).toBeGreaterThan(0.02);
        expect(ink / (png.width * png.height)).toBeLessThan(0.4);
        // Drawn to the bottom: the last lines of text are there too.
        expect(inkLow).toBeGreaterThan(500);
        // The conflict frames are red (the legend's one swatch alone is far less): there iff the map has conflicts.
        const conflicts = topologyOfFiles([source])[0]!.map!.conflicts.length;
        if (conflicts > 0) expect(red).toBeGreaterThan(1000);
        else expect(red).toBeLessThan(400);
      });
    }
  });
}
