import { defineConfig } from "vitest/config";

// CI machines have 2 cores and turbo runs suites side by side: a generous per-test limit
// keeps a slow neighbour from failing a correct test (speed is checked by benchmarks).
export default defineConfig({
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
