import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: tests import workspace packages from their TypeScript sources
 * (the `instr-source` export condition), so no prebuild is needed, and each run writes
 * `test-results.json` for the repo-wide `N passed, M failed` summary.
 */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ['instr-source'] },
  ssr: { resolve: { conditions: ['instr-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'] },
  },
});
