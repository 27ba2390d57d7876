import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintFiles, lintText } from '../../src/lint.js';
import { defineRule, type Requirement, type Rule, type RuleContext } from '../../src/engine/rule.js';

/**
 * What the engine does around a rule's check: a rule that reports wrongly or throws fails (and is not
 * run again), a rule without its inputs is skipped with a reason, and the findings the engine adds
 * itself (syntax, unused-suppression) carry their rule page. In-process, so mutation testing sees it.
 */

const DOMAIN = (name: string) => `<domain type='kvm'><name>${name}</name><vcpu>2</vcpu></domain>\n`;
const DOCS = 'https://github.com/vfio-lint/vfio-lint/blob/main/docs/rules/';

/** A machine rule; `check` may return anything (an async one returns a promise). */
function machineRule(id: string, requires: Requirement[], check: (ctx: RuleContext) => unknown): Rule {
  return { meta: { id, description: id, category: 'correctness', severity: 'warning', scope: 'machine', requires, messages: { m: 'found {what}' } }, check: check as Rule['check'] };
}

describe('a rule that fails', () => {
  const lint = (rule: Rule) => lintText(DOMAIN('vm'), { filePath: '/vm/vm.xml', config: false, cwd: '/', customRules: [rule] });

  it('reporting on a file that is not an input', async () => {
    const report = await lint(machineRule('elsewhere', ['domain'], (ctx) => ctx.report({ messageId: 'm', data: { what: 'x' }, at: { path: '/vm/other.xml', start: 0, end: 1 } })));
    expect(report.failures.map((f) => [f.ruleId, f.message])).toEqual([['elsewhere', 'rule elsewhere reported on a file that is not an input: /vm/other.xml']]);
    expect(report.results[0]!.messages).toEqual([]);
  });

  it('reporting a message it does not have', async () => {
    const report = await lint(machineRule('no-such-message', ['domain'], (ctx) => ctx.report({ messageId: 'nope', at: { path: '/vm/vm.xml', start: 0, end: 1 } })));
    expect(report.failures.map((f) => [f.ruleId, f.message])).toEqual([['no-such-message', "rule no-such-message has no message 'nope'"]]);
  });

  it('with an async check, whose findings would come too late', async () => {
    const report = await lint(machineRule('later', ['domain'], async () => {}));
    expect(report.failures.map((f) => [f.ruleId, f.message])).toEqual([['later', 'check returned a promise: rules run synchronously, so an async check cannot report (remove `async`)']]);
  });

  it('a rule that reports well does not fail, and its finding is there', async () => {
    const report = await lint(machineRule('fine', ['domain'], (ctx) => ctx.report({ messageId: 'm', data: { what: 'it' }, at: { path: '/vm/vm.xml', start: 1, end: 7 } })));
    expect(report.failures).toEqual([]);
    expect(report.results[0]!.messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.message}`)).toEqual(['fine 1:2 found it']);
  });

  it('a domain rule that throws on one domain is not run on the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-run-'));
    try {
      writeFileSync(join(dir, 'a.xml'), DOMAIN('a'));
      writeFileSync(join(dir, 'b.xml'), DOMAIN('b'));
      let calls = 0;
      const rule = defineRule({
        meta: { id: 'throws-once', description: 'd', category: 'correctness', severity: 'warning', scope: 'domain', requires: ['domain'], messages: { m: 'domain {name}' } },
        check(ctx) {
          if (calls++ === 0) throw new Error('broken on the first domain');
          ctx.report({ messageId: 'm', data: { name: ctx.domain.view.name ?? '?' }, at: { path: ctx.domain.file.source.path, start: 0, end: 1 } });
        },
      });
      const report = await lintFiles([dir], { config: false, cwd: dir, customRules: [rule] });
      expect(report.failures.map((f) => [f.ruleId, f.message])).toEqual([['throws-once', 'broken on the first domain']]);
      expect(report.results.flatMap((r) => r.messages.map((m) => m.message))).toEqual([]);
      expect(calls).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a rule without its inputs is skipped', () => {
  const skipped = async (requires: Requirement[], scope: 'domain' | 'machine' = 'machine') => {
    const seen: string[] = [];
    const rule: Rule = {
      meta: { id: 'needs', description: 'd', category: 'correctness', severity: 'warning', scope, requires, messages: { m: 'ran' } },
      check(ctx: RuleContext) {
        seen.push('ran');
        ctx.report({ messageId: 'm', at: { path: '/vm/vm.xml', start: 0, end: 1 } });
      },
    };
    const report = await lintText(DOMAIN('vm'), { filePath: '/vm/vm.xml', config: false, cwd: '/', customRules: [rule] });
    return { seen, findings: report.results[0]!.messages.map((m) => m.ruleId), skipped: report.skippedRules.filter((s) => s.ruleId === 'needs') };
  };
  const HOST = 'the running host (`--live`, or a snapshot folder from `vfio-lint snapshot`)';
  const IMAGE = "the running kernel's initramfs image and the times of the /etc files that go into it (read by `--live`; a snapshot records them from format version 2 on)";

  it('a domain rule that also needs a host file is not run on the domain', async () => {
    expect(await skipped(['domain', 'modprobe'], 'domain')).toEqual({ seen: [], findings: [], skipped: [{ ruleId: 'needs', reason: 'needs modprobe configuration (/etc/modprobe.d)' }] });
  });

  it('without the running host, its initramfs image is not named as well, and the skip is live-only', async () => {
    expect((await skipped(['live', 'initramfs-image'])).skipped).toEqual([{ ruleId: 'needs', reason: `needs ${HOST}`, liveOnly: true }]);
    expect((await skipped(['live'])).skipped).toEqual([{ ruleId: 'needs', reason: `needs ${HOST}`, liveOnly: true }]);
  });

  it('one rule, linted again and again on machines with different inputs, is judged for each (and each report has its own skip entries)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfio-lint-skip-'));
    try {
      for (const m of ['a', 'b']) writeFileSync(join(dir, `${m}.xml`), DOMAIN(m));
      writeFileSync(join(dir, 'vfio.conf'), 'options vfio-pci ids=10de:2684\n');
      let runs = 0;
      const rule = defineRule({
        meta: { id: 'needs-both', description: 'd', category: 'correctness', severity: 'warning', scope: 'domain', requires: ['domain', 'modprobe'], messages: { m: 'ran' } },
        check() {
          runs++;
        },
      });
      const lintOf = (files: string[]) => lintFiles(files.map((f) => join(dir, f)), { config: { machines: [{ name: 'm', files }] }, cwd: dir, customRules: [rule] });
      const ids = (r: Awaited<ReturnType<typeof lintOf>>) => r.skippedRules.filter((s) => s.ruleId === 'needs-both');
      const alone = await lintOf(['a.xml']);
      expect(ids(alone)).toEqual([{ ruleId: 'needs-both', reason: 'needs modprobe configuration (/etc/modprobe.d)' }]);
      ids(alone)[0]!.reason = 'changed by the caller';
      expect(ids(await lintOf(['a.xml', 'b.xml', 'vfio.conf']))).toEqual([]);
      expect(runs).toBe(2);
      expect(ids(await lintOf(['b.xml']))).toEqual([{ ruleId: 'needs-both', reason: 'needs modprobe configuration (/etc/modprobe.d)' }]);
      // No domain at all: the same rule now also lacks its domain.
      expect(ids(await lintOf(['vfio.conf']))).toEqual([{ ruleId: 'needs-both', reason: 'needs a libvirt domain XML' }]);
      expect(runs).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a rule\'s requirements are read once per set of inputs, not at every lint', async () => {
    let reads = 0;
    const requires: Requirement[] = ['domain', { anyOf: ['modprobe', 'cmdline'] }];
    const rule: Rule = {
      meta: {
        id: 'counted',
        description: 'd',
        category: 'correctness',
        severity: 'warning',
        scope: 'domain',
        get requires() {
          reads++;
          return requires;
        },
        messages: { m: 'ran' },
      },
      check() {},
    };
    const lint = (filePath: string, text: string) => lintText(text, { filePath, config: false, cwd: '/', customRules: [rule] });
    for (let i = 0; i < 3; i++) expect((await lint('/vm/vm.xml', DOMAIN('vm'))).skippedRules.filter((s) => s.ruleId === 'counted')).toEqual([{ ruleId: 'counted', reason: 'needs modprobe configuration (/etc/modprobe.d) or a kernel command line source (/etc/default/grub, /etc/kernel/cmdline, a loader entry or /proc/cmdline)' }]);
    const once = reads;
    expect(once).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await lint('/vm/vm.xml', DOMAIN('vm'));
    expect(reads).toBe(once);
    // Other inputs (a modprobe file alone): judged for them twice, once as the domains would see them
    // (the rule runs) and once for the machine as it is (no domain), and never again.
    for (let i = 0; i < 3; i++) expect((await lint('/etc/modprobe.d/vfio.conf', 'options vfio-pci ids=10de:2684\n')).skippedRules.filter((s) => s.ruleId === 'counted')).toEqual([{ ruleId: 'counted', reason: 'needs a libvirt domain XML' }]);
    expect(reads).toBe(once + 2);
  });

  it('a rule that needs more than the running host is not live-only', async () => {
    expect((await skipped(['live', 'modprobe'])).skipped).toEqual([{ ruleId: 'needs', reason: `needs ${HOST} and modprobe configuration (/etc/modprobe.d)` }]);
    expect((await skipped(['initramfs-image'])).skipped).toEqual([{ ruleId: 'needs', reason: `needs ${IMAGE}` }]);
  });
});

describe('findings the engine adds itself', () => {
  const conf = (text: string, rules: Record<string, 'off' | 'warning'> = {}, customRules: Rule[] = []) =>
    lintText(text, { filePath: '/etc/modprobe.d/vfio.conf', config: false, cwd: '/', rules, customRules }).then((r) => r.results[0]!.messages);

  it('a syntax finding links the syntax rule\'s page', async () => {
    const [m] = await conf('frobnicate nouveau\n');
    expect([m!.ruleId, m!.messageId === undefined, m!.url]).toEqual(['syntax', false, `${DOCS}syntax.md`]);
  });

  it('an unused directive is an unused-suppression finding with its message id and page', async () => {
    const [m] = await conf('# vfio-lint-disable-next-line syntax\n# nothing wrong here\n');
    expect([m!.ruleId, m!.messageId, m!.url, m!.severity]).toEqual(['unused-suppression', 'unused', `${DOCS}unused-suppression.md`, 'warning']);
  });

  it('a directive for syntax is unused only when syntax is on', async () => {
    const text = '# vfio-lint-disable-next-line syntax\n# nothing wrong here\n';
    expect((await conf(text)).map((m) => m.ruleId)).toEqual(['unused-suppression']);
    expect(await conf(text, { syntax: 'off' })).toEqual([]);
  });

  it('a directive for a rule that was skipped is not reported', async () => {
    const liveRule = machineRule('live-probe', ['live'], () => {});
    expect(await conf('# vfio-lint-disable-next-line live-probe\n# nothing wrong here\n', {}, [liveRule])).toEqual([]);
  });

  it('unused directives are not reported when unused-suppression is off', async () => {
    expect(await conf('# vfio-lint-disable-next-line syntax\n# nothing wrong here\n', { 'unused-suppression': 'off' })).toEqual([]);
  });
});

describe('what the engine hands on', () => {
  it('a message whose placeholder gets no data keeps the placeholder as written', async () => {
    const rule = machineRule('bare', ['domain'], (ctx) => ctx.report({ messageId: 'm', at: { path: '/vm/vm.xml', start: 0, end: 1 } }));
    const report = await lintText(DOMAIN('vm'), { filePath: '/vm/vm.xml', config: false, cwd: '/', customRules: [rule] });
    expect(report.failures).toEqual([]);
    expect(report.results[0]!.messages.filter((m) => m.ruleId === 'bare').map((m) => m.message)).toEqual(['found {what}']);
  });

  it('every skipped rule is listed with its id and the reason, and nothing else is', async () => {
    const report = await lintText(DOMAIN('vm'), { filePath: '/vm/vm.xml', config: false, cwd: '/' });
    expect(report.skippedRules.length).toBeGreaterThan(0);
    for (const s of report.skippedRules) expect(s).toMatchObject({ ruleId: expect.stringMatching(/^[a-z0-9-]+$/), reason: expect.stringMatching(/^needs /) });
  });
});
