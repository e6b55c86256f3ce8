import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Command } from "commander";
import { formatDiagnostic } from "./templates/diagnostics";
import { lintTemplates } from "./templates/lint";
import { coloursFor } from "./lib/colour";

const pc = coloursFor(process.stdout);

/** `npm run templates:lint [-- --root <dir>]`: lints the Access Governance templates; exit 1 on errors. */

const program = new Command()
  .name("templates-lint")
  .description("Validate Access Governance Generic REST templates (outlines, enums, expressions, cross-references)")
  .option("--root <dir>", "templates folder", "templates")
  .option("--no-warnings", "print errors only")
  .option("--json", "print the result as JSON")
  .action((o: { root: string; warnings: boolean; json?: boolean }) => {
    const root = resolve(o.root);
    if (!existsSync(root)) {
      console.error(`templates-lint: ${o.root} does not exist`);
      process.exit(2);
    }
    const prefix = `${relative(process.cwd(), root).split("\\").join("/") || "."}/`;
    const result = lintTemplates(root, prefix);
    const shown = o.warnings ? result.diagnostics : result.diagnostics.filter((d) => d.severity === "error");
    if (o.json) {
      console.log(JSON.stringify({ ...result, diagnostics: shown }, null, 2));
    } else {
      for (const d of shown) console.log(d.severity === "error" ? pc.red(formatDiagnostic(d)) : pc.yellow(formatDiagnostic(d)));
      const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
      const summary = `${n(result.files, "file")} checked: ${n(result.errors, "error")}, ${n(result.warnings, "warning")}`;
      console.log(result.errors > 0 ? pc.red(summary) : pc.green(summary));
    }
    process.exitCode = result.errors > 0 ? 1 : 0;
  });

program.parse();
