import type { ScriptStatement } from "./script";

/**
 * The SQL*Plus/SQLcl layer REST-enabled SQL runs scripts through: substitution variables and the commands
 * that steer a script (SET DEFINE, DEFINE/UNDEFINE, WHENEVER SQLERROR). Commands are line commands: a
 * command ends at the end of its line.
 *
 * Substitution follows SQL*Plus' default (SET DEFINE ON, prefix `&`): every line that is not itself a
 * SET DEFINE/DEFINE/UNDEFINE command has `&name`/`&&name` (an optional `.` ends the name) replaced,
 * inside string literals and comments too, until `SET DEFINE OFF`. REST-enabled SQL cannot prompt, so an
 * undefined variable is replaced by the empty string (assumption: what SQLcl's prompt yields when it reads
 * no input; public documentation does not say). `&&name` defines it, so later uses get the same value.
 */
export function substitute(script: string): string {
  let prefix: string | undefined = "&";
  const vars = new Map<string, string>();
  return script
    .split("\n")
    .map((line) => {
      const cmd = line.trim();
      const setDefine = /^SET\s+DEF(?:INE)?\s+(\S+?)\s*;?$/i.exec(cmd);
      if (setDefine) {
        const v = setDefine[1].toUpperCase();
        prefix = v === "OFF" ? undefined : v === "ON" ? "&" : v.length === 1 ? setDefine[1] : prefix;
        return line;
      }
      const define = /^DEF(?:INE)?\s+([A-Za-z0-9_$#]+)\s*=\s*(.*?)\s*;?$/i.exec(cmd);
      if (define) {
        vars.set(define[1].toUpperCase(), define[2].replace(/^'(.*)'$|^"(.*)"$/, "$1$2"));
        return line;
      }
      const undefine = /^UNDEF(?:INE)?\s+(.+?);?$/i.exec(cmd);
      if (undefine) {
        for (const n of undefine[1].split(/\s+/)) vars.delete(n.toUpperCase());
        return line;
      }
      if (prefix === undefined) return line;
      const p = prefix.replace(/[\\^$.*+?()[\]{}|-]/g, "\\$&");
      return line.replace(new RegExp(`${p}(${p}?)([A-Za-z0-9_$#]+)\\.?`, "g"), (_m, twice: string, name: string) => {
        const key = name.toUpperCase();
        const value = vars.get(key) ?? "";
        if (twice) vars.set(key, value);
        return value;
      });
    })
    .join("\n");
}

const COMMAND_WORDS = new Set(["SET", "WHENEVER", "DEFINE", "DEF", "UNDEFINE", "UNDEF"]);
/** SET forms that are SQL statements, not SQL*Plus commands. */
const SQL_SET = new Set(["ROLE", "TRANSACTION", "CONSTRAINT", "CONSTRAINTS"]);

/** True when a statement starting with these words is a SQL*Plus line command. */
export function startsCommand(words: string[]): boolean {
  return COMMAND_WORDS.has(words[0] ?? "") && !(words[0] === "SET" && SQL_SET.has(words[1] ?? ""));
}

/** What a failing SQL statement does to the rest of the script and to the open transaction. */
export interface OnSqlError {
  exit: boolean;
  /** EXIT defaults to COMMIT (as SQL*Plus' EXIT), CONTINUE to NONE. */
  then: "commit" | "rollback" | "none";
}

export const CONTINUE: OnSqlError = { exit: false, then: "none" };

/**
 * `WHENEVER SQLERROR EXIT [SUCCESS|FAILURE|WARNING|n|SQL.SQLCODE] [COMMIT|ROLLBACK]` or
 * `WHENEVER SQLERROR CONTINUE [COMMIT|ROLLBACK|NONE]`; undefined for every other command (accepted, no effect).
 */
export function whenever(st: ScriptStatement): OnSqlError | undefined {
  const words = st.tokens.filter((t) => t.kind === "word").map((t) => t.value);
  if (words[0] !== "WHENEVER" || words[1] !== "SQLERROR") return undefined;
  const exit = words[2] === "EXIT";
  const then = words.includes("ROLLBACK") ? "rollback" : words.includes("COMMIT") || exit ? "commit" : "none";
  return { exit, then };
}
