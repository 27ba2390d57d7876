// Kernel command-line parameters from the kernel's own list, Documentation/admin-guide/kernel-parameters.txt
// (with the tag legend from kernel-parameters.rst). The text is written for people, so the value lists are
// read with a few conservative patterns; docs/dictionaries.md says where they are approximate.

/** Column of the first non-blank character, tabs to multiples of 8. */
function indentOf(line) {
  let col = 0;
  for (const ch of line) {
    if (ch === '\t') col = (Math.floor(col / 8) + 1) * 8;
    else if (ch === ' ') col++;
    else break;
  }
  return col;
}

/** Tags the legend defines ("X86-64  X86-64 architecture is enabled.") and which of them are architectures. */
export function parseTagLegend(rst) {
  const tags = new Set();
  const arch = new Set();
  for (const line of rst.split('\n')) {
    const m = /^\t([A-Za-z][A-Za-z0-9_-]*=?)\s+(\S.*)$/.exec(line);
    if (!m) continue;
    const tag = m[1].replace(/=$/, '');
    tags.add(tag);
    // "ARM64 architecture is enabled.", "The PA-RISC architecture ...", "X86-32, aka i386 architecture ...",
    // "Either 32-bit or 64-bit x86"; not "Integrity measurement architecture" (IMA).
    if (/^(The )?[\w-]+(, aka \w+)? architecture is enabled|32-bit or 64-bit x86/.test(m[2])) arch.add(tag);
  }
  return { tags, arch };
}

// Variants the entries use for architectures the legend names differently (RISCV64, PPC64, X86_64, IA-64, ...).
function isArchTag(tag, arch) {
  if (arch.has(tag)) return true;
  const base = tag.replace(/[-_]?(32|64)$/, '');
  return arch.has(base) || arch.has(`${base}-64`) || /^(IA-64|ALPHA|ARC|CSKY|HEXAGON|MICROBLAZE|NIOS2|OPENRISC|UM)$/.test(tag);
}

const NAME = /^(<module>\.[A-Za-z0-9_.-]+|[A-Za-z0-9_][A-Za-z0-9_.\-]*)/;
const LITERAL = /^[A-Za-z0-9_][\w.\-:/]*$/;
// Placeholder words the headings use for a value shape rather than a literal value.
const PLACEHOLDER = /^(n|nn|N|X|P|T|M|option|options|size|seconds|value|val|number|string|list|mode|bits|address|addr|port|irq|dev|device|driver|name)$/;

/** Splits one entry's heading line into name, whether a value follows, the written form and the tags. */
function parseHeading(text, legend) {
  const m = NAME.exec(text);
  if (!m) return undefined;
  const name = m[1];
  let rest = text.slice(name.length);
  let value = 'none';
  let form;
  if (rest.startsWith('[=')) {
    value = 'optional';
    form = /^\[=[^\]]*\]/.exec(rest)?.[0];
    rest = rest.slice(form?.length ?? 0);
  } else if (rest.startsWith('=')) {
    value = 'required';
    form = /^=\S*/.exec(rest)[0];
    rest = rest.slice(form.length);
    // "kvm.ignore_msrs=[KVM]": the brackets hold tags, not a value shape.
    if (/^=\[[A-Z0-9_,-]+\]$/.test(form)) {
      rest = `${form.slice(1)} ${rest}`;
      form = '=';
    }
  }
  const tags = tagsIn(`${form ?? ''} ${rest}`, legend);
  return { name, value, form: form && form !== '=' ? `${name}${form}` : undefined, tags };
}

/** Tags named in [A,B] groups; a group may hold a unit too ("nn[KMG,X86,EARLY]"). */
function tagsIn(text, legend) {
  const tags = [];
  for (const g of text.matchAll(/\[([^\]]*)\]/g)) {
    for (const t of g[1].split(/[,/]\s*/)) {
      const tag = t.trim();
      // Units share the brackets in a few headings; tags the legend lacks (DMAR, IPE, ...) are kept.
      const isTag = legend.tags.has(tag) || isArchTag(tag, legend.arch) || (/^[A-Z][A-Z0-9_-]+$/.test(tag) && !/^[KMGTP]+$/.test(tag));
      if (isTag && !tags.includes(tag)) tags.push(tag);
    }
  }
  return tags;
}

/** Literal values from "Format: { a | b | c }" (values in quotes or bare); placeholders such as <int> are skipped. */
function formatValues(format) {
  const braces = /^\{(.*)\}/.exec(format);
  if (!braces) return [];
  return braces[1]
    .split('|')
    .map((v) => v.trim().replace(/^"(.*)"$/, '$1'))
    .filter((v) => v && LITERAL.test(v) && !v.includes('<'));
}

/**
 * Values listed one per line in an entry's text: "word -- text", "word - text", "word<TAB>text", or a run of
 * words alone on their lines (each optionally followed by a [tag] or a "(default)") whose next line is
 * indented deeper, the layout of a term and its definition. "unset" and "default" describe the absence of
 * a value, so they are not values. A value's own [tags] (such as "pt [X86]") go into valueTags.
 */
function listedValues(body, valueTags) {
  const values = [];
  let run = [];
  let runIndent = -1;
  const endRun = (nextIndent) => {
    if (run.length && nextIndent > runIndent) values.push(...run);
    run = [];
    runIndent = -1;
  };
  for (const line of body) {
    const text = line.trim();
    const at = indentOf(line);
    const alone = /^([A-Za-z0-9_][\w.\-,]*)(?:\s+\[([^\]]*)\]|\s+\([^)]*\))?$/.exec(text);
    if (alone && !text.endsWith('.') && (run.length === 0 || at === runIndent)) {
      run.push(alone[1]);
      if (alone[2] && /^[A-Z][A-Z0-9_/,-]*$/.test(alone[2])) valueTags.set(alone[1], alone[2].split(/[/,]/));
      runIndent = at;
      continue;
    }
    endRun(at);
    const m = /^([A-Za-z0-9_][\w.\-/,]*(?:=[\w<>.\-]*)?)\s*(?:--|-)\s+\S/.exec(text) ?? /^([A-Za-z0-9_][\w.\-/]*)\t+\S/.exec(line.replace(/^\s+/, ''));
    if (m) values.push(m[1]);
  }
  endRun(-1);
  return values.filter((v) => v !== 'unset' && v !== 'default');
}

export function parseKernelParameters(txt, rst) {
  const legend = parseTagLegend(rst);
  const lines = txt.split('\n');
  // An entry starts at a line with one tab (or up to 8 spaces) and then a name; its text is everything
  // more indented below it.
  const entries = [];
  let current;
  for (const line of lines) {
    if (/^\t\S/.test(line) || /^ {1,8}[^\s]/.test(line) && indentOf(line) <= 8) {
      const heading = parseHeading(line.trim(), legend);
      if (heading) {
        current = { ...heading, body: [] };
        entries.push(current);
        continue;
      }
    }
    if (current && line.trim()) current.body.push(line);
  }

  const params = new Map();
  for (const e of entries) {
    const tags = e.tags.length ? e.tags : tagsIn(e.body[0]?.trim().startsWith('[') ? e.body[0] : '', legend);
    const formatAt = e.body.findIndex((l) => /^\s*Format:/.test(l));
    let format;
    if (formatAt >= 0) {
      format = e.body[formatAt].replace(/^\s*Format:\s*/, '');
      // A braced list may wrap onto the next lines.
      for (let i = formatAt + 1; format.includes('{') && !format.includes('}') && i < e.body.length; i++) format += ` ${e.body[i].trim()}`;
      format = format.replace(/\s+/g, ' ').trim();
    }
    const valueTags = new Map();
    const values = [...formatValues(format ?? ''), ...listedValues(e.body.filter((_, i) => i !== formatAt), valueTags)];
    if (e.form) {
      const literal = e.form.slice(e.name.length + 1);
      if (LITERAL.test(literal) && !PLACEHOLDER.test(literal) && !/[A-Z]/.test(literal)) values.unshift(literal);
    }
    const p = params.get(e.name) ?? { value: e.value, tags: [], forms: [], values: [], valueTags: {} };
    for (const [v, t] of valueTags) p.valueTags[v] = t;
    if (p.value !== e.value) p.value = 'optional';
    for (const t of tags) if (!p.tags.includes(t)) p.tags.push(t);
    if (e.form && !p.forms.includes(e.form)) p.forms.push(e.form);
    if (format && !p.format) p.format = format;
    for (const v of values) if (!p.values.includes(v)) p.values.push(v);
    params.set(e.name, p);
  }

  const out = {};
  for (const [name, p] of [...params].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = { value: p.value };
    if (p.tags.length) entry.tags = p.tags;
    const arch = p.tags.filter((t) => isArchTag(t, legend.arch));
    if (arch.length) entry.arch = arch;
    if (p.format) entry.format = p.format;
    if (p.forms.length) entry.forms = p.forms;
    if (p.values.length && p.value !== 'none') entry.values = p.values;
    if (entry.values && Object.keys(p.valueTags).length) entry.valueTags = p.valueTags;
    out[name] = entry;
  }
  return { params: out, archTags: [...legend.arch].sort() };
}

/**
 * The documented names that have a '-', by their spelling with '_' for each '-': the kernel reads the
 * two alike (parameq in kernel/params.c), and with this small map a reader finds a name's entry without
 * reading every name first (src/data/kernel-params.ts). Where two documented names read alike, the later
 * one is the answer, as a map built over all the names in order gives.
 */
export function dashNames(params) {
  const byNormal = new Map(Object.keys(params).map((n) => [n.replaceAll('-', '_'), n]));
  return Object.fromEntries([...byNormal].filter(([normal, name]) => normal !== name));
}
