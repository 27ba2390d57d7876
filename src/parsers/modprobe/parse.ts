import type { ParseProblem } from '../../core/problem.js';
import type { Range } from '../../core/range.js';
import { isKernelSpace, tokenizeCmdline } from '../cmdline/tokenize.js';
import type { Comment, KernelParam, Token } from '../cmdline/types.js';
import { LogicalLine, logicalLines } from './lines.js';
import { normalizeModuleName } from './names.js';
import type { ModprobeCommand, ModprobeFile, ModuleRef } from './types.js';

/** strtok(" \t"): the separators of the command word and the module name. */
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * Parse a modprobe.d file the way kmod's `kmod_config_parse()` reads it: logical lines (see
 * `logicalLines`), a comment only when '#' is the first character of the logical line, words
 * split on spaces and tabs. Every token keeps exact file offsets through line joining.
 */
export function parseModprobe(src: string): ModprobeFile {
  const commands: ModprobeCommand[] = [];
  const comments: Comment[] = [];
  const problems: ParseProblem[] = [];
  let crlfReported = false;
  for (const line of logicalLines(src)) {
    const t = line.text;
    if (t.length === 0) continue;
    if (t.charCodeAt(0) === 35) {
      comments.push({ start: line.start, end: line.end, body: t.slice(1) });
      continue;
    }
    const kw = nextWord(t, 0, isBlank);
    if (!kw) continue;
    const cmd = parseCommand(line, kw, comments, problems);
    commands.push(cmd);
    if (!crlfReported && t.charCodeAt(t.length - 1) === 13) {
      crlfReported = true;
      const at = line.origin(t.length - 1);
      problems.push(problem(at, at + 1, 'warning', 'modprobe-crlf',
        "Windows (CRLF) line ending: kmod keeps the '\\r' as part of the last word on the line, so a module name there no longer matches"));
    }
  }
  return { kind: 'modprobe', commands, comments, problems };
}

type Span = [number, number];

function parseCommand(line: LogicalLine, kw: Span, comments: Comment[], problems: ParseProblem[]): ModprobeCommand {
  const t = line.text;
  const keyword = line.token(kw[0], kw[1]);
  const start = line.start;
  const end = line.end;
  let accepted = true;
  const word = keyword.text;

  if (word.charCodeAt(0) === 35) {
    // Only reachable when the line is indented: kmod reads `#` as a command and rejects it.
    comments.push({ start: keyword.start, end: line.end, body: t.slice(kw[0] + 1) });
    problems.push(problem(keyword.start, line.end, 'error', 'modprobe-bad-line',
      "a comment must start in the first column: kmod reads this indented '#' as a command and ignores the line"));
    return { type: 'unknown', start, end, keyword, accepted: false };
  }

  switch (word) {
    case 'alias':
    case 'blacklist': {
      const w1 = nextWord(t, kw[1], isBlank);
      const w2 = w1 && word === 'alias' ? nextWord(t, w1[1], isBlank) : undefined;
      const first = w1 ? moduleRef(line, w1) : undefined;
      const second = w2 ? moduleRef(line, w2) : undefined;
      const extra = words(line, (word === 'alias' ? w2 : w1)?.[1] ?? t.length, isBlank);
      if (word === 'alias' ? !second : !first) {
        problems.push(problem(keyword.start, line.end, 'error', 'modprobe-missing-module',
          word === 'alias' ? "'alias' needs a pattern and a module name: kmod ignores this line" : "'blacklist' needs a module name: kmod ignores this line"));
        accepted = false;
      }
      accepted = checkBrackets([first, second], problems) && accepted;
      reportExtra(extra, word, problems);
      return word === 'alias'
        ? { type: 'alias', start, end, keyword, accepted, pattern: first, module: second, extra }
        : { type: 'blacklist', start, end, keyword, accepted, module: first, extra };
    }
    case 'options':
    case 'install':
    case 'remove':
    case 'softdep':
    case 'weakdep': {
      const w1 = nextWord(t, kw[1], isBlank);
      const module = w1 ? moduleRef(line, w1) : undefined;
      // kmod takes "the rest" from just after the one delimiter that ended the module name.
      const restFrom = w1 ? Math.min(w1[1] + 1, t.length) : t.length;
      const rest = restFrom < t.length ? line.token(restFrom, t.length) : undefined;
      if (!module) {
        problems.push(problem(keyword.start, line.end, 'error', 'modprobe-missing-module', `'${word}' needs a module name: kmod ignores this line`));
        accepted = false;
      } else if (word === 'options' && module.text.includes('=')) {
        problems.push(problem(module.start, module.end, 'error', 'modprobe-missing-module',
          `'${module.text}' is read as the module name: the module name is missing before the parameters`));
        if (!rest) accepted = false;
      } else if (!rest) {
        problems.push(problem(keyword.start, line.end, 'error', 'modprobe-missing-args', missingArgs(word)));
        accepted = false;
      }
      accepted = checkBrackets([module], problems) && accepted;
      if (word === 'options') {
        const params = rest ? optionParams(line, restFrom) : [];
        if (rest && params.length === 0) {
          problems.push(problem(rest.start, rest.end, 'warning', 'modprobe-missing-args', `'options ${module?.text ?? ''}' has no parameters`));
        }
        flagTrailingComment(params, problems, 'options');
        return { type: 'options', start, end, keyword, accepted, module, args: rest, params };
      }
      if (word === 'install' || word === 'remove') return { type: word, start, end, keyword, accepted, module, command: rest };
      // softdep and weakdep split their rest on any isspace() character.
      const deps = words(line, restFrom, isKernelSpace).map(withName);
      if (word === 'weakdep') {
        flagTrailingComment(deps, problems, 'weakdep');
        return { type: 'weakdep', start, end, keyword, accepted, module, deps };
      }
      return softdep({ start, end, keyword, accepted }, module, deps, problems);
    }
    case 'include':
    case 'config':
      problems.push(problem(keyword.start, line.end, 'warning', 'modprobe-deprecated-command', `kmod no longer reads '${word}' lines: this line does nothing`));
      return { type: 'deprecated', start, end, keyword, accepted: false };
    default: {
      const hint = word.includes('=') ? ' (it looks like a shell or dracut setting, which belongs in another file)' : '';
      problems.push(problem(keyword.start, line.end, 'error', 'modprobe-unknown-command', `unknown command '${word}': kmod ignores this line${hint}`));
      return { type: 'unknown', start, end, keyword, accepted: false };
    }
  }
}

function softdep(
  base: { start: number; end: number; keyword: Token; accepted: boolean },
  module: ModuleRef | undefined,
  deps: ModuleRef[],
  problems: ParseProblem[],
): ModprobeCommand {
  const pre: ModuleRef[] = [];
  const post: ModuleRef[] = [];
  const unused: ModuleRef[] = [];
  const markers: Token[] = [];
  let mode: 'none' | 'pre' | 'post' = 'none';
  let inComment = false;
  const commentFrom = deps.findIndex((d) => d.text.charCodeAt(0) === 35);
  if (commentFrom >= 0) flagTrailingComment(deps.slice(commentFrom), problems, 'softdep');
  deps.forEach((d, i) => {
    if (i === commentFrom) inComment = true;
    // Only the whole words count as markers (kmod compares length and text).
    if (d.text === 'pre:' || d.text === 'post:') {
      mode = d.text === 'pre:' ? 'pre' : 'post';
      markers.push({ text: d.text, start: d.start, end: d.end, verbatim: d.verbatim });
      return;
    }
    if (!inComment && (d.text.startsWith('pre:') || d.text.startsWith('post:'))) {
      const marker = d.text.startsWith('pre:') ? 'pre:' : 'post:';
      problems.push(problem(d.start, d.end, 'error', 'modprobe-softdep-marker',
        `'${d.text}' is read as a module name: put a space after '${marker}'`));
    } else if (!inComment && mode === 'none') {
      problems.push(problem(d.start, d.end, 'error', 'modprobe-softdep-unused',
        `'${d.text}' comes before any 'pre:' or 'post:': kmod ignores it`));
    }
    (mode === 'pre' ? pre : mode === 'post' ? post : unused).push(d);
  });
  return { type: 'softdep', start: base.start, end: base.end, keyword: base.keyword, accepted: base.accepted, module, pre, post, unused, markers };
}

/** The kernel tokenizes module options like its own command line; keep file offsets through the joining. */
function optionParams(line: LogicalLine, from: number): KernelParam[] {
  const text = line.text.slice(from);
  if (line.plain) return tokenizeCmdline(text, undefined, undefined, line.start + from);
  const all = line.origins();
  const origins = Array.prototype.slice.call(all, from) as number[];
  return tokenizeCmdline(text, origins);
}

/** A '#' word on an options/softdep/weakdep line is not a comment: it and what follows are used as data. */
function flagTrailingComment(items: ReadonlyArray<Range & { raw?: string; text?: string }>, problems: ParseProblem[], word: string): void {
  const i = items.findIndex((it) => (it.raw ?? it.text ?? '').charCodeAt(0) === 35);
  if (i < 0) return;
  const what = word === 'options' ? 'module parameters (the kernel logs "unknown parameter")' : 'module names';
  problems.push(problem(items[i]!.start, items[items.length - 1]!.end, 'warning', 'modprobe-trailing-comment',
    `'#' only starts a comment at the beginning of a line: on a '${word}' line this text is read as ${what}`));
}

function reportExtra(extra: Token[], word: string, problems: ParseProblem[]): void {
  // Extra words are ignored silently; a trailing `# note` is therefore harmless, anything before it is not.
  let n = 0;
  while (n < extra.length && extra[n]!.text.charCodeAt(0) !== 35) n++;
  if (n === 0) return;
  const what = word === 'alias' ? "'alias' takes a pattern and one module" : "'blacklist' takes one module";
  problems.push(problem(extra[0]!.start, extra[n - 1]!.end, 'warning', 'modprobe-extra-words', `${what}: kmod ignores the rest of the line`));
}

function checkBrackets(refs: Array<ModuleRef | undefined>, problems: ParseProblem[]): boolean {
  let ok = true;
  for (const r of refs) {
    if (!r || !normalizeModuleName(r.text).unmatchedBracket) continue;
    ok = false;
    problems.push(problem(r.start, r.end, 'error', 'modprobe-unmatched-bracket', `unmatched bracket in '${r.text}': kmod rejects this line`));
  }
  return ok;
}

function missingArgs(word: string): string {
  switch (word) {
    case 'options': return "'options' needs parameters after the module name: kmod ignores this line";
    case 'install': case 'remove': return `'${word}' needs a command after the module name: kmod ignores this line`;
    default: return `'${word}' needs dependencies after the module name: kmod ignores this line`;
  }
}

function moduleRef(line: LogicalLine, w: Span): ModuleRef {
  return withName(line.token(w[0], w[1]));
}

function withName(tok: Token): ModuleRef {
  // An explicit literal, not a spread: V8 builds these much faster.
  return { text: tok.text, start: tok.start, end: tok.end, verbatim: tok.verbatim, name: normalizeModuleName(tok.text).name };
}

function nextWord(t: string, from: number, isSep: (c: number) => boolean): Span | undefined {
  let a = from;
  while (a < t.length && isSep(t.charCodeAt(a))) a++;
  if (a >= t.length) return undefined;
  let b = a;
  while (b < t.length && !isSep(t.charCodeAt(b))) b++;
  return [a, b];
}

function words(line: LogicalLine, from: number, isSep: (c: number) => boolean): Token[] {
  const out: Token[] = [];
  let w = nextWord(line.text, from, isSep);
  while (w) {
    out.push(line.token(w[0], w[1]));
    w = nextWord(line.text, w[1], isSep);
  }
  return out;
}

function problem(start: number, end: number, severity: ParseProblem['severity'], code: string, message: string): ParseProblem {
  return { start, end, severity, code, message };
}
