// Jest reporter: after the run, says which suites IAS_SKIP_SYSTEM_TESTS=1 left out (so npm test never looks
// like a full pass when it was not one).
const { skippedSuites, describeSkipped } = require("./system-suites");

class SkippedSuitesReporter {
  onRunComplete() {
    const skipped = skippedSuites();
    if (skipped.length > 0) process.stderr.write(`\n${skipped.length} suite${skipped.length === 1 ? "" : "s"} not run (IAS_SKIP_SYSTEM_TESTS=1): ${describeSkipped(skipped)}\n`);
  }
}
module.exports = SkippedSuitesReporter;
