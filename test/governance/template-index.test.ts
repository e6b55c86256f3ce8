import { readFileSync } from "node:fs";
import { INDEX_FILE, renderTemplateIndex } from "../../function/cli/templates-index";
import { TEMPLATE_FILES } from "../../function/src/governance/template-index";
import { readTemplate } from "./support/landscape";

describe("bundled template index", () => {
  it("is current: regenerating it from templates/ changes nothing", () => {
    // One line that says the fix, not a diff of the generated file.
    if (readFileSync(INDEX_FILE, "utf8") !== renderTemplateIndex()) {
      throw new Error("the bundled template index is stale (templates were added or removed): run `npm run templates:index`");
    }
  });

  it("holds exactly the files' JSON", () => {
    const paths = Object.keys(TEMPLATE_FILES);
    expect(paths.length).toBeGreaterThan(60);
    for (const p of paths) expect(TEMPLATE_FILES[p]).toEqual(readTemplate(p));
  });
});
