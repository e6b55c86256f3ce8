import { lintTemplates } from "../../../function/cli/templates/lint";
import { formatDiagnostic } from "../../../function/cli/templates/diagnostics";
import { FIXTURE_TEMPLATES, REAL_TEMPLATES, runCli } from "./helpers";

describe("templates:lint on the shipped templates", () => {
  it("finds no errors in templates/ (every app, every file)", () => {
    const result = lintTemplates(REAL_TEMPLATES, "templates/");
    const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
    expect(errors).toEqual([]);
    // Three template sets, each with schema, test, request and response templates.
    expect(result.files).toBeGreaterThanOrEqual(12);
  });

  it("finds no errors in the test fixture tree the broken cases start from", () => {
    const result = lintTemplates(FIXTURE_TEMPLATES);
    expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(result.files).toBe(6);
  });

  it("the CLI exits 0 with a summary line", async () => {
    const run = await runCli("templates-lint", []);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.stdout).toMatch(/^\d+ files checked: 0 errors, \d+ warnings$/m);
    expect(run.code).toBe(0);
  });
});
