// Reads jest's --json output and prints the one line CI reads: "N passed, N failed".
const fs = require("node:fs");
const { skippedSuites, describeSkipped } = require("./system-suites");
const file = process.argv[2];
if (!fs.existsSync(file)) {
  console.log("0 passed, 1 failed");
  console.error(`${file} missing: the test command failed before jest ran (type check or lint).`);
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, "utf8"));
// Suites that failed to run (syntax error, crash) have no test results; count each as one failure.
const brokenSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
const failed = r.numFailedTests + brokenSuites;
const skipped = r.numPendingTests + r.numTodoTests;
// Suites IAS_SKIP_SYSTEM_TESTS=1 left out count as skipped and are named: a partial run never reads as a full pass.
const notRun = skippedSuites();
const total = skipped + notRun.length;
const named = notRun.length ? ` (${notRun.length} suite${notRun.length === 1 ? "" : "s"} not run: ${describeSkipped(notRun)})` : "";
console.log(`${r.numPassedTests} passed, ${failed} failed` + (total ? `, ${total} skipped${named}` : ""));
process.exit(failed > 0 || r.numTotalTests === 0 ? 1 : 0);
