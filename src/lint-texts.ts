// Lint texts held in memory (the playground's editor panes) as one machine. No Node API is imported
// here or below, so the browser bundle (playground/build.mjs) is built from this module; on Node the
// same texts lint the same way through `lintText(text, { texts })` in src/index.ts.
import { BUILTIN_WITH_DOCS, kindOfText, lintInputs, setupFromLoaded, type RunSetup } from './lint-machine.js';
import { parseFile } from './pipeline/parse.js';
import { sourceFile } from './core/source.js';
import { KINDS } from './kinds/index.js';
import { FILE_KINDS, type FileKind, type ParsedFile } from './model/machine.js';
import { buildMachine } from './model/build.js';
import { machineTopology, type MachineTopology } from './topology/machine.js';
import type { InputFile } from './pipeline/inputs.js';
import type { LintReport } from './engine/result.js';
import type { RuleSetting } from './config/config.js';
import { liveHost, type LiveHost } from './host/live.js';
import { completeDocument } from './live/document.js';

export interface TextFile {
  /** The file's path: a system path (`/etc/default/grub`), a dotfiles-style one (`etc/modprobe.d/vfio.conf`) or a name (`win11.xml`). */
  path: string;
  text: string;
  /** Its kind; else from the path, then the content, as for a file named on the command line. */
  kind?: FileKind;
}

export interface LintTextsOptions {
  /** Rule settings, as the config's `rules`. */
  rules?: Record<string, RuleSetting>;
  /** Compute fixed output: `true` applies safe fixes, `'suggestions'` also the first suggestion of each finding. */
  fix?: boolean | 'suggestions';
  /** Only these rules' fixes are applied (all when omitted). */
  fixRules?: readonly string[];
  /**
   * A snapshot folder's facts file (`vfio-lint-snapshot.json`, docs/snapshot.md): its text and its path
   * (`snap/vfio-lint-snapshot.json`). Its /proc and /sys facts become the host model's live part, as
   * `vfio-lint SNAPSHOT-FOLDER` does with the folder; the configuration files in the folder are given
   * in `files` as usual. A text that is not a snapshot gets one error finding on that path.
   */
  snapshot?: { path: string; text: string };
}

/** There is no config file in memory: the built-in defaults, resolved once. */
let defaultSetup: RunSetup | undefined;

function setupFor(rules: Record<string, RuleSetting> | undefined): RunSetup {
  if (rules === undefined && defaultSetup) return defaultSetup;
  const ids = new Map(BUILTIN_WITH_DOCS.map((r) => [r.meta.id, r] as const));
  const loaded = { config: {}, path: undefined, baseDir: '/', plugins: { rules: [], formatters: new Map() }, warnings: [] };
  const setup = setupFromLoaded('/', loaded, BUILTIN_WITH_DOCS, ids, rules, 'the rules option');
  if (rules === undefined) defaultSetup = setup;
  return setup;
}

/** The kind a file's path and text say, or undefined when they do not say enough. */
export function detectKind(path: string, text: string): FileKind | undefined {
  return kindOfText(path, text);
}

/** Throws a TypeError naming the file when these cannot be linted together (a kind that does not exist, two files with one path). */
function checkFiles(files: readonly TextFile[]): void {
  if (!Array.isArray(files)) throw new TypeError('lintTexts: files must be an array of { path, text }');
  const seen = new Set<string>();
  files.forEach((f, i) => {
    if (typeof f?.path !== 'string' || f.path === '') throw new TypeError(`lintTexts: file ${i + 1} has no path`);
    if (typeof f.text !== 'string') throw new TypeError(`lintTexts: ${f.path}: the text must be a string`);
    if (f.kind !== undefined && !(FILE_KINDS as readonly string[]).includes(f.kind)) throw new TypeError(`lintTexts: ${f.path}: kind must be one of ${FILE_KINDS.join(', ')} (got ${JSON.stringify(f.kind)})`);
    if (seen.has(f.path)) throw new TypeError(`lintTexts: two files have the path ${f.path}`);
    seen.add(f.path);
  });
}

/** Each file as an input of the machine, or why it cannot be one. */
function inputsOf(files: readonly TextFile[]): { inputs: InputFile[]; unusable: Array<{ path: string; message: string }>; texts: Map<string, string> } {
  const inputs: InputFile[] = [];
  const unusable: Array<{ path: string; message: string }> = [];
  const texts = new Map<string, string>();
  for (const f of files) {
    const kind = f.kind ?? kindOfText(f.path, f.text);
    if (!kind) {
      unusable.push({ path: f.path, message: 'cannot tell what kind of file this is: give it a path such as /etc/default/grub, or choose its kind' });
      continue;
    }
    inputs.push({ realPath: f.path, displayPath: f.path, systemPath: KINDS.placeOf(kind, f.path), kind, masked: false });
    texts.set(f.path, f.text);
  }
  return { inputs, unusable, texts };
}

/**
 * Lint files given as texts, together, as one machine: a domain's finding about the host's
 * command line shows in both files. A file whose kind cannot be told gets one error finding.
 */
export function lintTexts(files: readonly TextFile[], options: LintTextsOptions = {}): LintReport {
  checkFiles(files);
  const { inputs, unusable, texts } = inputsOf(files);
  let live: LiveHost | undefined;
  if (options.snapshot) {
    const read = snapshotFacts(options.snapshot);
    if (typeof read === 'string') unusable.push({ path: options.snapshot.path, message: read });
    else live = read;
  }
  return lintInputs(inputs, unusable, setupFor(options.rules), { texts, fix: options.fix, fixRules: options.fixRules, live }, {
    read: (input) => ({ input, source: sourceFile(input.displayPath, ''), failure: { message: 'no text given for this file', offset: 0 }, mode: undefined }),
    // Overrides come from a config file's `overrides`; there is none here.
    overrides: (list) => list,
  });
}

/** A snapshot's facts as the host model's live part, or why the text is not a snapshot (as the CLI's reader words it). */
function snapshotFacts(snapshot: { path: string; text: string }): LiveHost | string {
  let doc: unknown;
  try {
    doc = JSON.parse(snapshot.text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const checked = completeDocument(doc);
  if (typeof checked === 'string') return checked;
  const slash = snapshot.path.lastIndexOf('/');
  return liveHost(checked.host, 'snapshot', slash < 0 ? '.' : snapshot.path.slice(0, slash));
}

/** The machine's CPU topology map (from the capabilities XML among the files), as `vfio-lint topology` draws it. */
export function topologyOfTexts(files: readonly TextFile[]): MachineTopology {
  checkFiles(files);
  const { inputs, texts } = inputsOf(files);
  const parsed: ParsedFile[] = inputs.map((i) => parseFile(sourceFile(i.displayPath, texts.get(i.realPath)!), i.kind, i.systemPath));
  return machineTopology(buildMachine(parsed));
}
