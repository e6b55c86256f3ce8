const { skippedSuites } = require("./.ci/system-suites");

/** The bundled function's contract tests, which also run with the function on Node 22 (project node22). */
const CONTRACT_TESTS = [
  "<rootDir>/test/provision/event-flow.test.ts",
  "<rootDir>/test/reconcile/function.test.ts",
  "<rootDir>/test/governance/template-functions.test.ts",
];

const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  // IAS_SKIP_SYSTEM_TESTS=1 on a machine without docker-registry/openssl: those suites are left out, and
  // .ci/summarize.js names them in the summary line.
  testPathIgnorePatterns: ["/node_modules/", ...skippedSuites().map((s) => `<rootDir>/${s.suite}`)],
  transform: { "^.+\\.ts$": "ts-jest" },
  setupFilesAfterEnv: ["<rootDir>/test/support/timeout.ts"],
};

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  reporters: ["default", "<rootDir>/.ci/skipped-reporter.js"],
  projects: [
    { ...common, displayName: "node20", testMatch: ["**/*.test.ts"], setupFiles: ["<rootDir>/test/support/node-machine.ts"] },
    { ...common, displayName: "node22", testMatch: CONTRACT_TESTS, setupFiles: ["<rootDir>/test/support/node22.ts"] },
  ],
};
