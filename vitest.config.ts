import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // CLI tests start node processes; allow for a loaded CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
