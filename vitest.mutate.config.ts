import { defineConfig } from 'vitest/config';

/**
 * The tests mutation testing runs (npm run mutate): the in-process ones that exercise rules, the
 * engine, the edit builders and the host model. Tests that spawn the CLI run the built bundle in
 * dist/, which a mutant of src/ never reaches, and the corpus tests take minutes; both are left out.
 */
export default defineConfig({
  test: {
    include: [
      'test/rules/rules.test.ts',
      'test/rules/docs-examples.test.ts',
      'test/engine/*.test.ts',
      'test/edit/*.test.ts',
      'test/host/*.test.ts',
    ],
    // Links to directories that Stryker's sandbox copy leaves out (stryker.config.mjs) are put back.
    globalSetup: ['test/helpers/mutate-links.ts'],
    pool: 'threads',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
