import { isIfsSpace } from './chars.js';
import { isStaticWord, literalText } from './words.js';
import type { ParamPart, ParsedShellFile, ShellAssignment, ShellStatement, ShellValue, ShellWord } from './types.js';

/**
 * A value computed across files. For each UTF-16 unit of `text`, `files[i]` is the index (in
 * the list given to `evaluateShellVars`) of the file the character was written in and
 * `offsets[i]` its offset there; both are -1 for characters with no place in any file
 * (`initialEnv` values, the spaces that join array elements).
 */
export interface ResolvedValue {
  text: string;
  files: number[];
  offsets: number[];
  /** Part of the value could not be computed (command substitution, special parameter ...). */
  dynamic: boolean;
  /** Variables that were expanded while unset. */
  unresolved: string[];
}

export interface VariableValue {
  isArray: boolean;
  /** A scalar is one element. */
  elements: ResolvedValue[];
}

export interface EvaluatedAssignment {
  /** Index of the file in the evaluated list. */
  file: number;
  assignment: ShellAssignment;
  /** The right-hand side as evaluated when it ran (arrays: elements joined with single spaces). */
  value: ResolvedValue;
  /** Array right-hand side after field splitting (empty for scalars). */
  elements: ResolvedValue[];
  /** For each element, the index in `assignment.words` of the word it came from. */
  elementWords: number[];
  /** False for the `NAME=value` prefix of a command: it sets nothing. */
  applied: boolean;
  /** The variable just before this assignment; undefined when unset. */
  previous: VariableValue | undefined;
}

export interface ShellVariable extends VariableValue {
  name: string;
  /** The scalar value; for arrays the elements joined with single spaces. */
  value: ResolvedValue;
  /** The last assignment that changed it; undefined when the value comes from `initialEnv`. */
  setBy: EvaluatedAssignment | undefined;
  /** Some assignment to it may not have run (conditional) or had a dynamic part, or it was `unset` conditionally. */
  uncertain: boolean;
}

export interface ShellEvaluation {
  variables: Map<string, ShellVariable>;
  /**
   * Set when expansion outgrew its budget (a variable that doubles itself, thousands of `+=`):
   * evaluation stopped at this assignment; nothing from there on was evaluated, and every
   * variable is marked uncertain.
   */
  stopped?: { file: number; offset: number; message: string };
  /** Every assignment in execution order, command prefixes included (with `applied: false`). */
  assignments: EvaluatedAssignment[];
  /** Statements that are commands (not evaluated): `. file`, `source`, conditions, `lsb_release` ... */
  commands: Array<{ file: number; statement: ShellStatement }>;
}

/** Values present before the first file runs (e.g. GRUB's defaults). Arrays for bash arrays. */
export type ShellEnv = Readonly<Record<string, string | readonly string[]>>;

/**
 * Run the assignments of several files in order, as if each were sourced by one shell (grub's
 * main file then grub.d/*.cfg; mkinitcpio.conf then its drop-ins). Commands are never run:
 * their effect is unknown, they are listed in `commands`. Only `unset NAME` is applied.
 */
export function evaluateShellVars(files: readonly ParsedShellFile[], initialEnv: ShellEnv = {}): ShellEvaluation {
  const size = files.reduce((n, f) => n + f.text.length, 0);
  const ev = new Evaluator(initialEnv, new Budget(EXPANSION_PER_CHAR * size + EXPANSION_ALLOWANCE));
  let stopped: ShellEvaluation['stopped'];
  try {
    files.forEach((f, i) => ev.runFile(f, i));
  } catch (err) {
    if (!(err instanceof OverBudget)) throw err;
    const at = ev.current?.assignment.start ?? 0;
    stopped = { file: ev.file, offset: at, message: `expanding the variables here would make over ${ev.budget.limit} characters (${EXPANSION_PER_CHAR} per character of input): the value grows faster than the file (a variable that doubles itself, or thousands of \`+=\`); nothing from here on is evaluated` };
    ev.current = undefined;
    for (const st of ev.vars.values()) st.uncertain = true;
  }
  const result = ev.result();
  if (stopped) result.stopped = stopped;
  return result;
}

/**
 * Every character an evaluation makes (each copy of a value, each origin) is counted: at most
 * this many per character of input, plus a fixed allowance for small files that expand a
 * variable a few times. Time and memory are then linear in the input, whatever it does.
 */
export const EXPANSION_PER_CHAR = 4;
const EXPANSION_ALLOWANCE = 64 * 1024;

class OverBudget extends Error {}

class Budget {
  left: number;
  constructor(readonly limit: number) {
    this.left = limit;
  }
  spend(n: number): void {
    this.left -= n;
    if (this.left < 0) throw new OverBudget();
  }
}

/** Per unit of `value.text`: its offset in file `file`, or -1 (the form `tokenizeCmdline` takes). */
export function originsIn(value: ResolvedValue, file: number): number[] {
  const out = new Array<number>(value.offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = value.files[i] === file ? value.offsets[i]! : -1;
  return out;
}

/** A sub-range of a value, origins included. */
export function sliceValue(v: ResolvedValue, start: number, end: number): ResolvedValue {
  return { text: v.text.slice(start, end), files: v.files.slice(start, end), offsets: v.offsets.slice(start, end), dynamic: v.dynamic, unresolved: v.unresolved };
}

/** Fill each assignment's `value`/`elements` from the file alone (used by the parser); say where evaluation stopped. */
export function evaluateInPlace(file: ParsedShellFile): void {
  const { assignments, stopped } = evaluateShellVars([file]);
  if (stopped) file.problems.push({ start: stopped.offset, end: stopped.offset, severity: 'fatal', code: 'shell-expansion-budget', message: stopped.message });
  for (const ea of assignments) {
    const a = ea.assignment;
    a.value = local(ea.value);
    a.elements = ea.elements.map((v, i) => {
      const w = a.words[ea.elementWords[i]!]!;
      return { start: w.start, end: w.end, ...local(v) };
    });
  }
}

/** With a single file, offsets are already -1 exactly where files are. */
function local(v: ResolvedValue): ShellValue {
  return { text: v.text, origins: v.offsets, dynamic: v.dynamic, unresolved: v.unresolved };
}

const EMPTY: ResolvedValue = { text: '', files: [], offsets: [], dynamic: false, unresolved: [] };

function fromEnv(s: string): ResolvedValue {
  const none = new Array<number>(s.length).fill(-1);
  return { text: s, files: none, offsets: none.slice(), dynamic: false, unresolved: [] };
}

/** Accumulates characters with their origins. */
class Chars {
  constructor(readonly budget?: Budget) {}
  text = '';
  files: number[] = [];
  offsets: number[] = [];
  dynamic = false;
  /** Created on first use: most values reference no unset variable. */
  #unresolved: Set<string> | undefined;

  get unresolved(): Set<string> {
    return (this.#unresolved ??= new Set());
  }

  hasUnresolved(): boolean {
    return this.#unresolved !== undefined && this.#unresolved.size > 0;
  }

  add(text: string, file: number | readonly number[], offsets: readonly number[], from = 0, to = text.length): void {
    this.budget?.spend(to - from);
    this.text += from === 0 && to === text.length ? text : text.slice(from, to);
    for (let k = from; k < to; k++) {
      this.files.push(typeof file === 'number' ? (offsets[k]! < 0 ? -1 : file) : file[k]!);
      this.offsets.push(offsets[k]!);
    }
  }

  space(): void {
    this.budget?.spend(1);
    this.text += ' ';
    this.files.push(-1);
    this.offsets.push(-1);
  }

  take(): ResolvedValue {
    const v: ResolvedValue = { text: this.text, files: this.files, offsets: this.offsets, dynamic: this.dynamic, unresolved: this.hasUnresolved() ? [...this.unresolved] : [] };
    this.text = '';
    this.files = [];
    this.offsets = [];
    return v;
  }
}

/**
 * Where expanded characters go. `splittable`: the characters came from an unquoted expansion,
 * so IFS whitespace in them separates fields (array context only).
 */
interface Sink {
  chars: Chars;
  add(text: string, file: number | readonly number[], offsets: readonly number[], splittable: boolean): void;
  /** The space that joins elements of `${X[@]}`/`${X[*]}`. */
  join(splittable: boolean): void;
  /** Between elements of a quoted `"${X[@]}"`: each is its own field. */
  fieldBreak(): void;
  /** Something quoted was seen: the field exists even if empty. */
  exists(): void;
}

class ScalarSink implements Sink {
  readonly chars: Chars;
  constructor(budget: Budget) {
    this.chars = new Chars(budget);
  }
  add(text: string, file: number | readonly number[], offsets: readonly number[]): void {
    this.chars.add(text, file, offsets);
  }
  join(): void {
    this.chars.space();
  }
  fieldBreak(): void {
    this.chars.space();
  }
  exists(): void {}
}

/** Field splitting with the default IFS, as for the words of `NAME=( ... )`. */
class FieldSink implements Sink {
  readonly chars: Chars;
  constructor(budget: Budget) {
    this.chars = new Chars(budget);
  }
  readonly fields: ResolvedValue[] = [];
  readonly words: number[] = [];
  word = 0;
  #exists = false;

  add(text: string, file: number | readonly number[], offsets: readonly number[], splittable: boolean): void {
    if (!splittable) {
      this.chars.add(text, file, offsets);
      if (text.length > 0) this.#exists = true;
      return;
    }
    let runStart = 0;
    for (let k = 0; k <= text.length; k++) {
      if (k < text.length && !isIfsSpace(text.charCodeAt(k))) continue;
      if (k > runStart) {
        this.chars.add(text, file, offsets, runStart, k);
        this.#exists = true;
      }
      if (k < text.length) this.#emit();
      runStart = k + 1;
    }
  }

  join(splittable: boolean): void {
    if (splittable) this.#emit();
    else this.chars.space();
  }

  fieldBreak(): void {
    this.#emit();
  }

  exists(): void {
    this.#exists = true;
  }

  /** Over all words: some part was dynamic / some variable unset, even where no field resulted. */
  anyDynamic = false;
  readonly anyUnresolved = new Set<string>();

  endWord(): void {
    this.#emit();
    if (this.chars.dynamic) this.anyDynamic = true;
    if (this.chars.hasUnresolved()) {
      for (const u of this.chars.unresolved) this.anyUnresolved.add(u);
      this.chars.unresolved.clear();
    }
    this.chars.dynamic = false;
  }

  #emit(): void {
    if (!this.#exists) return;
    this.fields.push(this.chars.take());
    this.words.push(this.word);
    this.#exists = false;
  }
}

interface VarState extends VariableValue {
  setBy: EvaluatedAssignment | undefined;
  uncertain: boolean;
}

class Evaluator {
  readonly vars = new Map<string, VarState>();
  readonly assignments: EvaluatedAssignment[] = [];
  readonly commands: Array<{ file: number; statement: ShellStatement }> = [];
  file = 0;
  current: EvaluatedAssignment | undefined;

  constructor(
    env: ShellEnv,
    readonly budget: Budget,
  ) {
    for (const [name, v] of Object.entries(env)) {
      const isArray = typeof v !== 'string';
      this.vars.set(name, { isArray, elements: isArray ? (v as readonly string[]).map(fromEnv) : [fromEnv(v as string)], setBy: undefined, uncertain: false });
    }
  }

  runFile(f: ParsedShellFile, index: number): void {
    this.file = index;
    for (const s of f.statements) {
      if (s.kind === 'command') {
        this.commands.push({ file: index, statement: s });
        if (s.command === 'unset' && s.assignments.length === 0) this.#unset(s, f.text);
      }
      for (const a of s.assignments) this.#assign(a, s.kind === 'assignment');
    }
  }

  result(): ShellEvaluation {
    const variables = new Map<string, ShellVariable>();
    for (const [name, st] of this.vars) {
      variables.set(name, {
        name,
        isArray: st.isArray,
        elements: st.elements,
        value: st.isArray ? joinValues(st.elements) : st.elements[0] ?? EMPTY,
        setBy: st.setBy,
        uncertain: st.uncertain,
      });
    }
    return { variables, assignments: this.assignments, commands: this.commands };
  }

  #unset(s: ShellStatement, text: string): void {
    for (const w of s.words.slice(1)) {
      if (!isStaticWord(w)) continue;
      const name = literalText(w, text);
      if (name.startsWith('-')) continue;
      const st = this.vars.get(name);
      if (!st) continue;
      if (s.conditional) st.uncertain = true;
      else this.vars.delete(name);
    }
  }

  #assign(a: ShellAssignment, applied: boolean): void {
    const prev = this.vars.get(a.name);
    const ea: EvaluatedAssignment = {
      file: this.file,
      assignment: a,
      value: EMPTY,
      elements: [],
      elementWords: [],
      applied,
      previous: prev ? { isArray: prev.isArray, elements: prev.elements } : undefined,
    };
    this.current = ea;
    if (a.array) {
      const sink = new FieldSink(this.budget);
      a.words.forEach((w, i) => {
        sink.word = i;
        this.#word(w, sink, false);
        sink.endWord();
      });
      ea.elements = sink.fields;
      ea.elementWords = sink.words;
      const joined = joinValues(sink.fields, this.budget);
      ea.value = { ...joined, dynamic: joined.dynamic || sink.anyDynamic, unresolved: [...new Set([...joined.unresolved, ...sink.anyUnresolved])] };
    } else if (a.word) {
      ea.value = this.#scalar(a.word);
    }
    this.current = undefined;
    this.assignments.push(ea);
    if (!applied) return;

    // `=` after `:=` side effects: re-read the state.
    const before = this.vars.get(a.name);
    const uncertain = a.conditional || ea.value.dynamic;
    let next: VarState;
    if (a.array) {
      const base = a.operator === '+=' && before ? before.elements : [];
      // Copying the element list is work too: thousands of `X+=(m)` would be quadratic.
      this.budget.spend(base.length);
      next = { isArray: true, elements: [...base, ...ea.elements], setBy: ea, uncertain: uncertain || (a.operator === '+=' && !!before?.uncertain) };
    } else {
      const old = before?.elements[0];
      const v = a.operator === '+=' && old ? concatValues(old, ea.value, this.budget) : ea.value;
      // bash: a scalar assignment to an array sets element 0.
      const elements = before?.isArray ? [v, ...before.elements.slice(1)] : [v];
      next = { isArray: !!before?.isArray, elements, setBy: ea, uncertain: uncertain || (a.operator === '+=' && !!before?.uncertain) };
    }
    this.vars.set(a.name, next);
  }

  #scalar(w: ShellWord): ResolvedValue {
    const sink = new ScalarSink(this.budget);
    this.#word(w, sink, false);
    return sink.chars.take();
  }

  /** `splitLiterals`: unquoted literal text of an unquoted `${X:-a b}` word is split too. */
  #word(w: ShellWord, sink: Sink, splitLiterals: boolean): void {
    for (const part of w.parts) {
      switch (part.type) {
        case 'literal':
          sink.add(part.text, this.file, part.origins, splitLiterals && !part.quoted);
          if (part.quoted) sink.exists();
          break;
        case 'empty-quotes':
          sink.exists();
          break;
        case 'dynamic':
          sink.chars.dynamic = true;
          if (part.quoted) sink.exists();
          break;
        case 'param':
          this.#param(part, sink);
          break;
      }
    }
  }

  #param(part: ParamPart, sink: Sink): void {
    const st = this.vars.get(part.name);
    const all = part.index === '@' || part.index === '*';
    let vals: ResolvedValue[] | undefined;
    if (st) {
      if (all) vals = st.elements;
      else {
        const el = st.elements[part.index === undefined ? 0 : Number(part.index)];
        vals = el ? [el] : undefined;
      }
    }
    const set = vals !== undefined;
    const isNull = !set || vals!.every((v) => v.text.length === 0);
    const op = part.op;
    const empty = (): void => {
      if (part.quoted && part.index !== '@') sink.exists();
    };
    switch (op) {
      case '+':
      case ':+':
        if (op === '+' ? set : !isNull) this.#word(part.arg!, sink, !part.quoted);
        else empty();
        return;
      case '-':
      case ':-':
        if (op === '-' ? !set : isNull) {
          this.#word(part.arg!, sink, !part.quoted);
          return;
        }
        break;
      case '=':
      case ':=':
        if (op === '=' ? !set : isNull) {
          const v = this.#scalar(part.arg!);
          const old = this.vars.get(part.name);
          const elements = old?.isArray ? [v, ...old.elements.slice(1)] : [v];
          this.vars.set(part.name, { isArray: !!old?.isArray, elements, setBy: this.current, uncertain: v.dynamic });
          this.#emit([v], part, sink);
          return;
        }
        break;
      case '?':
      case ':?':
        // The shell would print an error and exit here.
        if (op === '?' ? !set : isNull) {
          sink.chars.dynamic = true;
          return;
        }
        break;
      default:
        break;
    }
    if (!set) {
      sink.chars.unresolved.add(part.name);
      empty();
      return;
    }
    this.#emit(vals!, part, sink);
  }

  #emit(vals: readonly ResolvedValue[], part: ParamPart, sink: Sink): void {
    const split = !part.quoted;
    vals.forEach((v, i) => {
      if (v.dynamic) sink.chars.dynamic = true;
      for (const u of v.unresolved) sink.chars.unresolved.add(u);
      if (part.index === '@' && part.quoted) {
        if (i > 0) sink.fieldBreak();
        sink.exists();
      } else {
        if (part.quoted) sink.exists();
        if (i > 0) sink.join(split);
      }
      sink.add(v.text, v.files, v.offsets, split);
    });
  }
}

function concatValues(a: ResolvedValue, b: ResolvedValue, budget: Budget): ResolvedValue {
  budget.spend(a.text.length + b.text.length);
  return {
    text: a.text + b.text,
    files: a.files.concat(b.files),
    offsets: a.offsets.concat(b.offsets),
    dynamic: a.dynamic || b.dynamic,
    unresolved: [...new Set([...a.unresolved, ...b.unresolved])],
  };
}

/** Elements joined with single spaces that have no origin. */
export function joinValues(values: readonly ResolvedValue[], budget?: Budget): ResolvedValue {
  if (values.length === 1) return values[0]!;
  const c = new Chars(budget);
  values.forEach((v, i) => {
    if (i > 0) c.space();
    c.add(v.text, v.files, v.offsets);
    if (v.dynamic) c.dynamic = true;
    for (const u of v.unresolved) c.unresolved.add(u);
  });
  return c.take();
}
