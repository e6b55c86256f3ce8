import { formatDiagnostic, reporterFor, sortDiagnostics, type Diagnostic } from "./diagnostics";
import { checkBindableText } from "./lint-attribute-reads";
import { checkApplication } from "./lint-cross-refs";
import { checkRequest, checkResponse, checkSchema } from "./lint-documents";
import { loadTemplateTree, operationKey } from "./lint-tree";

/**
 * Lints a templates tree: outline JSON Schemas, exact enums, layout, expressions, mandatory attributes
 * and cross-references. Diagnostics point to the file and the JSON path inside it.
 */

export interface LintResult {
  files: number;
  errors: number;
  warnings: number;
  diagnostics: Diagnostic[];
}

/** `displayPrefix` is prepended to paths below `root` in messages, e.g. "templates/". */
export function lintTemplates(root: string, displayPrefix = ""): LintResult {
  const sink: Diagnostic[] = [];
  const tree = loadTemplateTree(root, displayPrefix, sink);
  for (const [app, t] of tree.apps) {
    if (t.schema) checkSchema(t.schema.doc, reporterFor(t.schema.file, sink));
    for (const r of [...(t.test ? [t.test] : []), ...t.requests]) {
      checkRequest(r.doc, reporterFor(r.file, sink));
      checkBindableText(r.doc, reporterFor(r.file, sink));
    }
    const pagination = new Map(t.requests.map((r) => [operationKey(r.location), r.doc.paginationType]));
    for (const r of t.responses) checkResponse(r.doc, reporterFor(r.file, sink), pagination.get(operationKey(r.location)));
    checkApplication(app, t, sink);
  }
  const diagnostics = sortDiagnostics(sink);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return { files: tree.files, errors, warnings: diagnostics.length - errors, diagnostics };
}

export function formatLintResult(r: LintResult): string {
  const lines = r.diagnostics.map(formatDiagnostic);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  lines.push(`${plural(r.files, "file")} checked: ${plural(r.errors, "error")}, ${plural(r.warnings, "warning")}`);
  return lines.join("\n");
}
