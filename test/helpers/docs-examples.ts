import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Bad and Good examples of a rule's docs page, read by the convention in docs/contributing.md
 * ("Examples the suite runs"):
 *
 *   ```xml file=vm.xml                      a fenced block whose info string names the file it stands for
 *   ```sh file=etc/default/grub case=a      blocks with the same `case` in one section are one machine
 *   ```xml file=vm.xml caps=amd             the machine also gets test/fixtures/docs/capabilities-amd.xml
 *
 * A block without `file=` is an illustration and is not run. An XML block whose first element is not
 * <domain> is a fragment: it is wrapped in a domain (see wrapFragment). A Bad example must make the
 * page's rule report at least once; a Good example must not make it report.
 */
export interface DocExample {
  section: 'Bad' | 'Good';
  /** 1-based line of the first block's fence in docs.md. */
  line: number;
  /** Relative path -> content, ready to write into an empty directory. */
  files: Map<string, string>;
}

export const DOCS_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'docs');

/** Elements that are children of <domain>; any other top-level element of a fragment goes inside <devices>. */
const DOMAIN_CHILDREN = new Set([
  'name', 'uuid', 'title', 'description', 'metadata', 'memory', 'currentMemory', 'maxMemory', 'memoryBacking', 'vcpu', 'vcpus', 'iothreads',
  'cputune', 'numatune', 'resource', 'os', 'features', 'cpu', 'clock', 'on_poweroff', 'on_reboot', 'on_crash', 'pm', 'devices', 'seclabel', 'sysinfo', 'idmap',
]);

/**
 * A domain around an XML fragment: top-level elements that belong to <domain> go in it as they are,
 * the others (and comments before them) go in a <devices> element. The domain is named `example` unless
 * the fragment has its own <name> (a name can be a page's Windows evidence). A fragment that is a whole
 * <domain> is returned as it is.
 */
export function wrapFragment(xml: string): string {
  const first = /<([A-Za-z_][\w.-]*)/.exec(xml.replace(/<!--[\s\S]*?-->/g, ''))?.[1];
  if (first === 'domain') return xml;
  const top = topLevelNames(xml);
  const inDomain = top.every((n) => DOMAIN_CHILDREN.has(n));
  const body = inDomain ? xml : `<devices>\n${xml}</devices>\n`;
  const name = inDomain && top.includes('name') ? '' : '<name>example</name>\n';
  return `<domain type='kvm'>\n${name}${body}</domain>\n`;
}

function topLevelNames(xml: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const m of xml.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    if (m[1] === '/') depth--;
    else {
      if (depth === 0) names.push(m[2]!);
      if (m[3] !== '/') depth++;
    }
  }
  return names;
}

/** Every runnable example of a page, and the blocks of Bad/Good that have no `file=` (to list them). */
export function docExamples(md: string): { examples: DocExample[]; unnamed: number[] } {
  const lines = md.split('\n');
  const examples: DocExample[] = [];
  const unnamed: number[] = [];
  let section: string | undefined;
  let byCase = new Map<string, DocExample>();
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.+?)\s*$/.exec(lines[i]!);
    if (heading) {
      section = heading[1];
      byCase = new Map();
      continue;
    }
    const fence = /^```(.*)$/.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (section !== 'Bad' && section !== 'Good') continue;
    const attrs = new Map([...fence[1]!.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    const file = attrs.get('file');
    if (!file) {
      unnamed.push(start + 1);
      continue;
    }
    const key = attrs.get('case');
    let ex = key ? byCase.get(key) : undefined;
    if (!ex) {
      ex = { section, line: start + 1, files: new Map() };
      examples.push(ex);
      if (key) byCase.set(key, ex);
    }
    const text = `${body.join('\n')}\n`;
    ex.files.set(file, file.endsWith('.xml') ? wrapFragment(text) : text);
    const caps = attrs.get('caps');
    if (caps) ex.files.set('capabilities.xml', readFileSync(join(DOCS_FIXTURES, `capabilities-${caps}.xml`), 'utf8'));
  }
  return { examples, unnamed };
}
