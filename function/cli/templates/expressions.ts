import { ElError, type ElValue } from "./el-sandbox";
import { jsonValueText, type JsonPathResult } from "./jsonpath";

/**
 * Template strings mix text with `<EL>…</EL>` (JavaScript) and `<JP>…</JP>` (JSONPath) and nest them.
 * The connector scans left to right and evaluates the innermost tag first, splicing its result in as text,
 * so `<JP>$.Resources[<EL>currentIndex</EL>].id</JP>` works. Two of its rules are kept because templates
 * rely on them: a JSONPath yielding several values ends the evaluation and becomes the (multi-valued)
 * result, and an `<EL>` whose text contains `'null'` is not run (a missing value: a page token that
 * ran out, for instance). Unlike the connector, spliced results are never scanned again for tags, so data
 * from the target cannot turn into expressions.
 */

/**
 * How expressions are evaluated. "emulator" follows Oracle's grc-test-infra (ExpressionParsingUtil): a
 * `<JP>` with no document to read (a query parameter, a main request) yields its own path text, a
 * JSONPath that finds nothing yields the text `null`, an `<EL>` that throws yields "" (logged, not
 * fatal) while one that yields null/undefined fails the operation (the emulator's toString() on null),
 * and spliced results are scanned again for tags. "strict" refuses all of these with an error.
 */
export type ExpressionMode = "emulator" | "strict";

export interface ExpressionEnv {
  el(source: string): ElValue;
  /** null where there is no JSON document to read (a main request). */
  jp: ((path: string) => JsonPathResult) | null;
  /** Default "strict". */
  mode?: ExpressionMode;
}

export type Evaluated =
  /** `text` is null when the whole string was one tag that yielded nothing. */
  | { kind: "value"; text: string | null }
  | { kind: "list"; values: string[] }
  /** Evaluation met `'null'` inside an `<EL>`: the value is missing; `text` is what was left. */
  | { kind: "stopped"; text: string };

export class ExpressionError extends Error {
  override name = "ExpressionError";
}

type Tag = "EL" | "JP";

/** Rescanned values could make tags forever (emulator mode); no real template comes near this. */
const MAX_SPLICES = 10_000;

function tagAt(s: string, i: number): { tag: Tag; closing: boolean } | null {
  if (s[i] !== "<") return null;
  const closing = s[i + 1] === "/";
  const at = closing ? i + 2 : i + 1;
  const tag = s.slice(at, at + 2);
  if ((tag === "EL" || tag === "JP") && s[at + 2] === ">") return { tag, closing };
  return null;
}

export function evaluateTemplateString(input: string, env: ExpressionEnv): Evaluated {
  const emulator = env.mode === "emulator";
  let s = input;
  let splices = 0;
  const open: { tag: Tag; at: number }[] = [];
  for (let i = 0; i < s.length; i++) {
    const t = tagAt(s, i);
    if (!t) continue;
    if (!t.closing) {
      open.push({ tag: t.tag, at: i });
      i += 3;
      continue;
    }
    const top = open.pop();
    if (!top) throw new ExpressionError(`</${t.tag}> at character ${i} has no matching <${t.tag}>`);
    if (top.tag !== t.tag) throw new ExpressionError(`<${top.tag}> at character ${top.at} is closed by </${t.tag}>`);
    const inner = s.slice(top.at + 4, i);
    const whole = top.at === 0 && i + 5 === s.length;
    let result: string | string[] | null;
    if (t.tag === "EL") {
      if (inner.includes("'null'")) return { kind: "stopped", text: s };
      result = emulator ? emulatedEl(env, inner) : env.el(inner);
      if (Array.isArray(result) && !whole) result = result.join(",");
    } else if (!env.jp) {
      if (!emulator) throw new ExpressionError(`<JP>${inner}</JP> has no response to read here`);
      result = inner;
    } else {
      const r = env.jp(inner);
      if (!r.definite) return { kind: "list", values: r.values.map(jsonValueText) };
      result = r.value === null || r.value === undefined ? null : jsonValueText(r.value);
    }
    if (Array.isArray(result)) return { kind: "list", values: result };
    if (result === null && whole && !emulator) return { kind: "value", text: null };
    const text = result ?? "null";
    if (++splices > MAX_SPLICES) throw new ExpressionError(`more than ${MAX_SPLICES} expressions evaluated in one string: spliced values keep producing tags`);
    s = s.slice(0, top.at) + text + s.slice(i + 5);
    // The emulator scans the spliced text again (data that looks like a tag is evaluated); strict does not.
    i = emulator ? top.at - 1 : top.at + text.length - 1;
  }
  if (open.length > 0) {
    const last = open[open.length - 1];
    throw new ExpressionError(`<${last.tag}> at character ${last.at} is never closed`);
  }
  return { kind: "value", text: s };
}

/** The emulator's `<EL>`: a script error splices "", a null/undefined result fails the operation. */
function emulatedEl(env: ExpressionEnv, source: string): ElValue {
  let v: ElValue;
  try {
    v = env.el(source);
  } catch (err) {
    if (err instanceof ElError) return "";
    throw err;
  }
  if (v === null) throw new ExpressionError(`<EL>${source}</EL> yields null or undefined, which fails the operation in Oracle's emulator (toString() of null)`);
  return v;
}

/** Every `<EL>`/`<JP>` body in a string, innermost first, with inner tags replaced by a neutral `0`. */
export function listExpressions(input: string): { tag: Tag; source: string }[] {
  const found: { tag: Tag; source: string }[] = [];
  evaluateTemplateString(input.replace(/'null'/g, "'nul_'"), {
    el: (source) => (found.push({ tag: "EL", source }), "0"),
    jp: (source) => (found.push({ tag: "JP", source }), { definite: true, value: "0" }),
  });
  return found;
}

/** Removes the quotes around `"UQ:…"` strings in a rendered JSON body, leaving the bare value. */
export function unquote(body: string): string {
  return body.replace(/"UQ:([^"]*)"/g, "$1");
}
