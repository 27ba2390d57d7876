import { FILE_KINDS, KINDS, type FileKind } from '../kinds/index.js';
import { nameError } from '../core/errors.js';

export interface CliArgs {
  paths: string[];
  command: 'lint' | 'explain' | 'help' | 'version' | 'list-rules' | 'print-config' | 'list-inputs' | 'snapshot' | 'topology';
  explainRule?: string;
  /** `vfio-lint snapshot DIR`: the directory to create. */
  snapshotDir?: string;
  /** `vfio-lint topology --output FILE.svg`. */
  topologyOutput?: string;
  format: string;
  /** True when --format was given: with --fix-dry-run it prints that report (with `output`) instead of a diff. */
  formatGiven: boolean;
  fix: boolean;
  fixDryRun: boolean;
  fixSuggestions: boolean;
  config?: string;
  noConfig: boolean;
  rules: Array<{ id: string; severity: string | number }>;
  kind?: FileKind;
  /** `--kind KIND=GLOB`: a kind for the files a glob (relative to the working directory) matches. */
  kindPatterns: Array<{ kind: FileKind; patterns: string[] }>;
  root?: string;
  /** `--live`: also read the running host (/proc, /sys, /boot; under --root DIR when given). */
  live: boolean;
  stdin: boolean;
  stdinFilename?: string;
  maxWarnings?: number;
  quiet: boolean;
  outputFile?: string;
  color?: boolean;
  debug: boolean;
}

/** A mistake on the command line: printed as one line, exit 2. */
export class UsageError extends Error {}
nameError(UsageError, 'UsageError');

const VALUE_FLAGS = new Set(['--output', '--format', '-f', '--config', '-c', '--rule', '--kind', '--root', '--stdin-filename', '--max-warnings', '--output-file', '-o']);

export function parseArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = { paths: [], command: 'lint', format: 'stylish', formatGiven: false, fix: false, fixDryRun: false, fixSuggestions: false, noConfig: false, rules: [], kindPatterns: [], live: false, stdin: false, quiet: false, debug: false };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      if (args.paths.length === 0 && args.command === 'lint' && arg === 'explain' && !onlyPaths) {
        args.command = 'explain';
        const id = argv[++i];
        if (id === undefined) throw new UsageError('explain needs a rule id: vfio-lint explain memballoon-present');
        args.explainRule = id;
        continue;
      }
      if (args.paths.length === 0 && args.command === 'lint' && arg === 'snapshot' && !onlyPaths) {
        args.command = 'snapshot';
        const dir = argv[++i];
        if (dir === undefined || dir === '') throw new UsageError('snapshot needs a directory to create: vfio-lint snapshot ./my-host');
        args.snapshotDir = dir;
        continue;
      }
      if (args.paths.length === 0 && args.command === 'lint' && arg === 'topology' && !onlyPaths) {
        args.command = 'topology';
        continue;
      }
      // `-` is standard input, as in ShellCheck and hadolint.
      if (arg === '-' && !onlyPaths) args.stdin = true;
      else args.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const need = (): string => {
      if (value !== undefined) return value;
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (value !== undefined && !VALUE_FLAGS.has(arg)) throw new UsageError(`${arg} takes no value`);
    switch (arg) {
      case '-h':
      case '--help':
        args.command = 'help';
        break;
      case '-v':
      case '--version':
        args.command = 'version';
        break;
      case '--list-rules':
        args.command = 'list-rules';
        break;
      case '--print-config':
        args.command = 'print-config';
        break;
      case '--list-inputs':
        args.command = 'list-inputs';
        break;
      case '-f':
      case '--format':
        args.format = need();
        args.formatGiven = true;
        break;
      case '--fix':
        args.fix = true;
        break;
      case '--fix-dry-run':
        args.fixDryRun = true;
        break;
      case '--fix-suggestions':
        args.fixSuggestions = true;
        break;
      case '-c':
      case '--config':
        args.config = need();
        break;
      case '--no-config':
        args.noConfig = true;
        break;
      case '--rule': {
        const v = need();
        const m = /^([\w./-]+):(\w+)$/.exec(v);
        if (!m) throw new UsageError(`--rule takes RULE:SEVERITY, e.g. --rule memballoon-present:error (got "${v}")`);
        // 0, 1 and 2 are severities too, as in a config file and in ESLint's --rule.
        args.rules.push({ id: m[1]!, severity: /^[012]$/.test(m[2]!) ? Number(m[2]) : m[2]! });
        break;
      }
      case '--kind': {
        const v = need();
        const eq = v.indexOf('=');
        const kind = eq < 0 ? v : v.slice(0, eq);
        if (!KINDS.isName(kind)) throw new UsageError(`--kind must be one of ${FILE_KINDS.join(', ')}, alone or as KIND=GLOB (got "${v}")`);
        if (eq < 0) args.kind = kind;
        else if (v.slice(eq + 1) === '') throw new UsageError(`--kind ${kind}= needs a glob after the '=' (e.g. --kind ${kind}='notes/*.conf')`);
        else args.kindPatterns.push({ kind, patterns: [v.slice(eq + 1)] });
        break;
      }
      case '--root':
        args.root = need();
        break;
      case '--live':
        args.live = true;
        break;
      case '--stdin':
        args.stdin = true;
        break;
      case '--stdin-filename':
        args.stdinFilename = need();
        break;
      case '--max-warnings': {
        const v = need();
        // -1 (any negative number) means no limit, as in ESLint.
        if (!/^-?\d+$/.test(v)) throw new UsageError(`--max-warnings takes a whole number, or -1 for no limit (got "${v}")`);
        args.maxWarnings = Number(v);
        break;
      }
      case '--quiet':
        args.quiet = true;
        break;
      case '-o':
      case '--output-file':
        args.outputFile = need();
        break;
      case '--color':
        args.color = true;
        break;
      case '--no-color':
        args.color = false;
        break;
      case '--debug':
        args.debug = true;
        break;
      case '--output':
        if (args.command !== 'topology') throw new UsageError('--output goes with topology (vfio-lint topology --output pinning.svg ...); a report goes to a file with --output-file');
        args.topologyOutput = need();
        break;
      default:
        throw new UsageError(`unknown option ${arg} (see vfio-lint --help)`);
    }
  }
  if (args.fix && args.fixDryRun) throw new UsageError('--fix and --fix-dry-run cannot be used together');
  if (args.fixSuggestions && !args.fix && !args.fixDryRun) throw new UsageError('--fix-suggestions goes with --fix or --fix-dry-run');
  if (args.stdinFilename !== undefined && !args.stdin) throw new UsageError('--stdin-filename goes with --stdin');
  if (args.root !== undefined && args.root === '') throw new UsageError('--root needs a directory');
  if (args.command === 'snapshot' && (args.paths.length > 0 || args.stdin || args.fix || args.fixDryRun)) throw new UsageError('snapshot takes one directory and no files to lint (--root DIR reads a tree other than /)');
  if (args.command === 'topology' && (args.stdin || args.fix || args.fixDryRun || (args.root !== undefined && !args.live))) throw new UsageError('topology takes files and folders to read (capabilities XML, domain XML, /etc, a snapshot folder) or --live [--root DIR], and no --stdin or --fix');
  if (args.stdin && args.fix) throw new UsageError('--fix cannot write to standard input; use --fix-dry-run, or --format json for the fixes');
  return args;
}

/** Words wrapped to `width` columns, each line indented by `indent` spaces. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => ' '.repeat(indent) + l).join('\n');
}

export const HELP = `Usage: vfio-lint [options] [file|dir ...]
       vfio-lint explain RULE
       vfio-lint snapshot DIR
       vfio-lint topology [--live] [file|dir ...]

Lint a VFIO GPU-passthrough setup: libvirt domain XML together with the host's
/etc/default/grub, kernel command line, modprobe.d, sysctl.d and initramfs
configuration. Everything given is one machine, so rules see all of it.

Inputs:
  file.xml               a libvirt domain or capabilities XML (by its root element)
  DIR                    any folder: a dotfiles repo, an /etc backup, /etc/modprobe.d;
                         every file in it is found by its path, then its content
                         (docs/inputs.md), and a folder of several machines
                         (hosts/desk, hosts/lab) is linted machine by machine
  --root DIR             lint a whole filesystem snapshot rooted at DIR
  --live                 lint this host as it runs too: the booted command line,
                         IOMMU groups, PCI drivers, modules, huge pages, CPUs,
                         bootloader and initramfs (read-only), with /etc and
                         /etc/libvirt/qemu; says what it could not read
  --kind KIND            read every file given as KIND, one of:
${wrap(FILE_KINDS.join(', '), 25, 80)}
  --kind KIND=GLOB       read the files GLOB matches as KIND (repeatable; quote
                         the glob so the shell leaves it alone)
  --list-inputs          print each file found, its kind and why, and each file
                         passed over and why; lint nothing
  --stdin, -             read one file from standard input...
  --stdin-filename PATH  ...and treat it as PATH (which decides its kind)

Output:
  -f, --format NAME      stylish (default), json, sarif, github, unix, gcc,
                         checkstyle, junit, gitlab, a plugin's formatter, or
                         the path of a formatter module (./my-formatter.js)
  -o, --output-file PATH write the report to PATH instead of standard output
  --quiet                report errors only
  --max-warnings N       exit 1 when there are more than N warnings (-1: no limit)
  --color, --no-color    force colour on or off (default: on a terminal, unless
                         NO_COLOR is set; FORCE_COLOR=1 or 0 forces it too)

Fixing:
  --fix                  apply safe fixes to the files, then report what remains
  --fix-dry-run          print a unified diff of what --fix would change (with
                         --format: that report, each fixed file's text in it)
  --fix-suggestions      with --fix or --fix-dry-run: also apply suggestions

Configuration:
  -c, --config PATH      use this config file (default: vfio-lint.config.json or
                         .vfio-lintrc.json, searched upward from here)
  --no-config            ignore config files
  --rule RULE:SEVERITY   set a rule's severity (error, warn, info, off); repeatable
  --print-config [FILE]  print the configuration in effect (for FILE: with the
                         overrides that match it) and exit
  --list-rules           list every rule and exit (--format json: as JSON)

Other:
  explain RULE           print a rule's documentation
  snapshot DIR           save this host's configuration and live facts (/proc, /sys,
                         boot, initramfs, libvirt) into the new folder DIR, with
                         host names, serials, MACs and UUIDs redacted, to attach
                         to a bug report (docs/snapshot.md); --root DIR reads a
                         tree other than /
  topology [paths]       draw the host's CPUs (from --live, a snapshot or
                         capabilities XML) by package,
                         NUMA node, L3 cache and core, with what each domain pins
                         where, isolated CPUs and conflicts (docs/topology.md);
                         --output FILE.svg writes it as an SVG image instead
  --debug                show stack traces for internal errors
  -v, --version          print the version
  -h, --help             print this help

Exit codes: 0 no errors, 1 lint errors (or too many warnings), 2 usage error or failure.

Examples:
  vfio-lint win11.xml /etc
  vfio-lint /etc/libvirt/qemu /etc --format json
  vfio-lint --root /mnt/backup
  vfio-lint --live
  vfio-lint win11.xml capabilities.xml /etc --fix-dry-run
  sudo vfio-lint /etc/libvirt/qemu/win11.xml --fix
  vfio-lint --stdin --stdin-filename /etc/modprobe.d/vfio.conf < vfio.conf
  vfio-lint explain nvidia-not-blacklisted
`;
