import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Backend switching is global state: test files run in separate workers, tests inside a file in order.
    pool: 'forks',
  },
});
