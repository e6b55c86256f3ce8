import { tokenize, type Token } from "./tokenizer";

/** One statement of a script, as SQLcl cuts it. */
export interface ScriptStatement {
  /** The statement's source text, without its terminator. */
  text: string;
  tokens: Token[];
  startLine: number;
  endLine: number;
  /** A PL/SQL unit (BEGIN/DECLARE/CREATE PROCEDURE …): only `/` on its own line ends it, `;` does not. */
  plsql: boolean;
}

const PLSQL_UNITS = new Set(["PROCEDURE", "FUNCTION", "PACKAGE", "TRIGGER", "TYPE"]);

function startsPlsql(tokens: Token[]): boolean {
  const w = tokens.map((t) => (t.kind === "word" ? t.value : ""));
  if (w[0] === "BEGIN" || w[0] === "DECLARE") return true;
  if (w[0] !== "CREATE") return false;
  const unit = w[1] === "OR" && w[2] === "REPLACE" ? w[3] : w[1];
  return PLSQL_UNITS.has(unit ?? "");
}

/** A `/` alone on its line: SQL*Plus' "run the buffer", which also ends a PL/SQL unit. */
function isSlashLine(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  if (t.kind !== "op" || t.value !== "/") return false;
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  return (!prev || prev.line < t.line) && (!next || next.line > t.line);
}

/**
 * Splits a script into statements: `;` outside literals, quoted identifiers and comments ends a SQL
 * statement; `/` on its own line ends anything. Empty statements are dropped.
 */
export function splitScript(src: string): ScriptStatement[] {
  const tokens = tokenize(src);
  const out: ScriptStatement[] = [];
  let current: Token[] = [];
  let plsql = false;

  const flush = () => {
    if (current.length === 0) return;
    const first = current[0];
    const last = current[current.length - 1];
    out.push({ text: src.slice(first.start, last.end), tokens: current, startLine: first.line, endLine: last.line, plsql });
    current = [];
    plsql = false;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isSlashLine(tokens, i)) {
      flush();
      continue;
    }
    if (current.length === 0) plsql = startsPlsql(tokens.slice(i, i + 4));
    if (t.kind === "op" && t.value === ";" && !plsql) {
      flush();
      continue;
    }
    current.push(t);
  }
  flush();
  return out;
}
