import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/support/summary-reporter';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'recorder/**/*.test.ts', 'replayer/**/*.test.ts', 'api/**/*.test.ts', 'cli/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', new SummaryReporter()],
  },
});
