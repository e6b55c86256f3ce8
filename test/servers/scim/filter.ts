import { ScimConflict } from "./store";

/**
 * SCIM filters (RFC 7644 §3.4.2.2): comparisons eq ne co sw ew gt ge lt le, pr, and/or/not, parentheses and
 * value paths (`emails[type eq "work"]`). Attribute names are case-insensitive; schema-qualified paths
 * (`urn:…:User:locked.on`) are split into the extension URN and the sub-path.
 */

export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";
type Literal = string | number | boolean | null;

export type Filter =
  | { kind: "cmp"; path: string[]; op: CompareOp; value: Literal }
  | { kind: "pr"; path: string[] }
  | { kind: "and" | "or"; left: Filter; right: Filter }
  | { kind: "not"; inner: Filter }
  | { kind: "valuePath"; path: string[]; inner: Filter };

const COMPARE_OPS = new Set<string>(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);

/** Attributes whose string values compare case-sensitively (ids and references); others are case-insensitive. */
const CASE_EXACT = new Set(["id", "ocid", "value", "$ref", "externalid"]);

type Token = { t: "word"; v: string } | { t: "str"; v: string } | { t: "(" | ")" | "[" | "]" };

function invalid(message: string): ScimConflict {
  return new ScimConflict(`invalid filter: ${message}`, 400, "invalidFilter");
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === "[" || c === "]") {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      if (j >= src.length) throw invalid(`unterminated string at ${i}`);
      try {
        out.push({ t: "str", v: JSON.parse(src.slice(i, j + 1)) as string });
      } catch {
        throw invalid(`bad string escape at ${i}`);
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()[\]"]/.test(src[j])) j++;
      out.push({ t: "word", v: src.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/**
 * `urn:…:extension:userState:User:locked.on` → ["urn:…:extension:userstate:user", "locked", "on"]; a core-schema
 * prefix is dropped (`urn:…:core:2.0:User:userName` → ["username"]); a bare URN names the whole extension.
 * Segments are lower-cased because attribute names are case-insensitive.
 */
export function splitPath(path: string): string[] {
  if (!/^urn:/i.test(path)) return path.toLowerCase().split(".");
  const cut = path.lastIndexOf(":");
  const tail = path.slice(cut + 1);
  // Resource types (User, Group) start with a capital letter, attribute names do not.
  if (/^[A-Z]/.test(tail)) return [path.toLowerCase()];
  const urn = path.slice(0, cut).toLowerCase();
  const sub = tail.toLowerCase().split(".");
  return urn.includes(":core:") ? sub : [urn, ...sub];
}

export function parseFilter(src: string): Filter {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const word = (tok: Token | undefined) => (tok?.t === "word" ? tok.v.toLowerCase() : undefined);

  function orExpr(): Filter {
    let left = andExpr();
    while (word(peek()) === "or") {
      pos++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  }
  function andExpr(): Filter {
    let left = unary();
    while (word(peek()) === "and") {
      pos++;
      left = { kind: "and", left, right: unary() };
    }
    return left;
  }
  function expect(t: "(" | ")" | "]"): void {
    if (peek()?.t !== t) throw invalid(`expected "${t}" at token ${pos + 1}`);
    pos++;
  }
  function unary(): Filter {
    const tok = peek();
    if (!tok) throw invalid("unexpected end");
    if (word(tok) === "not") {
      pos++;
      expect("(");
      const inner = orExpr();
      expect(")");
      return { kind: "not", inner };
    }
    if (tok.t === "(") {
      pos++;
      const inner = orExpr();
      expect(")");
      return inner;
    }
    if (tok.t !== "word") throw invalid(`expected an attribute at token ${pos + 1}`);
    pos++;
    const path = splitPath(tok.v);
    if (peek()?.t === "[") {
      pos++;
      const inner = orExpr();
      expect("]");
      return { kind: "valuePath", path, inner };
    }
    const op = word(peek());
    if (op === "pr") {
      pos++;
      return { kind: "pr", path };
    }
    if (!op || !COMPARE_OPS.has(op)) throw invalid(`unknown operator after ${tok.v}`);
    pos++;
    const v = peek();
    if (!v) throw invalid(`missing value after ${tok.v} ${op}`);
    pos++;
    return { kind: "cmp", path, op: op as CompareOp, value: literal(v) };
  }
  function literal(v: Token): Literal {
    if (v.t === "str") return v.v;
    if (v.t !== "word") throw invalid(`bad value at token ${pos}`);
    const w = v.v.toLowerCase();
    if (w === "true") return true;
    if (w === "false") return false;
    if (w === "null") return null;
    const n = Number(v.v);
    if (v.v !== "" && Number.isFinite(n)) return n;
    throw invalid(`bad value ${v.v.slice(0, 40)}`);
  }

  const ast = orExpr();
  if (pos !== tokens.length) throw invalid(`unexpected token ${pos + 1}`);
  return ast;
}

/** All values at a path (arrays flattened), matching keys case-insensitively. */
export function valuesAt(node: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [node];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const n of current) {
      if (n === null || typeof n !== "object" || Array.isArray(n)) continue;
      const key = Object.keys(n).find((k) => k.toLowerCase() === seg);
      if (key === undefined) continue;
      const v = (n as Record<string, unknown>)[key];
      if (Array.isArray(v)) next.push(...v);
      else next.push(v);
    }
    current = next;
  }
  return current.filter((v) => v !== undefined && v !== null);
}

function compare(actual: unknown, op: CompareOp, expected: Literal, caseExact: boolean): boolean {
  if (expected === null) return op === "eq" ? actual === null : op === "ne" ? actual !== null : false;
  if (typeof actual === "string" && typeof expected === "string") {
    const a = caseExact ? actual : actual.toLowerCase();
    const e = caseExact ? expected : expected.toLowerCase();
    switch (op) {
      case "eq": return a === e;
      case "ne": return a !== e;
      case "co": return a.includes(e);
      case "sw": return a.startsWith(e);
      case "ew": return a.endsWith(e);
      case "gt": return a > e;
      case "ge": return a >= e;
      case "lt": return a < e;
      case "le": return a <= e;
    }
  }
  if (typeof actual === "number" && typeof expected === "number") {
    switch (op) {
      case "eq": return actual === expected;
      case "ne": return actual !== expected;
      case "gt": return actual > expected;
      case "ge": return actual >= expected;
      case "lt": return actual < expected;
      case "le": return actual <= expected;
      default: return false;
    }
  }
  if (typeof actual === "boolean" && typeof expected === "boolean") {
    return op === "eq" ? actual === expected : op === "ne" ? actual !== expected : false;
  }
  return op === "ne";
}

export function matches(f: Filter, node: unknown): boolean {
  switch (f.kind) {
    case "and": return matches(f.left, node) && matches(f.right, node);
    case "or": return matches(f.left, node) || matches(f.right, node);
    case "not": return !matches(f.inner, node);
    case "pr": return valuesAt(node, f.path).some((v) => v !== "" && !(Array.isArray(v) && v.length === 0));
    case "valuePath": return valuesAt(node, f.path).some((el) => matches(f.inner, el));
    case "cmp": {
      const values = valuesAt(node, f.path);
      const caseExact = CASE_EXACT.has(f.path[f.path.length - 1]);
      if (values.length === 0) return f.op === "ne";
      return f.op === "ne"
        ? values.every((v) => compare(v, "ne", f.value, caseExact))
        : values.some((v) => compare(v, f.op, f.value, caseExact));
    }
  }
}

/** Top-level attribute names a filter reads (to render only what evaluation needs). */
export function referencedRoots(f: Filter): Set<string> {
  const out = new Set<string>();
  const walk = (g: Filter): void => {
    if (g.kind === "and" || g.kind === "or") {
      walk(g.left);
      walk(g.right);
    } else if (g.kind === "not") walk(g.inner);
    else out.add((g as { path: string[] }).path[0]);
  };
  walk(f);
  return out;
}
