#!/usr/bin/env node
// Regenerates data/vendor-reset.json, the PCI ids gnif/vendor-reset resets, from its src/device-db.h.
// vendor-reset is not packaged by Debian, so this reads a git checkout of
// https://github.com/gnif/vendor-reset given on the command line and records its commit. Never run by
// `npm test`, which reads the committed file. Usage: node scripts/gen-vendor-reset.mjs <checkout>
import { execFileSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDeviceDb } from './data/vendor-reset.mjs';

const checkout = process.argv[2];
if (!checkout) {
  console.error('usage: node scripts/gen-vendor-reset.mjs <git checkout (or bare repository) of gnif/vendor-reset>');
  process.exit(2);
}
const git = (...args) => execFileSync('git', ['-C', checkout, ...args], { encoding: 'utf8' });
const commit = git('rev-parse', 'HEAD').trim();
const date = git('log', '-1', '--format=%cs', commit).trim();
const { families, devices } = readDeviceDb(git('show', `${commit}:src/device-db.h`));

const out = {
  dictionary: 'vendor-reset',
  origin: { generator: 'scripts/gen-vendor-reset.mjs', source: `https://github.com/gnif/vendor-reset/blob/${commit}/src/device-db.h`, packages: [{ package: 'gnif/vendor-reset', version: `${commit} (${date})` }] },
  families,
  devices,
};
const path = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'vendor-reset.json');
const tmp = `${path}.tmp-${process.pid}`;
writeFileSync(tmp, `${JSON.stringify(out, null, 1)}\n`);
renameSync(tmp, path);
console.log(`wrote data/vendor-reset.json: ${Object.keys(devices).length} ids in ${Object.keys(families).length} families, commit ${commit}`);
