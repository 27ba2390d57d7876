// The playground page (docs/playground.md): editor panes, one per file, linted together as one machine
// by the library's lintTexts on every change; findings inline (CodeMirror's lint extension) and in a
// list; fixes and suggestions applied with a click; the CPU topology map; share links.
import { EditorView, basicSetup } from 'codemirror';
import { Compartment, type Extension } from '@codemirror/state';
import { forEachDiagnostic, lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { xml } from '@codemirror/lang-xml';
import { lintTexts, topologyOfTexts, type TextFile } from '../../src/lint-texts.js';
import { topologyText } from '../../src/cli/topology-text.js';
import { FILE_KINDS, type FileKind } from '../../src/model/machine.js';
import type { Diagnostic } from '../../src/engine/diagnostic.js';
import type { Fix } from '../../src/engine/fix.js';
import type { LintReport } from '../../src/engine/result.js';
import { EXAMPLE_FILES } from 'vfio-lint:example';
import { decodeShare, encodeShare, type SharedFile } from './share.js';
import { filesFromDrop, filesFromPicked, type Dropped } from './drop.js';
import { storedZip, zipName } from './zip.js';

interface Pane {
  id: number;
  root: HTMLElement;
  path: HTMLInputElement;
  kind: HTMLSelectElement;
  detected: HTMLElement;
  counts: HTMLElement;
  view: EditorView;
  language: Compartment;
  isXml: boolean;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const panes: Pane[] = [];
let nextId = 1;
let timer: ReturnType<typeof setTimeout> | undefined;
/** A dropped snapshot folder's facts file: its /proc and /sys facts join the machine, as `vfio-lint SNAPSHOT` does. */
let snapshot: { path: string; text: string } | undefined;
/** What the last lint saw, by pane id: a fix is applied only to the text it was computed for. */
let linted = new Map<number, string>();

function status(text: string): void {
  $('status').textContent = text;
}

/** The path a pane lints under: what the user typed, else a name that leaves the kind to the content. */
function pathOf(p: Pane): string {
  return p.path.value.trim() || `untitled-${p.id}`;
}

function addPane(file: { path: string; text: string; kind?: string } = { path: '', text: '' }): Pane {
  const root = document.createElement('div');
  root.className = 'pane';
  root.dataset.pane = '';
  const head = document.createElement('div');
  head.className = 'pane-head';
  const path = document.createElement('input');
  path.className = 'path';
  path.placeholder = 'path, e.g. /etc/default/grub or win11.xml';
  path.setAttribute('aria-label', 'File path');
  path.value = file.path;
  const kind = document.createElement('select');
  kind.className = 'kind';
  kind.setAttribute('aria-label', 'File kind');
  kind.append(new Option('kind: from path and content', ''), ...FILE_KINDS.map((k) => new Option(k, k)));
  kind.value = file.kind && (FILE_KINDS as readonly string[]).includes(file.kind) ? file.kind : '';
  const detected = document.createElement('span');
  detected.className = 'detected';
  const counts = document.createElement('span');
  counts.className = 'pane-counts';
  const download = button('Download', () => downloadPane(pane));
  const remove = button('Remove', () => removePane(pane));
  head.append(path, kind, detected, counts, download, remove);
  const editor = document.createElement('div');
  root.append(head, editor);
  $('panes').append(root);
  const language = new Compartment();
  const isXml = file.text.trimStart().startsWith('<') || file.path.endsWith('.xml');
  const view = new EditorView({
    doc: file.text,
    parent: editor,
    extensions: [basicSetup, EditorView.lineWrapping, lintGutter(), language.of(isXml ? xml() : []), EditorView.updateListener.of((u) => u.docChanged && schedule())],
  });
  const pane: Pane = { id: nextId++, root, path, kind, detected, counts, view, language, isXml };
  root.dataset.paneId = String(pane.id);
  path.addEventListener('input', schedule);
  kind.addEventListener('change', schedule);
  panes.push(pane);
  schedule();
  return pane;
}

function removePane(p: Pane): void {
  panes.splice(panes.indexOf(p), 1);
  p.view.destroy();
  p.root.remove();
  schedule();
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function schedule(): void {
  document.body.dataset.lintState = 'pending';
  clearTimeout(timer);
  timer = setTimeout(lintNow, 150);
}

function filesOf(): TextFile[] {
  return panes.map((p) => ({ path: pathOf(p), text: p.view.state.doc.toString(), ...(p.kind.value ? { kind: p.kind.value as FileKind } : {}) }));
}

function lintNow(): void {
  clearTimeout(timer);
  const files = filesOf();
  let report: LintReport;
  try {
    report = lintTexts(files, { snapshot });
  } catch (err) {
    // Two panes with one path, say: the message names it.
    status(err instanceof Error ? err.message.replace(/^lintTexts: /, '') : String(err));
    document.body.dataset.lintState = 'error';
    return;
  }
  linted = new Map(panes.map((p, i) => [p.id, files[i]!.text] as const));
  const byPath = new Map(panes.map((p) => [pathOf(p), p] as const));
  const perPane = new Map<Pane, CmDiagnostic[]>(panes.map((p) => [p, []]));
  for (const r of report.results) {
    const pane = byPath.get(r.filePath);
    if (!pane) continue;
    pane.detected.textContent = r.kind ? `read as ${r.kind}` : 'kind unknown';
    const xmlKind = r.kind === 'domain' || r.kind === 'capabilities';
    if (xmlKind !== pane.isXml) {
      pane.isXml = xmlKind;
      pane.view.dispatch({ effects: pane.language.reconfigure(xmlKind ? xml() : ([] as Extension)) });
    }
    pane.counts.textContent = `${r.errorCount} errors, ${r.warningCount} warnings, ${r.infoCount} info`;
    for (const d of r.messages) {
      perPane.get(pane)!.push(cmDiagnostic(pane, d, d.range.start, d.range.end, d.message + (d.ruleId ? ` (${d.ruleId})` : ''), d.severity));
      // A finding that points at another place (the host's command line for a domain's pinning) shows there too.
      for (const rel of d.related ?? []) {
        const other = byPath.get(rel.path);
        if (other) perPane.get(other)!.push(cmDiagnostic(other, undefined, rel.start, rel.end, `${rel.message}: see ${r.filePath}:${d.line}:${d.column}, ${d.message}${d.ruleId ? ` (${d.ruleId})` : ''}`, 'info'));
      }
    }
  }
  for (const [pane, list] of perPane) pane.view.dispatch(setDiagnostics(pane.view.state, list));
  renderFindings(report);
  renderTopology(files, report);
  status(`${panes.length} file${panes.length === 1 ? '' : 's'} linted${snapshot ? `, with the facts of the snapshot ${snapshot.path}` : ''}`);
  document.body.dataset.lintState = 'done';
}

function cmDiagnostic(pane: Pane, d: Diagnostic | undefined, start: number, end: number, message: string, severity: string): CmDiagnostic {
  const len = pane.view.state.doc.length;
  const from = Math.min(start, len);
  const actions: Array<NonNullable<CmDiagnostic['actions']>[number]> = [];
  if (d?.fix) actions.push({ name: 'Fix', apply: () => applyFix(d.fix!) });
  d?.suggestions?.forEach((s, i) => actions.push({ name: `Suggestion ${i + 1}`, apply: () => applyFix(s.fix) }));
  return { from, to: Math.max(from, Math.min(end, len)), severity: severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'info', message, source: d?.ruleId, actions };
}

function docsUrl(d: Diagnostic): string | undefined {
  if (!d.ruleId) return undefined;
  return __VFIO_LINT_DOCS_BASE__ ? `${__VFIO_LINT_DOCS_BASE__}${d.ruleId}.md` : d.url ?? undefined;
}

function renderFindings(report: LintReport): void {
  const list = $('findings');
  list.replaceChildren();
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const r of report.results) {
    errors += r.errorCount;
    warnings += r.warningCount;
    infos += r.infoCount;
    for (const d of r.messages) {
      const li = document.createElement('li');
      const end = d.place && 'end' in d.place ? d.place.end : undefined;
      Object.assign(li.dataset, { file: r.filePath, rule: d.ruleId ?? '', line: String(d.line ?? 0), column: String(d.column ?? 0), endLine: String(end?.line ?? ''), endColumn: String(end?.column ?? ''), level: d.severity });
      const level = span(`level level-${d.severity}`, d.severity);
      const where = span('where', `${r.filePath}:${d.line}:${d.column}`);
      where.title = 'Show in the editor';
      where.addEventListener('click', () => reveal(r.filePath, d.range.start, d.range.end));
      const message = span('message', d.message);
      li.append(level, where, message);
      const url = docsUrl(d);
      if (d.ruleId) {
        const a = document.createElement('a');
        a.className = 'rule';
        a.textContent = d.ruleId;
        if (url) a.href = url;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        li.append(' ', a);
      }
      for (const rel of d.related ?? []) {
        const div = document.createElement('div');
        div.className = 'related';
        const w = span('where', `${rel.path}:${rel.line}:${rel.column}`);
        w.addEventListener('click', () => reveal(rel.path, rel.start, rel.end));
        div.append(w, rel.message);
        li.append(div);
      }
      const actions = document.createElement('div');
      if (d.fix) actions.append(Object.assign(button('Fix', () => applyFix(d.fix!)), { className: 'fix' }));
      d.suggestions?.forEach((s) => actions.append(Object.assign(button(s.description, () => applyFix(s.fix)), { className: 'suggestion' })));
      if (actions.childElementCount > 0) li.append(actions);
      list.append(li);
    }
  }
  $('counts').textContent = `(${errors} errors, ${warnings} warnings, ${infos} info)`;
  const skipped = $('skipped');
  skipped.replaceChildren(...report.skippedRules.map((s) => Object.assign(document.createElement('li'), { textContent: `${s.ruleId}: ${s.reason}` })));
}

function span(className: string, text: string): HTMLSpanElement {
  return Object.assign(document.createElement('span'), { className, textContent: text });
}

function reveal(path: string, start: number, end: number): void {
  const pane = panes.find((p) => pathOf(p) === path);
  if (!pane) return;
  const len = pane.view.state.doc.length;
  pane.view.dispatch({ selection: { anchor: Math.min(start, len), head: Math.min(end, len) }, scrollIntoView: true });
  pane.view.focus();
}

function renderTopology(files: TextFile[], report: LintReport): void {
  const pre = $('topology');
  if (!report.results.some((r) => r.kind === 'capabilities')) {
    pre.textContent = "Give the host's capabilities XML (virsh capabilities > capabilities.xml) to see its CPUs with the domains' pinning laid on them.";
    return;
  }
  try {
    const t = topologyOfTexts(files);
    pre.textContent = topologyText({ name: undefined, problems: [], ...t }, { color: false, width: 110 });
  } catch (err) {
    pre.textContent = `The topology map could not be drawn: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Apply a fix's edits, in every file it touches, to the texts it was computed for; refuse when one has changed since. */
function applyFix(fix: Fix): boolean {
  const byPane = new Map<Pane, Fix['edits']>();
  for (const e of fix.edits) {
    const pane = panes.find((p) => pathOf(p) === e.path);
    if (!pane || linted.get(pane.id) !== pane.view.state.doc.toString()) {
      status('The files changed since this finding was made: try again on the new findings.');
      lintNow();
      return false;
    }
    byPane.set(pane, [...(byPane.get(pane) ?? []), e]);
  }
  for (const [pane, edits] of byPane) {
    const changes = [...edits].sort((a, b) => a.start - b.start).map((e) => ({ from: e.start, to: e.end, insert: e.text }));
    pane.view.dispatch({ changes });
  }
  lintNow();
  return true;
}

function fixAll(): void {
  lintNow();
  const report = lintTexts(filesOf(), { fix: true, snapshot });
  let changed = 0;
  for (const r of report.results) {
    const pane = panes.find((p) => pathOf(p) === r.filePath);
    if (!pane || r.output === undefined) continue;
    pane.view.dispatch({ changes: { from: 0, to: pane.view.state.doc.length, insert: r.output } });
    changed++;
  }
  lintNow();
  status(changed === 0 ? 'No safe fix to apply.' : `Safe fixes applied in ${changed} file${changed === 1 ? '' : 's'}: ${report.applied.length} fix${report.applied.length === 1 ? '' : 'es'}.`);
}

function downloadPane(p: Pane): void {
  const name = pathOf(p).split('/').filter(Boolean).pop() ?? 'file.txt';
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([p.view.state.doc.toString()], { type: 'text/plain' }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Every pane's text (fixed or not) as one .zip, each file at its path (made relative and safe, zip.ts). */
function downloadAll(): void {
  const utf8 = new TextEncoder();
  let zip: Uint8Array;
  try {
    zip = storedZip(panes.map((p) => ({ name: zipName(pathOf(p)) ?? `untitled-${p.id}`, bytes: utf8.encode(p.view.state.doc.toString()) })));
  } catch (err) {
    status(`Download files: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  a.download = 'vfio-lint-files.zip';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

async function openShare(): Promise<void> {
  const files: SharedFile[] = panes.map((p) => ({ path: p.path.value.trim(), text: p.view.state.doc.toString(), ...(p.kind.value ? { kind: p.kind.value } : {}) }));
  const link = `${location.href.split('#')[0]}${await encodeShare(files)}`;
  const input = $<HTMLInputElement>('share-link');
  input.value = link;
  $<HTMLDialogElement>('share-dialog').showModal();
}

async function copyShare(): Promise<void> {
  const input = $<HTMLInputElement>('share-link');
  try {
    await navigator.clipboard.writeText(input.value);
    status('Share link copied: it holds the files.');
  } catch {
    input.select();
    status('Select the link and copy it (the browser did not allow the page to copy): it holds the files.');
  }
}

/** Files dropped or picked join the panes (an empty pane gives way); a snapshot's facts replace any before. */
function addDropped(r: Dropped): void {
  const empty = panes.filter((p) => p.view.state.doc.length === 0 && p.path.value.trim() === '');
  for (const p of empty) removePane(p);
  if (r.snapshot) snapshot = r.snapshot;
  for (const f of r.files) addPane(f);
  lintNow();
  if (r.skipped.length > 0) status(`Not added: ${r.skipped.join('; ')}`);
}

function loadFiles(files: ReadonlyArray<{ path: string; text: string; kind?: string }>): void {
  snapshot = undefined;
  for (const p of [...panes]) removePane(p);
  for (const f of files) addPane(f);
  if (files.length === 0) addPane();
  lintNow();
}

async function start(): Promise<void> {
  $('add-file').addEventListener('click', () => addPane().path.focus());
  $('load-example').addEventListener('click', () => loadFiles(EXAMPLE_FILES));
  $('fix-all').addEventListener('click', fixAll);
  $('download-all').addEventListener('click', downloadAll);
  $('share').addEventListener('click', () => void openShare());
  $('share-copy').addEventListener('click', () => void copyShare());
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    if (!e.dataTransfer) return;
    void filesFromDrop(e.dataTransfer).then(addDropped);
  });
  const folder = $<HTMLInputElement>('open-folder');
  folder.addEventListener('change', () => {
    if (folder.files) void filesFromPicked(folder.files).then(addDropped);
  });
  let shared: SharedFile[] | undefined;
  let problem: string | undefined;
  try {
    shared = await decodeShare(location.hash);
  } catch (err) {
    problem = `Share link: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (shared) loadFiles(shared);
  else addPane();
  lintNow();
  if (problem) status(problem);
  // Read-only, for scripts driving the page (the browser tests): the files as the panes hold them.
  (window as unknown as { vfioLintPlayground: object }).vfioLintPlayground = {
    files: (): SharedFile[] => panes.map((p) => ({ path: p.path.value.trim(), text: p.view.state.doc.toString(), ...(p.kind.value ? { kind: p.kind.value } : {}) })),
    /** The diagnostics an editor shows, by the pane's path: overlapping ones share one mark on screen. */
    marks: (path: string) => {
      const pane = panes.find((p) => p.path.value.trim() === path);
      const out: Array<{ from: number; to: number; severity: string; message: string }> = [];
      if (pane) forEachDiagnostic(pane.view.state, (d, from, to) => out.push({ from, to, severity: d.severity, message: d.message }));
      return out;
    },
  };
  document.body.dataset.ready = 'true';
}

void start();
