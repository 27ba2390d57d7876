import { describe, expect, it } from 'vitest';
import { sourceFile } from '../../src/core/source.js';
import { builtinDocsUrl } from '../../src/engine/rule.js';
import { format, toSarif } from '../../src/reporters/sarif.js';
import { validateSarif } from './sarif-validator.js';
import { CWD, diag, GRUB_PATH, GRUB_TEXT, meta, report, result, scenario, XML_PATH } from './fixture.js';

const validate = validateSarif;

function expectValid(log: unknown) {
  const ok = validate(log);
  expect(validate.errors ?? null, JSON.stringify(validate.errors, null, 1)).toBeNull();
  expect(ok).toBe(true);
}

const opts = { cwd: CWD, color: false, version: '1.2.3' };

describe('sarif', () => {
  it('the schema check itself rejects a broken log', () => {
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'info' }] }] })).toBe(false);
  });

  it('the scenario validates against the official SARIF 2.1.0 schema', () => {
    const text = format(scenario(), opts);
    expect(text.endsWith('}\n')).toBe(true);
    expectValid(JSON.parse(text));
  });

  it('describes the tool and every rule, sorted, plus parse-error', () => {
    const run = toSarif(scenario(), opts).runs[0]!;
    const driver = run.tool.driver as { name: string; version: string; informationUri: string; rules: Array<Record<string, unknown>> };
    expect(driver.name).toBe('vfio-lint');
    expect(driver.version).toBe('1.2.3');
    expect(driver.informationUri).toBe('https://github.com/vfio-lint/vfio-lint');
    expect(driver.rules.map((r) => r.id)).toEqual(['grub-default', 'hint-rule', 'iommu-enabled', 'isolcpus-mismatch', 'memballoon-present', 'nvidia-not-blacklisted', 'parse-error']);
    expect(driver.rules[2]).toEqual({
      id: 'iommu-enabled',
      name: 'IommuEnabled',
      shortDescription: { text: 'The IOMMU must be on' },
      fullDescription: { text: 'The IOMMU must be on. Needs: cmdline.' },
      helpUri: builtinDocsUrl('iommu-enabled'),
      defaultConfiguration: { level: 'error' },
      properties: { category: 'stability', tags: ['stability', 'fixable'], requires: ['cmdline'], fixable: 'safe' },
    });
    expect(driver.rules[1]!.defaultConfiguration).toEqual({ level: 'note' });
    expect(driver.rules[4]!.properties).toEqual({ category: 'performance', tags: ['performance', 'suggestion'], requires: ['domain'], fixable: 'suggest' });
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/proj/' } });
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('results: levels, regions with offsets, relative and absolute URIs, fixes, related locations', () => {
    const results = toSarif(scenario(), opts).runs[0]!.results as Array<Record<string, unknown>>;
    expect(results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['grub-default', 0, 'warning'],
      ['iommu-enabled', 2, 'error'],
      ['hint-rule', 1, 'note'],
      ['memballoon-present', 4, 'warning'],
      ['parse-error', 6, 'error'],
      ['nvidia-not-blacklisted', 5, 'warning'],
    ]);
    const grubLoc = { uri: 'etc/default/grub', uriBaseId: '%SRCROOT%' };
    expect(results[1]).toEqual({
      ruleId: 'iommu-enabled',
      ruleIndex: 2,
      level: 'error',
      message: { text: 'IOMMU is not enabled on the kernel command line.' },
      locations: [{ physicalLocation: { artifactLocation: grubLoc, region: { startLine: 2, startColumn: 29, endLine: 2, endColumn: 41, charOffset: 43, charLength: 12 } } }],
      fixes: [
        {
          description: { text: 'Fix: IOMMU is not enabled on the kernel command line.' },
          artifactChanges: [{ artifactLocation: grubLoc, replacements: [{ deletedRegion: { charOffset: 55, charLength: 0 }, insertedContent: { text: ' intel_iommu=on' } }] }],
        },
      ],
    });
    // A fix over two files: one artifactChange per file.
    const cross = (results[2]!.fixes as Array<{ artifactChanges: Array<{ artifactLocation: unknown }> }>)[0]!;
    expect(cross.artifactChanges.map((c) => c.artifactLocation)).toEqual([{ uri: 'vm/win11.xml', uriBaseId: '%SRCROOT%' }, grubLoc]);
    // Suggestions are not SARIF fixes; related locations are.
    expect(results[3]!.fixes).toBeUndefined();
    expect(results[3]!.relatedLocations).toEqual([
      { id: 1, physicalLocation: { artifactLocation: grubLoc, region: { startLine: 2, startColumn: 29, endLine: 2, endColumn: 41, charOffset: 43, charLength: 12 } }, message: { text: 'kernel command line here' } },
    ]);
    expect((results[4]!.locations as unknown[])[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'broken.xml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 8, endLine: 1, endColumn: 8, charOffset: 7, charLength: 0 } },
    });
    expect((results[5]!.locations as Array<{ physicalLocation: { artifactLocation: unknown } }>)[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'file:///etc/modprobe.d/vfio.conf' });
  });

  it('invocation: skipped rules as configuration notes; rule failures and undone fixes as execution notifications', () => {
    const base = scenario();
    const inv = toSarif(base, opts).runs[0]!.invocations[0]!;
    expect(inv).toEqual({
      executionSuccessful: true,
      toolConfigurationNotifications: [
        { level: 'note', message: { text: 'rule isolcpus-mismatch skipped: needs host capabilities XML (`virsh capabilities > caps.xml`)' }, associatedRule: { id: 'isolcpus-mismatch', index: 3 } },
      ],
    });
    const failed = { ...base, failures: [{ ruleId: 'hint-rule', message: 'boom', stack: undefined }], undone: [{ ruleId: 'iommu-enabled', path: GRUB_PATH, message: 'm', cause: 'unparsable' as const, reason: 'unterminated quote' }] };
    const log = toSarif(failed, opts);
    expectValid(log);
    expect(log.runs[0]!.invocations[0]).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [
        { level: 'error', message: { text: 'rule hint-rule failed: boom' }, associatedRule: { id: 'hint-rule', index: 1 } },
        { level: 'warning', message: { text: `a fix by iommu-enabled in ${GRUB_PATH} was not applied: it would leave the file unparsable (unterminated quote)` }, associatedRule: { id: 'iommu-enabled', index: 2 } },
      ],
      toolConfigurationNotifications: expect.any(Array),
    });
  });

  it('an empty run is valid and has an empty results array', () => {
    const log = toSarif(report([]), { cwd: CWD, color: false });
    expectValid(log);
    expect(log.runs[0]!.results).toEqual([]);
    expect((log.runs[0]!.tool.driver as Record<string, unknown>).version).toBeUndefined();
  });

  it('percent-encodes file names and describes rules that have no metadata', () => {
    const path = `${CWD}/my dir/a#b%.xml`;
    const src = sourceFile(path, '<domain/>\n');
    const d = diag(src, { ruleId: 'unknown-rule', severity: 'warning', message: 'm', range: { start: 1, end: 7 } });
    const log = toSarif(report([result(src, path, 'domain', [d])], { rulesMeta: { a: meta('a') } }), opts);
    expectValid(log);
    const r = (log.runs[0]!.results as Array<Record<string, unknown>>)[0]!;
    expect((r.locations as Array<{ physicalLocation: { artifactLocation: unknown } }>)[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'my%20dir/a%23b%25.xml', uriBaseId: '%SRCROOT%' });
    expect(r.ruleIndex).toBe(1);
    expect((log.runs[0]!.tool.driver as { rules: unknown[] }).rules[1]).toEqual({ id: 'unknown-rule', helpUri: builtinDocsUrl('unknown-rule') });
  });

  it('a file with no text (unreadable) keeps the diagnostic place', () => {
    const src = sourceFile(XML_PATH, '');
    const d = diag(src, { ruleId: undefined, severity: 'error', message: 'permission denied', range: { start: 0, end: 0 }, parseFailure: true });
    const log = toSarif(report([result(undefined, XML_PATH, undefined, [d])]), opts);
    expectValid(log);
    const r = (log.runs[0]!.results as Array<{ locations: Array<{ physicalLocation: { region: unknown } }> }>)[0]!;
    expect(r.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, charOffset: 0, charLength: 0 });
  });

  it('the grub text used here is what the offsets assume', () => {
    expect(GRUB_TEXT.slice(43, 55)).toBe('quiet splash');
  });
});
