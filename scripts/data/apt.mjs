// A private apt root pinned to Debian bookworm (with security updates and bookworm-backports), so the
// dictionaries come from the same packages on any machine with apt, whatever the machine's own sources
// say, and nothing is installed: packages are fetched with `apt-get download` and unpacked with
// `dpkg-deb -x` into a temporary directory.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const SOURCES = [
  'http://deb.debian.org/debian bookworm main',
  'http://deb.debian.org/debian bookworm-updates main',
  'http://deb.debian.org/debian-security bookworm-security main',
  'http://deb.debian.org/debian bookworm-backports main',
];
/** Backports wins when it has the package: it carries the newest kernel and libvirt built for bookworm. */
const DEFAULT_RELEASE = 'bookworm-backports';

export class AptRoot {
  constructor(dir) {
    this.dir = dir;
    this.debs = join(dir, 'debs');
    this.options = [
      `Dir::Etc::SourceList=${join(dir, 'sources.list')}`,
      'Dir::Etc::SourceParts=/dev/null',
      `Dir::State::Lists=${join(dir, 'lists')}`,
      `Dir::Cache=${join(dir, 'cache')}`,
      // No installed-package state: candidates come from the archive alone.
      'Dir::State::Status=/dev/null',
      `APT::Default-Release=${DEFAULT_RELEASE}`,
      // As root, apt would drop to the _apt user, which cannot write into a private temporary directory.
      ...(process.getuid?.() === 0 ? ['APT::Sandbox::User=root'] : []),
    ].flatMap((o) => ['-o', o]);
  }

  static create(dir) {
    if (!existsSync(KEYRING)) throw new Error(`${KEYRING} is missing (install debian-archive-keyring)`);
    for (const d of ['lists/partial', 'cache/archives/partial', 'debs']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'sources.list'), SOURCES.map((s) => `deb [signed-by=${KEYRING}] ${s}\n`).join(''));
    const root = new AptRoot(dir);
    execFileSync('apt-get', [...root.options, '-qq', 'update'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return root;
  }

  /** The candidate version of a package and the suite it comes from, or undefined when no suite has it. */
  candidate(pkg) {
    const out = execFileSync('apt-cache', [...this.options, 'policy', pkg], { encoding: 'utf8' });
    const version = /^\s+Candidate: (\S+)/m.exec(out)?.[1];
    if (!version || version === '(none)') return undefined;
    // The version table lists each version followed by the archives that carry it.
    const table = out.split('\n');
    const at = table.findIndex((l) => l.replace(/^[\s*]+/, '').startsWith(`${version} `));
    const suite = /\s(\S+)\/main /.exec(table[at + 1] ?? '')?.[1];
    return { version, suite };
  }

  /** The package names a package depends on (first alternative of each), from the archive's metadata. */
  depends(pkg, version) {
    const out = execFileSync('apt-cache', [...this.options, 'show', `${pkg}=${version}`], { encoding: 'utf8' });
    const line = /^Depends: (.*)$/m.exec(out)?.[1] ?? '';
    return line.split(',').map((d) => d.trim().split(/[\s|]/)[0]).filter(Boolean);
  }

  /**
   * Downloads the candidate of each package and unpacks it into `into`. Returns what was used, for the
   * dictionaries' origin: name, version, suite and the .deb's SHA-256.
   */
  fetch(pkgs, into) {
    const used = [];
    mkdirSync(into, { recursive: true });
    for (const pkg of pkgs) {
      const c = this.candidate(pkg);
      if (!c) throw new Error(`no Debian bookworm package named ${pkg}`);
      const before = new Set(readdirSync(this.debs));
      execFileSync('apt-get', [...this.options, '-qq', 'download', `${pkg}=${c.version}`], { cwd: this.debs, stdio: ['ignore', 'ignore', 'inherit'] });
      const deb = readdirSync(this.debs).find((f) => !before.has(f) && f.startsWith(`${pkg}_`));
      if (!deb) throw new Error(`apt-get download ${pkg}: no .deb appeared`);
      execFileSync('dpkg-deb', ['-x', join(this.debs, deb), into]);
      const sha256 = createHash('sha256').update(readFileSync(join(this.debs, deb))).digest('hex');
      used.push({ package: pkg, version: c.version, suite: c.suite, sha256 });
    }
    return used;
  }
}
