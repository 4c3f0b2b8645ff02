import { defineConfig } from 'vitest/config';

/**
 * Three tiers, chosen by file name (README "Lint and tests" has the time budget of each):
 * - unit        `*.test.ts`      no process, no network (enforced by test/support/unit-guard.ts)
 * - integration `*.int.test.ts`  one moto_server for the run (test/support/moto-global.ts), files in turn
 * - e2e         `*.e2e.test.ts`  processes: Sceptre, generate, bundles, CLIs (same shared moto)
 * `npx vitest run` runs all three; `npm run test:unit|test:integration|test:e2e` one.
 */
const TIERED = ['test/**/*.int.test.ts', 'test/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Both cores: vitest's default leaves one free, which on a 2-core machine runs the unit tier on one worker
    // (measured on a fresh clone: 55 s with one worker, 37 s with two).
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: [
        'contracts/**/*.ts',
        'lib/**/*.ts',
        'generators/**/*.ts',
        'handlers/**/*.ts',
        'scripts/**/*.ts',
      ],
      // Top-level scripts/*.ts are process entry points (npm run generate, drift, status, ...): they run as
      // processes in the e2e tier, where in-process coverage cannot see them.
      exclude: ['scripts/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'reports/coverage',
      reportOnFailure: true,
      // The unit tier's figures of 2026-12-01 (84.7 % statements, 74.5 % branches, 87.1 % functions, 86.9 % lines),
      // rounded down, less one point for the work that landed the same day. Raise them when coverage rises,
      // never lower them.
      thresholds: { statements: 83, branches: 73, functions: 86, lines: 85 },
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...TIERED],
          setupFiles: ['test/support/unit-guard.ts', 'test/support/fast-check-seed.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          globalSetup: ['test/support/moto-global.ts'],
          setupFiles: ['test/support/fast-check-seed.ts'],
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          globalSetup: ['test/support/moto-global.ts'],
          setupFiles: ['test/support/fast-check-seed.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
