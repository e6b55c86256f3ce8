import type { Report } from "./diagnostics";
import { ElSandbox } from "./el-sandbox";
import { ExpressionError, listExpressions } from "./expressions";
import { JsonPathError, toJsonPathPlus } from "./jsonpath";
import { ALL_EL_VARIABLES } from "./vocabulary";
import { JSONPath } from "jsonpath-plus";

/** Checks of one template string: tags balanced, `<EL>` compiles, `<JP>` parses, variables bound where used. */

export interface ExpressionContext {
  /** Connector variables bound where this string is evaluated. */
  bound: readonly string[];
  /** Where the string sits, for messages: "a main request", "a response attribute", … */
  where: string;
  /** Whether `<JP>` has a document to read here. */
  jsonPathAllowed: boolean;
}

/** Identifiers an expression reads as variables (not property names, not inside string literals). */
export function variablesIn(source: string): Set<string> {
  const code = source.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, "''");
  const out = new Set<string>();
  for (const m of code.matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)/g)) out.add(m[1]);
  return out;
}

export function checkTemplateString(value: string, path: string, ctx: ExpressionContext, report: Report): Set<string> {
  const used = new Set<string>();
  if (/<EL>[\s\S]*'null'[\s\S]*<\/EL>/.test(value)) {
    report(path, "an <EL> containing 'null' is never run: the connector reads 'null' as a missing value", "warning");
  }
  let found;
  try {
    found = listExpressions(value);
  } catch (err) {
    if (err instanceof ExpressionError) {
      report(path, err.message);
      return used;
    }
    throw err;
  }
  for (const { tag, source } of found) {
    if (tag === "JP") {
      if (!ctx.jsonPathAllowed) {
        report(path, `<JP>${source}</JP>: there is no response to read in ${ctx.where}`);
        continue;
      }
      const problem = jsonPathProblem(source);
      if (problem) report(path, `<JP>${source}</JP>: ${problem}`);
      continue;
    }
    const syntax = ElSandbox.syntaxError(source);
    if (syntax) report(path, `<EL>${source}</EL> does not compile: ${syntax}`);
    for (const name of variablesIn(source)) {
      if (!ALL_EL_VARIABLES.has(name)) continue;
      used.add(name);
      if (!ctx.bound.includes(name)) {
        report(path, `<EL> uses ${name}, which is not bound in ${ctx.where} (bound there: ${ctx.bound.join(", ")})`);
      }
    }
  }
  return used;
}

function jsonPathProblem(path: string): string | null {
  if (!path.trim().startsWith("$")) return "a JSONPath must start with $";
  try {
    JSONPath.toPathArray(toJsonPathPlus(path.trim()));
    return null;
  } catch (err) {
    return err instanceof JsonPathError ? err.message : `does not parse (${err instanceof Error ? err.message : String(err)})`;
  }
}
