import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // The fixture trees hold no tests, and the sysfs snapshots' links form cycles (a device's
    // iommu_group links to a group whose devices link back): walking them took vitest 80 s of
    // lstat calls at every start.
    exclude: [...configDefaults.exclude, 'test/fixtures/**', 'src/rules/*/fixtures/**'],
    pool: 'threads',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
