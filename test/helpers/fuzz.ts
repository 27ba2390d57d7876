/**
 * Shared fast-check parameters: a fixed seed and a modest run count in CI so
 * failures reproduce; `npm run fuzz` raises FUZZ_RUNS and varies the seed.
 */
export function fuzzParams(runs = 200): { seed: number; numRuns: number } {
  return {
    seed: Number(process.env.FUZZ_SEED ?? 20261124),
    numRuns: Number(process.env.FUZZ_RUNS ?? runs),
  };
}
