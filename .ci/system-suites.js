// Suites that need programs outside npm (see .ci/install-system-packages), and which of them this machine
// cannot run. Shared by jest.config.js (leaves them out under IAS_SKIP_SYSTEM_TESTS=1) and .ci/summarize.js.
const { spawnSync } = require("node:child_process");

const SYSTEM_SUITES = [{ suite: "test/infra/image-push.test.ts", needs: ["docker-registry", "openssl"] }];

const installed = (program) => spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;

/** The suites left out of this run: only with IAS_SKIP_SYSTEM_TESTS=1, only those whose programs are missing. */
function skippedSuites(env = process.env) {
  if (env.IAS_SKIP_SYSTEM_TESTS !== "1") return [];
  return SYSTEM_SUITES.map((s) => ({ ...s, missing: s.needs.filter((p) => !installed(p)) })).filter((s) => s.missing.length > 0);
}

const describeSkipped = (skipped) =>
  skipped.map((s) => `${s.suite} (needs ${s.missing.join(", ")})`).join("; ");

module.exports = { SYSTEM_SUITES, skippedSuites, describeSkipped };
