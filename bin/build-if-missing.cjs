'use strict';
// In a git checkout, dist/ is built by `npm run build` (and by `npm test`). The package has no
// install-time script (npm 11 warns about every one on every install), so the first run of a
// launcher in a fresh checkout builds it here. An installed package always ships dist/.
const fs = require('node:fs');
const path = require('node:path');

module.exports = function buildIfMissing(bundle) {
  const root = path.join(__dirname, '..');
  if (fs.existsSync(path.join(root, 'dist', bundle))) return;
  const script = path.join(root, 'scripts', 'build.mjs');
  if (!fs.existsSync(script)) {
    process.stderr.write(`vfio-lint: ${path.join(root, 'dist', bundle)} is missing: this copy of vfio-lint is incomplete; reinstall it\n`);
    process.exit(2);
  }
  process.stderr.write('vfio-lint: building dist/ (first run in this checkout; `npm run build` rebuilds it)\n');
  const r = require('node:child_process').spawnSync(process.execPath, [script, '--no-types'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0 || !fs.existsSync(path.join(root, 'dist', bundle))) {
    process.stderr.write('vfio-lint: the build failed (see above); run `npm ci` first\n');
    process.exit(2);
  }
};
