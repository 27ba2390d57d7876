import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, CodeActionParams, Connection, Diagnostic as LspDiagnostic, Range as LspRange, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lintCollected, setupRun } from '../lint.js';
import type { Diagnostic } from '../engine/diagnostic.js';
import type { LintReport } from '../engine/result.js';
import { selectFixes, type Fix } from '../engine/fix.js';
import { classifyText } from '../model/classify.js';
import { plansFor, type MachinePlan } from './machine.js';
import { FileTexts, quickFix, toLspDiagnostic, toWorkspaceEdit } from './convert.js';
import { MAX_INPUT_BYTES } from '../io/read.js';

export const FIX_ALL_KIND = 'source.fixAll.vfio-lint';

export interface SessionOptions {
  /** Wait this long after the last change before linting (opening lints at once). */
  debounceMs: number;
  workspaceRoots: string[];
}

/** A published finding and what can be done about it. */
interface Entry {
  lsp: LspDiagnostic;
  finding: Diagnostic;
  texts: FileTexts;
}

interface DocState {
  version: number;
  entries: Entry[];
  /** Every input of the machines the document was linted in: a change to one of them re-lints it. */
  inputs: Set<string>;
}

interface Setup {
  setup: ReturnType<typeof setupRun>;
}

/**
 * The server's state: open documents, which ones need linting, and what was
 * last published for each. Transport-free: the server wires it to a connection.
 */
export class Session {
  private readonly states = new Map<string, DocState>();
  private readonly dirty = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly shown = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly options: SessionOptions,
  ) {}

  /** Opened (lint now) or edited (lint after a pause). Documents whose machine includes this file follow. */
  changed(uri: string): void {
    const first = !this.seen.has(uri);
    this.seen.add(uri);
    this.markWithDependents(uri);
    this.schedule(first ? 0 : this.options.debounceMs);
  }

  closed(uri: string): void {
    this.seen.delete(uri);
    this.states.delete(uri);
    this.dirty.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    // The others now see the file as it is on disk, which may not be what the buffer held.
    this.markWithDependents(uri);
    this.dirty.delete(uri);
    this.schedule(this.options.debounceMs);
  }

  /** Files changed on disk or the configuration changed: everything open is linted again. */
  everythingChanged(): void {
    for (const d of this.documents.all()) this.dirty.add(d.uri);
    this.schedule(this.options.debounceMs);
  }

  /** Lint whatever is pending now (a code action must see diagnostics for the text as it is). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lintPending();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  codeActions(params: CodeActionParams): CodeAction[] {
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc) return [];
    if (this.dirty.has(doc.uri) || this.states.get(doc.uri)?.version !== doc.version) {
      this.dirty.add(doc.uri);
      this.flush();
    }
    const state = this.states.get(doc.uri);
    if (!state) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const asked = params.context.diagnostics ?? [];
    const askedIds = new Set(asked.map((d) => (d.data as { id?: unknown } | undefined)?.id).filter((id): id is number => typeof id === 'number'));
    const chosen = state.entries.filter((e) =>
      asked.length > 0
        ? askedIds.has((e.lsp.data as { id: number }).id) || asked.some((d) => sameRange(d.range, e.lsp.range) && d.message === e.lsp.message)
        : rangesTouch(e.lsp.range, params.range),
    );

    const actions: CodeAction[] = [];
    if (wants('quickfix')) {
      for (const e of chosen) {
        const rule = e.finding.ruleId ?? 'vfio-lint';
        if (e.finding.fix) {
          const edit = toWorkspaceEdit([e.finding.fix], e.texts);
          if (edit) actions.push(quickFix(`Fix this ${rule} problem`, e.lsp, edit, true));
        }
        for (const s of e.finding.suggestions ?? []) {
          const edit = toWorkspaceEdit([s.fix], e.texts);
          if (edit) actions.push(quickFix(`${s.description} (${rule})`, e.lsp, edit, false));
        }
      }
    }
    if (wants(FIX_ALL_KIND)) {
      const fixable = state.entries.filter((e): e is Entry & { finding: { fix: Fix } } => e.finding.fix !== undefined);
      // One pass of non-overlapping fixes, all computed on the text the editor has now.
      const { taken } = selectFixes(fixable.map((e) => ({ fix: e.finding.fix, texts: e.texts })));
      const sameTexts = taken.filter((t) => t.texts === taken[0]?.texts);
      const edit = sameTexts.length > 0 ? toWorkspaceEdit(sameTexts.map((t) => t.fix), sameTexts[0]!.texts) : undefined;
      if (edit) actions.push({ title: 'Fix all auto-fixable vfio-lint problems', kind: FIX_ALL_KIND, edit });
    }
    return actions;
  }

  private markWithDependents(uri: string): void {
    this.dirty.add(uri);
    const path = pathOf(uri);
    if (path === undefined) return;
    for (const [other, state] of this.states) if (other !== uri && state.inputs.has(path)) this.dirty.add(other);
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.lintPending();
      } catch (err) {
        // A bug must not take the editor's server down; the next edit tries again.
        this.connection.console.error(`vfio-lint: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }, delay);
  }

  private lintPending(): void {
    const uris = [...this.dirty];
    this.dirty.clear();
    const setups = new Map<string, Setup | { error: string }>();
    const work = new Map<string, { plan: MachinePlan; setup: Setup; uris: Set<string> }>();
    const plansOf = new Map<string, string[]>();

    for (const uri of uris) {
      const doc = this.documents.get(uri);
      if (!doc) continue;
      // One document's trouble is its own: the others are still linted and published.
      try {
        this.plan(uri, doc, setups, work, plansOf);
      } catch (err) {
        this.publishProblem(doc, `internal error: ${errorText(err)}`);
      }
    }

    const reports = new Map<string, { report: LintReport; texts: FileTexts } | { error: string }>();

    for (const [key, w] of work) {
      try {
        reports.set(key, this.lintPlan(w.plan, w.setup, w.uris));
      } catch (err) {
        reports.set(key, { error: errorText(err) });
      }
    }

    for (const [uri, keys] of plansOf) {
      const doc = this.documents.get(uri);
      if (!doc) continue;
      const path = pathOf(uri) ?? `/untitled/${basename(uri)}`;
      const entries: Entry[] = [];
      const inputs = new Set<string>([path]);
      const seenFindings = new Set<string>();
      for (const key of keys) {
        const got = reports.get(key)!;
        if ('error' in got) {
          this.publishProblem(doc, got.error);
          continue;
        }
        for (const f of work.get(key)!.plan.inputs) inputs.add(f.realPath).add(f.displayPath);
        for (const r of got.report.results) {
          if (r.realPath !== path && r.filePath !== path) continue;
          for (const m of r.messages) {
            const k = `${m.ruleId}|${m.range.start}|${m.range.end}|${m.reason}`;
            if (seenFindings.has(k)) continue;
            seenFindings.add(k);
            entries.push({ lsp: toLspDiagnostic(m, got.texts, this.nextId++), finding: m, texts: got.texts });
          }
        }
      }
      if (keys.some((k) => 'error' in reports.get(k)!)) continue;
      this.states.set(uri, { version: doc.version, entries, inputs });
      void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics: entries.map((e) => e.lsp) });
    }
  }

  /** Which machines the document belongs to (recorded in `work` and `plansOf`), or why it cannot be linted (published now). */
  private plan(uri: string, doc: TextDocument, setups: Map<string, Setup | { error: string }>, work: Map<string, { plan: MachinePlan; setup: Setup; uris: Set<string> }>, plansOf: Map<string, string[]>): void {
    const path = pathOf(uri) ?? `/untitled/${basename(uri)}`;
    const text = doc.getText();
    // An editor buffer is not a file read under the input limit: hold it to the same bound.
    if (text.length > MAX_INPUT_BYTES) {
      this.publishProblem(doc, `the document is too large to lint (${text.length} characters; the limit is ${MAX_INPUT_BYTES})`);
      return;
    }
    if (kindOf(path, text) === undefined) {
      // Not a file vfio-lint reads (another XML, an unrelated config): nothing to say about it.
      this.states.set(uri, { version: doc.version, entries: [], inputs: new Set() });
      void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics: [] });
      return;
    }
    const dir = pathOf(uri) ? dirname(path) : (this.options.workspaceRoots[0] ?? process.cwd());
    let s = setups.get(dir);
    if (!s) {
      try {
        const setup = setupRun({ cwd: dir });
        // The CLI prints these to stderr; an editor user sees them once, as a warning.
        for (const w of setup.warnings) this.showOnce(`vfio-lint: ${w}`, 'warning');
        s = { setup };
      } catch (err) {
        s = { error: errorText(err) };
      }
      setups.set(dir, s);
    }
    if ('error' in s) {
      this.publishProblem(doc, s.error);
      return;
    }
    const plans = pathOf(uri) ? plansFor(path, { workspaceRoots: this.options.workspaceRoots, machines: s.setup.config.machines, baseDir: s.setup.baseDir }) : [{ key: `alone:${uri}`, cwd: dir, inputs: [], unusable: [], label: 'the file alone' }];
    for (const plan of plans) {
      const w = work.get(plan.key) ?? { plan, setup: s, uris: new Set<string>() };
      w.uris.add(uri);
      work.set(plan.key, w);
    }
    plansOf.set(uri, plans.map((p) => p.key));
  }

  private lintPlan(plan: MachinePlan, s: Setup, uris: ReadonlySet<string>): { report: LintReport; texts: FileTexts } {
    const texts = new Map<string, string>();
    // Open documents by path (the first one opened for a path), and the inputs' paths: one lookup per
    // file instead of a scan of every open document or every input (issue 21).
    const openByPath = new Map<string, { doc: TextDocument; order: number }>();
    for (const [order, doc] of this.documents.all().entries()) {
      const p = pathOf(doc.uri);
      if (p !== undefined && !openByPath.has(p)) openByPath.set(p, { doc, order });
    }
    // The document that comes first among the open ones with either path, as a scan in that order would find.
    const openFor = (a: string, b: string): TextDocument | undefined => {
      const x = openByPath.get(a);
      const y = openByPath.get(b);
      return (x === undefined ? y : y === undefined || x.order <= y.order ? x : y)?.doc;
    };
    const inputPaths = new Set<string>();
    for (const input of plan.inputs) {
      inputPaths.add(input.realPath).add(input.displayPath);
      const doc = openFor(input.realPath, input.displayPath);
      if (doc) texts.set(input.realPath, doc.getText());
    }
    const uriOf = new Map<string, string>();
    for (const uri of uris) {
      const path = pathOf(uri) ?? `/untitled/${basename(uri)}`;
      uriOf.set(path, uri);
      if (!inputPaths.has(path)) texts.set(path, this.documents.get(uri)!.getText());
    }
    const report = lintCollected(plan.inputs, plan.unusable, s.setup, { texts });
    for (const f of report.failures) this.showOnce(`vfio-lint: rule ${f.ruleId} failed: ${f.message}`);
    const fileTexts = new FileTexts();
    for (const r of report.results) {
      if (r.source === undefined) continue;
      const doc = openFor(r.realPath ?? r.filePath, r.filePath);
      const uri = doc?.uri ?? uriOf.get(r.filePath);
      fileTexts.add(r.filePath, r.source, uri, doc ?? (uri === undefined ? undefined : this.documents.get(uri)));
    }
    this.connection.console.log(`linted ${plan.label}: ${report.results.length} file(s)`);
    return { report, texts: fileTexts };
  }

  /** A problem that stops linting (a broken config file): shown on the document's first line. */
  private publishProblem(doc: TextDocument, message: string): void {
    this.states.set(doc.uri, { version: doc.version, entries: [], inputs: new Set() });
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    void this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [{ range, severity: 1, source: 'vfio-lint', message: `vfio-lint could not lint this file: ${message}` }] });
    this.connection.console.error(message);
  }

  private showOnce(message: string, level: 'error' | 'warning' = 'error'): void {
    if (this.shown.has(message)) return;
    this.shown.add(message);
    if (level === 'warning') void this.connection.window.showWarningMessage(message);
    else void this.connection.window.showErrorMessage(message);
  }
}

/** The file path of a file: URI; undefined for other schemes (untitled buffers). */
export function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** What the file is, as the CLI tells a file given by name: XML by its root element, others by path, then content. */
function kindOf(path: string, text: string) {
  const c = classifyText(path, text, { named: true });
  return c.ok ? c.classification.kind : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sameRange(a: LspRange, b: LspRange): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function before(a: LspRange['start'], b: LspRange['start']): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Do two ranges share a position (an empty range at a diagnostic's edge counts)? */
function rangesTouch(a: LspRange, b: LspRange): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}
