#!/usr/bin/env node
// Regenerates the dictionaries in data/ from Debian packages (bookworm, with bookworm-backports for the
// newest kernel and libvirt built for it). Needs apt-get, dpkg-deb and the network; never run by `npm
// test`, which reads the committed files. Usage: node scripts/gen-data.mjs [--keep] [--relayout] [name...], where a
// name is kernel-params, kernel-modules, pci-drivers, libvirt-cpu-map or libvirt-domain-schema (default: all).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { AptRoot } from './data/apt.mjs';
import { dashNames, parseKernelParameters } from './data/kernel-params.mjs';
import { readKernel, mergeKernels, releasesIn } from './data/kernel-modules.mjs';
import { readCpuMap } from './data/libvirt-cpu.mjs';
import { buildSchemaModel, serialiseSchemaModel } from './data/libvirt-schema.mjs';
import { checkModulesExtra } from './data/modules-extra.mjs';
import { runDepmod, pciDriverTables, driverDepends } from './data/pci-drivers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'data');
const ALL = ['kernel-params', 'kernel-modules', 'pci-drivers', 'libvirt-cpu-map', 'libvirt-domain-schema'];
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const wanted = args.filter((a) => !a.startsWith('--'));
for (const w of wanted) if (!ALL.includes(w)) throw new Error(`unknown dictionary "${w}" (one of ${ALL.join(', ')})`);
const want = (name) => wanted.length === 0 || wanted.includes(name);

/** Upstream version from a Debian version: "6.12.95-1~bpo12+1" -> "6.12.95", "11.3.0-2~bpo12+1" -> "11.3.0". */
const upstream = (v) => v.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
const GENERATOR = 'scripts/gen-data.mjs';

/**
 * JSON with one entry per line for the big maps, so a regeneration shows up in `git diff` as the
 * entries that changed; written to a temporary file and renamed into place.
 */
function writeDictionary(name, dictionary) {
  // Tells the reader that the one-entry-per-line maps below are in key order, so a key no bisection
  // finds is absent (src/data/lazy-record.ts); without it the reader searches every line.
  const object = { ...dictionary, sortedMaps: true };
  const lines = [];
  const keys = Object.keys(object);
  // Non-ASCII characters as \u escapes: the same value, in a file that is plain ASCII.
  const ascii = (json) => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  for (const [i, key] of keys.entries()) {
    const value = object[key];
    const comma = i < keys.length - 1 ? ',' : '';
    const big = value && typeof value === 'object' && (Array.isArray(value) ? value.length : Object.keys(value).length) > 50;
    if (!big) {
      lines.push(ascii(`${JSON.stringify(key)}:${JSON.stringify(value)}${comma}`));
    } else if (Array.isArray(value)) {
      lines.push(`${JSON.stringify(key)}:[`, ascii(value.map((v) => JSON.stringify(v)).join(',\n')), `]${comma}`);
    } else {
      // In key order (code units of the key), so a reader can bisect the map (src/data/lazy-record.ts).
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      lines.push(`${JSON.stringify(key)}:{`, ascii(entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',\n')), `}${comma}`);
    }
  }
  const path = join(dataDir, `${name}.json`);
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `{\n${lines.join('\n')}\n}\n`);
  renameSync(tmp, path);
  console.log(`wrote data/${name}.json`);
}

// --relayout rewrites the named dictionaries from their committed files in the current layout: the same
// data and origin, no download (for a change of layout only).
if (args.includes('--relayout')) {
  for (const name of wanted) writeDictionary(name, JSON.parse(readFileSync(join(dataDir, `${name}.json`), 'utf8')));
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'vfio-lint-gen-data-'));
try {
  const apt = AptRoot.create(join(work, 'apt'));
  const tree = join(work, 'tree');

  if (want('kernel-params')) {
    const image = apt.candidate('linux-doc');
    const docPackage = apt.depends('linux-doc', image.version)[0];
    const used = apt.fetch([docPackage], tree);
    const doc = join(tree, 'usr/share/doc', docPackage, 'Documentation/admin-guide');
    const txt = gunzipSync(readFileSync(join(doc, 'kernel-parameters.txt.gz'))).toString('utf8');
    const rst = gunzipSync(readFileSync(join(doc, 'kernel-parameters.rst.gz'))).toString('utf8');
    const { params, archTags } = parseKernelParameters(txt, rst);
    writeDictionary('kernel-params', {
      dictionary: 'kernel-params',
      origin: { generator: GENERATOR, source: 'Documentation/admin-guide/kernel-parameters.txt (and the tag legend in kernel-parameters.rst)', packages: used },
      kernel: upstream(used[0].version),
      archTags,
      dashNames: dashNames(params),
      params,
    });
  }

  if (want('kernel-modules') || want('pci-drivers')) {
    // The newest kernel (backports) and bookworm's own, so a module that one of them lacks is told apart
    // from a name no kernel has. kmod's modinfo comes from Debian too, run from the unpacked tree.
    const newest = apt.depends('linux-image-amd64', apt.candidate('linux-image-amd64').version)[0];
    const stable = execLines('apt-cache', [...apt.options, '-o', 'APT::Default-Release=bookworm-security', 'depends', 'linux-image-amd64/bookworm-security'])
      .map((l) => /Depends: (linux-image-[^\s]+)/.exec(l)?.[1])
      .find(Boolean);
    const used = apt.fetch([newest, stable, 'kmod', 'libkmod2'], tree);
    const kmod = { binary: join(tree, 'bin/kmod'), libraryPath: join(tree, 'usr/lib/x86_64-linux-gnu') };
    const releases = releasesIn(tree).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    if (want('kernel-modules')) {
      const kernels = releases.map((release) => ({ release, modules: readKernel(tree, release, kmod) }));
      const modules = mergeKernels(kernels);
      const extra = JSON.parse(readFileSync(join(dataDir, 'modules-extra.json'), 'utf8'));
      const problems = checkModulesExtra(extra, modules, kernels.map((k) => k.release));
      if (problems.length) throw new Error(`data/modules-extra.json disagrees with the kernels:\n  ${problems.join('\n  ')}`);
      writeDictionary('kernel-modules', {
        dictionary: 'kernel-modules',
        origin: { generator: GENERATOR, source: 'modules.order, modules.builtin, modules.builtin.modinfo and modinfo of each .ko', packages: used },
        kernels: releases.map((release) => {
          const pkg = used.find((u) => u.package === `linux-image-${release}`);
          return { release, version: upstream(pkg.version), package: pkg.package };
        }),
        modules,
      });
    }
    if (want('pci-drivers')) {
      // The newest kernel only: which driver claims a device is a question about the kernel a host runs now.
      const release = releases[0];
      const pkg = used.find((u) => u.package === `linux-image-${release}`);
      const depmod = runDepmod(kmod, tree, release);
      const { byId, byClass, skipped } = pciDriverTables(depmod.alias);
      const drivers = new Set([...Object.values(byId), ...Object.values(byClass)].flat());
      writeDictionary('pci-drivers', {
        dictionary: 'pci-drivers',
        origin: { generator: GENERATOR, source: `modules.alias written by depmod (kmod) for ${release}; aliases that name a subsystem id (${skipped}) left out`, packages: used.filter((u) => u !== used.find((x) => x.package === `linux-image-${releases[1]}`)) },
        kernel: { release, version: upstream(pkg.version), package: pkg.package },
        byClass,
        depends: driverDepends(depmod.dep, drivers),
        byId,
      });
    }
  }

  if (want('libvirt-cpu-map') || want('libvirt-domain-schema')) {
    const used = apt.fetch(['libvirt-common'], tree);
    const origin = (source) => ({ generator: GENERATOR, source, packages: used });
    const libvirt = upstream(used[0].version);
    if (want('libvirt-cpu-map')) {
      const { features, models, vendors } = readCpuMap(join(tree, 'usr/share/libvirt/cpu_map'));
      writeDictionary('libvirt-cpu-map', { dictionary: 'libvirt-cpu-map', origin: origin('/usr/share/libvirt/cpu_map/x86_*.xml'), libvirt, vendors, features, models });
    }
    if (want('libvirt-domain-schema')) {
      const model = serialiseSchemaModel(buildSchemaModel(join(tree, 'usr/share/libvirt/schemas/domain.rng')));
      writeDictionary('libvirt-domain-schema', { dictionary: 'libvirt-domain-schema', origin: origin('/usr/share/libvirt/schemas/domain.rng and its includes'), libvirt, ...model });
    }
  }
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

function execLines(cmd, argv) {
  return execFileSync(cmd, argv, { encoding: 'utf8' }).split('\n');
}
