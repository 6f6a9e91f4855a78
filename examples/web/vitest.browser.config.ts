// The browser tests: Node-side vitest files that bundle pages, serve them on 127.0.0.1 and drive
// headless Chromium (see browser-tests/harness). Not part of the root `npm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["browser-tests/**/*.test.ts"],
    environment: "node",
    testTimeout: 150_000,
    hookTimeout: 120_000,
    // One Chromium at a time: the CI machine has two cores.
    fileParallelism: false,
  },
});
