import type { Diagnostic } from '../engine/diagnostic.js';
import type { Fix } from '../engine/fix.js';
import type { LintReport } from '../engine/result.js';
import { undoneWhy } from '../engine/fix-loop.js';
import type { RuleMeta, Severity } from '../engine/rule.js';
import { Locator } from './locate.js';
import { absolutePath, directoryUri, fileUri, relativeInside, relativeUri } from './paths.js';
import { PARSE_ERROR_RULE, type ReporterOptions } from './types.js';

/**
 * SARIF 2.1.0, one run, for GitHub code scanning and other SARIF viewers.
 *
 * - Every rule of `report.rulesMeta` is described in `tool.driver.rules`
 *   (sorted by id, so `ruleIndex` is stable), plus `parse-error` when a file
 *   could not be parsed or read: those are results too, so they show on the file.
 * - Paths inside `cwd` are relative URIs against `%SRCROOT%` (= cwd); others are
 *   absolute `file:` URIs. Columns are UTF-16 code units (`columnKind`);
 *   `charOffset`/`charLength` index the decoded text without a BOM.
 * - Safe fixes become `fixes`; suggestions are left out (they need a human).
 * - Rules that threw are `toolExecutionNotifications` and make
 *   `executionSuccessful` false; skipped rules and undone fixes are notifications too.
 */
export function format(report: LintReport, options: ReporterOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/vfio-lint/vfio-lint';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface Region {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  charOffset: number;
  charLength: number;
}

interface PhysicalLocation {
  artifactLocation: ArtifactLocation;
  region: Region;
}

interface Notification {
  level: Level;
  message: { text: string };
  associatedRule?: { id: string; index?: number };
}

export function toSarif(report: LintReport, options: ReporterOptions) {
  const cwd = options.cwd;
  const locator = new Locator(report);
  const metas = Object.values(report.rulesMeta).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rules: Array<Record<string, unknown>> = metas.map(descriptor);
  const ruleIndex = new Map<string, number>(metas.map((m, i) => [m.id, i]));
  const indexOf = (id: string, url: string | undefined): number => {
    let i = ruleIndex.get(id);
    if (i === undefined) {
      // A finding of a rule without metadata (or a parse failure) still gets a descriptor.
      i = rules.length;
      rules.push(
        id === PARSE_ERROR_RULE
          ? { id, name: 'ParseError', shortDescription: { text: 'The file could not be read or parsed, so no rule could check it.' }, defaultConfiguration: { level: 'error' } }
          : { id, ...(url ? { helpUri: url } : {}) },
      );
      ruleIndex.set(id, i);
    }
    return i;
  };

  const location = (path: string, start: number, end: number): PhysicalLocation => {
    const region: Region = { charOffset: start, charLength: Math.max(0, end - start) };
    const a = locator.point(path, start);
    const b = locator.point(path, end);
    const lines = a && b ? { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column } : {};
    return { artifactLocation: artifact(path, cwd), region: { ...lines, ...region } };
  };

  const results = [];
  for (const r of report.results) {
    for (const d of r.messages) {
      const id = d.ruleId ?? PARSE_ERROR_RULE;
      const res: Record<string, unknown> = {
        ruleId: id,
        ruleIndex: indexOf(id, d.url),
        level: LEVEL[d.severity],
        message: { text: d.reason },
        locations: [{ physicalLocation: primaryLocation(d, location) }],
      };
      if (d.related && d.related.length > 0) {
        res.relatedLocations = d.related.map((rel, i) => ({
          id: i + 1,
          physicalLocation: location(rel.path, rel.start, rel.end),
          message: { text: rel.message },
        }));
      }
      if (d.fix && d.fix.edits.length > 0) res.fixes = [sarifFix(d.fix, d.reason, cwd)];
      results.push(res);
    }
  }

  const execution: Notification[] = report.failures.map((f) => ({
    level: 'error',
    message: { text: `rule ${f.ruleId} failed: ${f.message}` },
    associatedRule: ruleRef(f.ruleId, ruleIndex),
  }));
  for (const u of report.undone) {
    execution.push({
      level: 'warning',
      message: { text: `a fix by ${u.ruleId} in ${u.path} was not applied: ${undoneWhy(u)}` },
      associatedRule: ruleRef(u.ruleId, ruleIndex),
    });
  }
  const configuration: Notification[] = report.skippedRules.map((s) => ({
    level: 'note',
    message: { text: `rule ${s.ruleId} skipped: ${s.reason}` },
    associatedRule: ruleRef(s.ruleId, ruleIndex),
  }));

  const invocation: Record<string, unknown> = { executionSuccessful: report.failures.length === 0 };
  if (execution.length > 0) invocation.toolExecutionNotifications = execution;
  if (configuration.length > 0) invocation.toolConfigurationNotifications = configuration;

  const driver: Record<string, unknown> = { name: 'vfio-lint' };
  if (options.version) driver.version = options.version;
  driver.informationUri = INFORMATION_URI;
  driver.rules = rules;

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: { driver },
        invocations: [invocation],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function descriptor(meta: RuleMeta): Record<string, unknown> {
  const tags: string[] = [meta.category];
  if (meta.fixable) tags.push(meta.fixable === 'safe' ? 'fixable' : 'suggestion');
  return {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: fullDescription(meta) },
    ...(meta.docs ? { helpUri: meta.docs } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: { category: meta.category, tags, requires: meta.requires, ...(meta.fixable ? { fixable: meta.fixable } : {}) },
  };
}

function fullDescription(meta: RuleMeta): string {
  const needs = meta.requires.length > 0 ? ` Needs: ${meta.requires.join(', ')}.` : '';
  const end = /[.!?]$/.test(meta.description) ? '' : '.';
  return `${meta.description}${end}${needs}`;
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function ruleRef(id: string, index: ReadonlyMap<string, number>): { id: string; index?: number } {
  const i = index.get(id);
  return i === undefined ? { id } : { id, index: i };
}

function artifact(path: string, cwd: string): ArtifactLocation {
  const rel = relativeInside(path, cwd);
  return rel !== undefined ? { uri: relativeUri(rel), uriBaseId: SRCROOT } : { uri: fileUri(absolutePath(path, cwd)) };
}

function primaryLocation(d: Diagnostic, location: (path: string, start: number, end: number) => PhysicalLocation): PhysicalLocation {
  const loc = location(d.path, d.range.start, d.range.end);
  if (loc.region.startLine === undefined) {
    // A file with no text (unreadable): the diagnostic's own place is all there is.
    const start = d.place && 'start' in d.place ? d.place.start : d.place;
    const end = d.place && 'end' in d.place ? d.place.end : start;
    if (start && end && start.line >= 1 && start.column >= 1 && end.line >= 1 && end.column >= 1) {
      loc.region = { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, ...loc.region };
    }
  }
  return loc;
}

function sarifFix(fix: Fix, reason: string, cwd: string) {
  const byPath = new Map<string, Fix['edits']>();
  for (const e of fix.edits) {
    const list = byPath.get(e.path) ?? [];
    list.push(e);
    byPath.set(e.path, list);
  }
  return {
    description: { text: `Fix: ${reason}` },
    artifactChanges: [...byPath].map(([path, edits]) => ({
      artifactLocation: artifact(path, cwd),
      replacements: edits.map((e) => ({
        deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
        insertedContent: { text: e.text },
      })),
    })),
  };
}
