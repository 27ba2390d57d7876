import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic as LspDiagnostic, DiagnosticSeverity, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Diagnostic } from '../engine/diagnostic.js';
import type { Fix } from '../engine/fix.js';
import type { Severity } from '../engine/rule.js';

/** The texts a report was made on, by the path the report uses, with the URI to address each in the editor. */
export class FileTexts {
  private readonly docs = new Map<string, TextDocument>();
  private readonly uris = new Map<string, string>();

  /**
   * `uri` is the editor's own URI for an open document; other files get a file: URI of their path.
   * `open` is that document: when it holds `text`, its positions are used, whose line index the editor's
   * incremental changes keep up to date (a new document would index a 1 MB text again at each keystroke).
   */
  add(path: string, text: string, uri?: string, open?: TextDocument): void {
    if (this.docs.has(path)) return;
    const u = uri ?? pathToFileURL(path).href;
    this.uris.set(path, u);
    this.docs.set(path, open !== undefined && open.uri === u && open.getText() === text ? open : TextDocument.create(u, '', 0, text));
  }

  uri(path: string): string {
    return this.uris.get(path) ?? pathToFileURL(path).href;
  }

  /** A range in LSP terms (UTF-16 code units, like our offsets); undefined when the file's text is unknown. */
  range(path: string, start: number, end: number): LspDiagnostic['range'] | undefined {
    const doc = this.docs.get(path);
    if (!doc) return undefined;
    return { start: doc.positionAt(start), end: doc.positionAt(end) };
  }
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, info: 3 };

/** One finding as an LSP diagnostic: the rule id is the code, its documentation the code's link. */
export function toLspDiagnostic(m: Diagnostic, texts: FileTexts, id: number): LspDiagnostic {
  const range = texts.range(m.path, m.range.start, m.range.end) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const out: LspDiagnostic = { range, severity: SEVERITY[m.severity], source: 'vfio-lint', message: m.reason, data: { id } };
  if (m.ruleId !== undefined) {
    out.code = m.ruleId;
    if (m.url) out.codeDescription = { href: m.url };
  }
  if (m.related && m.related.length > 0) {
    out.relatedInformation = [];
    for (const r of m.related) {
      const rr = texts.range(r.path, r.start, r.end);
      if (rr) out.relatedInformation.push({ location: { uri: texts.uri(r.path), range: rr }, message: r.message });
    }
  }
  return out;
}

/** A fix as a workspace edit; undefined when an edited file's text is unknown (then its offsets cannot be placed). */
export function toWorkspaceEdit(fixes: readonly Fix[], texts: FileTexts): WorkspaceEdit | undefined {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const fix of fixes) {
    for (const e of fix.edits) {
      const range = texts.range(e.path, e.start, e.end);
      if (!range) return undefined;
      (changes[texts.uri(e.path)] ??= []).push({ range, newText: e.text });
    }
  }
  return { changes };
}

export function quickFix(title: string, diagnostic: LspDiagnostic | undefined, edit: WorkspaceEdit, preferred: boolean): CodeAction {
  return { title, kind: 'quickfix', ...(diagnostic ? { diagnostics: [diagnostic] } : {}), ...(preferred ? { isPreferred: true } : {}), edit };
}
