// Reads jest's --json output and prints the one line CI reads: "N passed, N failed".
const fs = require("node:fs");
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
console.log(`${r.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(failed > 0 || r.numTotalTests === 0 ? 1 : 0);
