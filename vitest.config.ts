import { defineConfig } from 'vitest/config';

// Two projects: `unit` (tests beside the code, plus repository-level checks in test/) runs in
// seconds and is what `npm run test:unit` runs while editing; `e2e` spawns real servers and
// processes and is run by `npm test` together with `unit`.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn servers; two cores are shared, so keep forks few.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
