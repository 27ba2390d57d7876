// StrykerJS configuration for `npm run mutate` (scripts/mutate.mjs runs one area at a time with
// --mutate set to an area's files or a slice of them). One test process at a time: the machine is shared.
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  concurrency: 1,
  ignoreStatic: true,
  reporters: ['json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // Stryker's sandbox copy cannot take a link to a directory. The snapshot fixtures hold many, and no
  // mutated test reads them; the links under src/ are left out here and put back by
  // test/helpers/mutate-links.ts (vitest.mutate.config.ts's global setup).
  ignorePatterns: ['dist', 'reports', '.dist-*', '.stryker-tmp', 'examples', 'test/fixtures/snapshots', 'src/rules/hostdev-rom-file/fixtures/valid/rom-through-link/usr/share/vgabios'],
  timeoutMS: 10000,
  // The first run of every test with coverage: on a machine shared by many runs it takes well over Stryker's default 5 minutes.
  dryRunTimeoutMinutes: 30,
  thresholds: { high: 90, low: 80, break: null },
};
