import { startsCommand } from "./sqlplus";
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
  /** A SQL*Plus line command (SET, WHENEVER, DEFINE …): it ends with its line. */
  sqlplus: boolean;
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
 * statement; `/` on its own line ends anything; a SQL*Plus command ends with its line. Empty statements are
 * dropped. Substitution variables are expected to be replaced already (see `substitute`).
 */
export function splitScript(src: string): ScriptStatement[] {
  const tokens = tokenize(src);
  const out: ScriptStatement[] = [];
  let current: Token[] = [];
  let plsql = false;
  let sqlplus = false;

  const flush = () => {
    if (current.length === 0) return;
    const first = current[0];
    const last = current[current.length - 1];
    out.push({ text: src.slice(first.start, last.end), tokens: current, startLine: first.line, endLine: last.line, plsql, sqlplus });
    current = [];
    plsql = false;
    sqlplus = false;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isSlashLine(tokens, i)) {
      flush();
      continue;
    }
    if (sqlplus && t.line > current[0].line) flush();
    if (current.length === 0) {
      const head = tokens.slice(i, i + 4);
      plsql = startsPlsql(head);
      sqlplus = startsCommand(head.filter((h) => h.line === t.line).map((h) => (h.kind === "word" ? h.value : "")));
    }
    if (t.kind === "op" && t.value === ";" && !plsql) {
      flush();
      continue;
    }
    current.push(t);
  }
  flush();
  return out;
}
