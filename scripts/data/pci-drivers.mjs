// Which kernel driver claims which PCI device, from a kernel's modules.alias (written by kmod's depmod
// from each module's MODULE_DEVICE_TABLE). An alias is `pci:vVVVVVVVVdDDDDDDDDsvSSSSSSSSsdSSSSSSSSbcBBscSSiII`
// with `*` for a field the driver matches with PCI_ANY_ID or a class mask. Two tables come out:
// vendor:device -> drivers (the device is in the driver's list) and vendor:class -> drivers (the driver
// takes any device of that class, from one vendor or from all).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const PCI_ALIAS = /^pci:v(\*|[0-9A-F]{8})d(\*|[0-9A-F]{8})sv(\*|[0-9A-F]{8})sd(\*|[0-9A-F]{8})bc(\*|[0-9A-F]{2})sc(\*|[0-9A-F]{2})i(\*|[0-9A-F]{2})\*?$/;

/**
 * Runs the unpacked kmod's depmod over the unpacked kernel, which writes modules.alias and modules.dep
 * (Debian's package ships neither: its postinst runs depmod). Returns both texts.
 */
export function runDepmod(kmod, root, release) {
  execFileSync(kmod.binary, ['-b', root, release], { argv0: 'depmod', env: { ...process.env, LD_LIBRARY_PATH: kmod.libraryPath }, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = join(root, 'lib/modules', release);
  return { alias: readFileSync(join(dir, 'modules.alias'), 'utf8'), dep: readFileSync(join(dir, 'modules.dep'), 'utf8') };
}

const moduleOf = (path) => basename(path).replace(/\.ko(\.(xz|zst|gz))?$/, '').replaceAll('-', '_');

/**
 * The modules each of `drivers` needs loaded first (modules.dep: `path: dep dep ...`), by name. kmod
 * applies a dependency's softdep too when it loads the driver, so `softdep drm pre: vfio-pci` holds amdgpu.
 */
export function driverDepends(depText, drivers) {
  const wanted = new Set(drivers);
  const out = {};
  for (const line of depText.split('\n')) {
    const m = /^([^:]+):(.*)$/.exec(line);
    if (!m) continue;
    const name = moduleOf(m[1]);
    if (!wanted.has(name)) continue;
    const deps = m[2].trim().split(/\s+/).filter(Boolean).map(moduleOf);
    if (deps.length) out[name] = deps;
  }
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

const low16 = (f) => f.slice(4).toLowerCase();

/**
 * modules.alias text -> { byId, byClass, skipped }. Aliases that name a subsystem vendor or device are
 * left out (the driver takes only some boards with that chip; a vfio-pci id does not say which board),
 * and counted in `skipped`. A class entry keeps the class fields the driver matches (`0c0330`, `0403`+`00`
 * as `040300`, `0300` with any interface as `0300`).
 */
export function pciDriverTables(aliasText) {
  const byId = new Map();
  const byClass = new Map();
  let skipped = 0;
  for (const line of aliasText.split('\n')) {
    const m = /^alias (\S+) (\S+)$/.exec(line);
    if (!m || !m[1].startsWith('pci:')) continue;
    const a = PCI_ALIAS.exec(m[1]);
    if (!a) throw new Error(`modules.alias: unexpected PCI alias ${m[1]}`);
    const [, v, d, sv, sd, bc, sc, i] = a;
    const driver = m[2];
    if (sv !== '*' || sd !== '*') {
      skipped++;
      continue;
    }
    if (v !== '*' && d !== '*') {
      add(byId, `${low16(v)}:${low16(d)}`, driver);
      continue;
    }
    if (d !== '*' || bc === '*') continue; // a device id for any vendor, or a vendor's every device: none in the table, but do not guess
    const cls = `${bc}${sc === '*' ? '' : sc}${sc === '*' || i === '*' ? '' : i}`.toLowerCase();
    add(byClass, `${v === '*' ? '*' : low16(v)}:${cls}`, driver);
  }
  return { byId: sorted(byId), byClass: sorted(byClass), skipped };
}

function add(map, key, driver) {
  const list = map.get(key) ?? [];
  if (!list.includes(driver)) list.push(driver);
  map.set(key, list);
}

const sorted = (map) => Object.fromEntries([...map.keys()].sort().map((k) => [k, map.get(k).sort()]));
