const { skippedSuites } = require("./.ci/system-suites");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // IAS_SKIP_SYSTEM_TESTS=1 on a machine without docker-registry/openssl: those suites are left out, and
  // .ci/summarize.js names them in the summary line.
  testPathIgnorePatterns: ["/node_modules/", ...skippedSuites().map((s) => `<rootDir>/${s.suite}`)],
  reporters: ["default", "<rootDir>/.ci/skipped-reporter.js"],
  transform: { "^.+\\.ts$": "ts-jest" },
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  testTimeout: 60000,
};
