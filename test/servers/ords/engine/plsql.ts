import type { CmpOp, Statement, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { parseStatement } from "../sql/parser";
import type { ScriptStatement } from "../sql/script";
import { tokenize, type Token } from "../sql/tokenizer";
import type { Session } from "./session";

/**
 * The anonymous PL/SQL blocks the server runs: a subset, enough for a version-checked account change in one
 * round trip. Anything else is ORA-06550 (PLS-00103), so a client never gets a silent no-op.
 *
 *   BEGIN
 *     <INSERT | UPDATE | DELETE | SELECT … FOR UPDATE> ;        -- SQL with binds, as in a script
 *     EXECUTE IMMEDIATE '<DDL or DML>' [|| '…' | :bind] ;      -- no USING clause
 *     IF <SQL%ROWCOUNT <op> n | SQL%FOUND | SQL%NOTFOUND> THEN … [ELSIF … THEN …] [ELSE …] END IF ;
 *     RAISE_APPLICATION_ERROR(-20nnn, '<text>' [|| …]) ;
 *     NULL ; COMMIT ; ROLLBACK ;
 *   END;
 *   /
 *
 * As in Oracle, the block is one call: an unhandled error undoes the block's uncommitted changes (DDL run
 * through EXECUTE IMMEDIATE has committed already) and is reported with ORA-06512 stacked under it. Other
 * sessions interleave between the block's statements.
 */
type Part = { k: "text"; v: string } | { k: "bind"; name: string };
type PlCond = { k: "rowcount"; op: CmpOp; n: number } | { k: "found"; not: boolean };
type PlStmt =
  | { k: "sql"; st: ScriptStatement; line: number }
  | { k: "exec"; parts: Part[]; line: number }
  | { k: "if"; branches: Array<{ cond: PlCond; body: PlStmt[] }>; otherwise: PlStmt[]; line: number }
  | { k: "raise"; code: number; parts: Part[]; line: number }
  | { k: "null" | "commit" | "rollback"; line: number };

export interface BlockEnv {
  session: Session;
  binds: ReadonlyMap<string, Value>;
  /** Runs one statement as the script runner does (waits for row locks, DDL commits). */
  run(s: Statement, st: ScriptStatement): Promise<{ result: number }>;
  /** Called between the block's statements so other sessions interleave. */
  pause(): Promise<void>;
}

export async function runBlock(st: ScriptStatement, env: BlockEnv): Promise<void> {
  const body = new BlockParser(st).block();
  const mark = env.session.mark;
  let rowcount: number | null = null;
  let line = 1;
  const exec = async (stmts: PlStmt[]): Promise<void> => {
    for (const s of stmts) {
      line = s.line;
      await env.pause();
      switch (s.k) {
        case "null":
          break;
        case "commit":
          env.session.commit();
          break;
        case "rollback":
          env.session.rollback();
          break;
        case "sql":
          rowcount = (await env.run(parseStatement(s.st), s.st)).result;
          break;
        case "exec": {
          const text = render(s.parts, env.binds);
          const dyn: ScriptStatement = { text, tokens: tokenize(text), startLine: 1, endLine: 1, plsql: false, sqlplus: false };
          rowcount = (await env.run(parseStatement(dyn), dyn)).result;
          break;
        }
        case "if": {
          const hit = s.branches.find((b) => test(b.cond, rowcount));
          await exec(hit ? hit.body : s.otherwise);
          break;
        }
        case "raise":
          throw new OraError(-s.code, [render(s.parts, env.binds)]);
      }
    }
  };
  try {
    await exec(body);
  } catch (e) {
    if (!(e instanceof OraError)) throw e;
    env.session.rollbackTo(mark);
    e.detailLines.push(`ORA-06512: at line ${line}`);
    throw e;
  }
}

function test(c: PlCond, rowcount: number | null): boolean {
  if (c.k === "found") return (rowcount !== null && rowcount > 0) !== c.not;
  if (rowcount === null) return false;
  const n = c.n;
  switch (c.op) {
    case "=":
      return rowcount === n;
    case "<>":
      return rowcount !== n;
    case "<":
      return rowcount < n;
    case ">":
      return rowcount > n;
    case "<=":
      return rowcount <= n;
    case ">=":
      return rowcount >= n;
  }
}

function render(parts: Part[], binds: ReadonlyMap<string, Value>): string {
  return parts
    .map((p) => {
      if (p.k === "text") return p.v;
      if (!binds.has(p.name)) throw new OraError(1008);
      const v = binds.get(p.name);
      return v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v);
    })
    .join("");
}

const CMP: Record<string, CmpOp> = { "=": "=", "<>": "<>", "!=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">=" };

class BlockParser {
  private pos = 0;
  private readonly toks: Token[];

  constructor(private readonly st: ScriptStatement) {
    this.toks = st.tokens;
  }

  block(): PlStmt[] {
    for (const t of this.toks) if (t.kind === "error") throw new OraError(Number(t.value));
    this.expect("BEGIN");
    const body = this.stmts(["END"]);
    this.expect("END");
    this.acceptOp(";");
    if (this.pos < this.toks.length) throw this.unexpected();
    return body;
  }

  private stmts(until: string[]): PlStmt[] {
    const out: PlStmt[] = [];
    while (this.pos < this.toks.length && !until.includes(this.word())) out.push(this.stmt());
    if (out.length === 0) throw this.unexpected();
    return out;
  }

  private stmt(): PlStmt {
    const t = this.toks[this.pos];
    const line = t.line - this.toks[0].line + 1;
    const w = this.word();
    if (w === "NULL" || w === "COMMIT" || w === "ROLLBACK") {
      this.pos++;
      this.expectOp(";");
      return { k: w === "NULL" ? "null" : w === "COMMIT" ? "commit" : "rollback", line };
    }
    if (w === "EXECUTE") {
      this.pos++;
      this.expect("IMMEDIATE");
      const parts = this.parts();
      this.expectOp(";");
      return { k: "exec", parts, line };
    }
    if (w === "RAISE_APPLICATION_ERROR") {
      this.pos++;
      this.expectOp("(");
      this.expectOp("-");
      const n = this.toks[this.pos++];
      const code = n?.kind === "number" ? Number(n.value) : NaN;
      if (!(code >= 20000 && code <= 20999)) throw new OraError(21000, [`-${n?.value ?? ""}`]);
      this.expectOp(",");
      const parts = this.parts();
      this.expectOp(")");
      this.expectOp(";");
      return { k: "raise", code: -code, parts, line };
    }
    if (w === "IF") {
      this.pos++;
      const branches = [{ cond: this.cond(), body: [] as PlStmt[] }];
      this.expect("THEN");
      branches[0].body = this.stmts(["ELSIF", "ELSE", "END"]);
      let otherwise: PlStmt[] = [];
      for (;;) {
        if (this.accept("ELSIF")) {
          const cond = this.cond();
          this.expect("THEN");
          branches.push({ cond, body: this.stmts(["ELSIF", "ELSE", "END"]) });
        } else if (this.accept("ELSE")) {
          otherwise = this.stmts(["END"]);
        } else break;
      }
      this.expect("END");
      this.expect("IF");
      this.expectOp(";");
      return { k: "if", branches, otherwise, line };
    }
    if (["INSERT", "UPDATE", "DELETE", "SELECT"].includes(w)) {
      const start = this.pos;
      while (this.pos < this.toks.length && !this.isOp(";")) this.pos++;
      const tokens = this.toks.slice(start, this.pos);
      this.expectOp(";");
      const base = this.toks[0].start;
      const text = this.st.text.slice(tokens[0].start - base, tokens[tokens.length - 1].end - base);
      return { k: "sql", st: { text, tokens, startLine: tokens[0].line, endLine: tokens[tokens.length - 1].line, plsql: false, sqlplus: false }, line };
    }
    throw this.unexpected();
  }

  private cond(): PlCond {
    this.expect("SQL");
    this.expectOp("%");
    const attr = this.word();
    this.pos++;
    if (attr === "FOUND" || attr === "NOTFOUND") return { k: "found", not: attr === "NOTFOUND" };
    if (attr !== "ROWCOUNT") throw this.unexpected(-1);
    const op = CMP[this.toks[this.pos]?.value ?? ""];
    if (!op || this.toks[this.pos].kind !== "op") throw this.unexpected();
    this.pos++;
    const n = this.toks[this.pos++];
    if (n?.kind !== "number") throw this.unexpected(-1);
    return { k: "rowcount", op, n: Number(n.value) };
  }

  /** A string expression: literals and binds joined by `||`. */
  private parts(): Part[] {
    const out: Part[] = [];
    do {
      const t = this.toks[this.pos++];
      if (t?.kind === "string") out.push({ k: "text", v: t.value });
      else if (t?.kind === "bind") out.push({ k: "bind", name: t.value });
      else throw this.unexpected(-1);
    } while (this.acceptOp("||"));
    return out;
  }

  private word(): string {
    const t = this.toks[this.pos];
    return t?.kind === "word" ? t.value : "";
  }

  private accept(w: string): boolean {
    if (this.word() !== w) return false;
    this.pos++;
    return true;
  }

  private expect(w: string): void {
    if (!this.accept(w)) throw this.unexpected();
  }

  private isOp(op: string): boolean {
    const t = this.toks[this.pos];
    return t?.kind === "op" && t.value === op;
  }

  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.unexpected();
  }

  /** PLS-00103 at the current token (or `back` tokens before it), reported as ORA-06550. */
  private unexpected(back = 0): OraError {
    const t = this.toks[this.pos + back] ?? this.toks[this.toks.length - 1];
    const line = t.line - this.toks[0].line + 1;
    const symbol = t === undefined ? "end-of-file" : t.kind === "string" ? `'${t.value}'` : t.value;
    return new OraError(6550, [String(line), String(t.column), symbol], { position: { line, column: t.column } });
  }
}
