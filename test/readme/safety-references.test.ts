import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/paths";

/**
 * README "Safety: what is guaranteed, and which test shows it" names a test for every guarantee: each file it
 * names must exist and each test name (a prefix when it ends in …) must be the title of a test in that file.
 */
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const DEFAULT_FILE = "test/provision/safety.test.ts";

function safetyRows(): { guarantee: string; tests: string }[] {
  const section = README.split("### Safety: what is guaranteed, and which test shows it")[1]?.split("\n### ")[0] ?? "";
  return section
    .split("\n")
    .filter((l) => l.startsWith("| **"))
    .map((l) => {
      const cells = l.split(" | ");
      return { guarantee: cells[0].replace(/^\| \*\*([^*]+)\*\*.*$/, "$1"), tests: cells[cells.length - 1].replace(/ \|$/, "") };
    });
}

/** The titles of every it()/test() in a file (string literals only). */
function titles(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/\b(?:it|test)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2].replace(/\\(.)/g, "$1"));
}

describe("README safety section: every test it names exists", () => {
  const rows = safetyRows();

  it("lists the nine symptoms of issue 9, each with at least one test", () => {
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (let n = 1; n <= 9; n++) expect(rows.some((r) => r.guarantee.startsWith(`${n}. `))).toBe(true);
    for (const r of rows) expect(r.tests).toMatch(/`[^`]+`/);
  });

  it.each(safetyRows().map((r) => [r.guarantee, r.tests]))("%s", (_guarantee, tests) => {
    let file = DEFAULT_FILE;
    for (const [, ref] of tests.matchAll(/`([^`]+)`/g)) {
      if (ref.endsWith(".test.ts")) {
        file = ref;
        expect(existsSync(join(ROOT, file))).toBe(true);
        continue;
      }
      const prefix = ref.replace(/\s*…$/, "");
      const found = titles(file).filter((t) => (ref.endsWith("…") ? t.startsWith(prefix) : t === prefix));
      expect({ file, test: ref, found: found.length > 0 }).toEqual({ file, test: ref, found: true });
    }
  });
});
