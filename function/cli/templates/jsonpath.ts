import { JSONPath } from "jsonpath-plus";

/**
 * JSONPath with Jayway (com.jayway.jsonpath) semantics, which the connector uses, on top of jsonpath-plus:
 * - a definite path (no wildcard, deep scan, filter, union or slice) yields one value or null; any other
 *   path yields a list (empty when nothing matches);
 * - bracket-after-dot (`$.a.['b']`) means a child, not a deep scan as jsonpath-plus would read it;
 * - a quoted name is literal whatever it contains (`$['@odata.nextLink']`).
 * Filters run in jsonpath-plus's own expression evaluator, never in JavaScript's eval.
 */

export type JsonPathResult = { definite: true; value: unknown } | { definite: false; values: unknown[] };

export class JsonPathError extends Error {
  override name = "JsonPathError";
}

/** Rewrites a Jayway path into jsonpath-plus syntax; outside brackets only `.[` changes. */
export function toJsonPathPlus(path: string): string {
  let out = "";
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === "." && path[i + 1] === "[") {
      i++;
      continue;
    }
    if (c === "[") {
      const end = closingBracket(path, i);
      const inner = path.slice(i + 1, end);
      const quoted = /^\s*(['"])(.*)\1\s*$/s.exec(inner);
      // A single quoted name becomes a literal name (jsonpath-plus: backtick prefix).
      out += quoted && !quoted[2].includes(quoted[1]) ? `['\`${quoted[2]}']` : `[${inner}]`;
      i = end + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function closingBracket(path: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) return i;
  }
  throw new JsonPathError(`unbalanced [ in JSONPath ${path}`);
}

/** Jayway's notion of an indefinite path: one that can match several nodes. */
export function isDefinitePath(path: string): boolean {
  const p = path.replace(/(['"])(?:\\.|(?!\1).)*\1/g, "''");
  return !/\.\.|\*|\[\s*\?|,|\[[^\]]*:/.test(p.replace(/^\$/, ""));
}

export function evaluateJsonPath(path: string, document: unknown): JsonPathResult {
  const trimmed = path.trim();
  if (!trimmed.startsWith("$")) throw new JsonPathError(`JSONPath must start with $: ${trimmed}`);
  let matches: unknown[];
  try {
    const found: unknown = JSONPath({ path: toJsonPathPlus(trimmed), json: document as object, wrap: true, eval: "safe" });
    matches = Array.isArray(found) ? found : [];
  } catch (err) {
    throw new JsonPathError(`JSONPath ${trimmed} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (isDefinitePath(trimmed)) return { definite: true, value: matches.length > 0 ? matches[0] : null };
  return { definite: false, values: matches };
}

/** How a JSON value reads when spliced into a template string: strings bare, other values as JSON. */
export function jsonValueText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
