import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

interface Caught {
  name: string;
  message: string;
  string: string;
  esmConfigError: boolean;
  cjsConfigError: boolean;
  esmInputError: boolean;
  cjsInputError: boolean;
  typeError: boolean;
}

/** The built ESM and CommonJS library in one Node process, used wrongly (issue 22, defects 6 to 9 and 11). */
describe('the library, misused, from its ESM and CommonJS builds at once', () => {
  let out: Record<string, Caught> & { asyncFailures: unknown[]; sarifVersion: string; jsonHasSource: boolean };
  let stderr: string;
  beforeAll(() => {
    const r = spawnSync(process.execPath, [join(ROOT, 'test', 'fixtures', 'integrations', 'library-errors.mjs'), ROOT], { encoding: 'utf8', timeout: 60_000 });
    stderr = r.stderr;
    expect(r.status, r.stderr).toBe(0);
    out = JSON.parse(r.stdout) as typeof out;
  });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

  it('a `kind` that does not exist is a TypeError naming the kinds (6)', () => {
    expect(out.kind).toMatchObject({ name: 'TypeError', typeError: true });
    expect(out.kind!.message).toMatch(/^kind must be one of domain, capabilities, .* \(got "domian"\)$/);
    expect(out.kindFiles!.message).toMatch(/\(got "grubb"\)$/);
  });

  it('an async check that throws is a failure in the report, not an unhandled rejection (7)', () => {
    expect(out.asyncFailures).toEqual([{ ruleId: 'local/async', message: 'check returned a promise: rules run synchronously, so an async check cannot report (remove `async`)' }]);
    expect(stderr).toBe('');
  });

  it('errors carry their class name and are instances of either build\'s class (8)', () => {
    expect(out.config).toMatchObject({ name: 'ConfigError', esmConfigError: true, cjsConfigError: true, esmInputError: false });
    expect(out.config!.string).toBe('ConfigError: the config option: rules: unknown rule "nope"');
    expect(out.input).toMatchObject({ name: 'InputError', esmInputError: true, cjsInputError: true, cjsConfigError: false });
  });

  it('speaks of the library\'s options, not the command line\'s flags (9)', () => {
    expect(out.rulesOption!.message).toBe('the rules option: unknown rule "memballon-present" (did you mean "memballoon-present"?)');
  });

  it("formatReport's SARIF names the tool's version, and its JSON has each file's source, as the CLI's (11)", () => {
    expect(out.sarifVersion).toBe(version);
    expect(out.jsonHasSource).toBe(true);
  });
});
