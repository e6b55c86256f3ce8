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
 *   [DECLARE <name> <type> [:= <literal>] ; …]
 *   BEGIN
 *     <INSERT | UPDATE | DELETE | SELECT … FOR UPDATE> ;        -- SQL with binds, as in a script
 *     SELECT <one column> INTO <variable> FROM … ;             -- exactly one row (ORA-01403, ORA-01422)
 *     <package>.<procedure>(<name> => <literal>, …) ;          -- the procedures BlockEnv.call knows
 *     EXECUTE IMMEDIATE '<DDL or DML>' [|| '…' | :bind] ;      -- no USING clause
 *     IF <SQL%ROWCOUNT <op> n | SQL%FOUND | SQL%NOTFOUND | <variable> <op> <literal>> THEN …
 *       [ELSIF … THEN …] [ELSE …] END IF ;
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
type PlCond = { k: "rowcount"; op: CmpOp; n: number } | { k: "found"; not: boolean } | { k: "var"; name: string; op: CmpOp; v: Value };
/** A procedure argument: a literal, TRUE/FALSE, or a variable. */
export type PlValue = Value | boolean;
type Arg = { name?: string; v: PlValue } | { name?: string; variable: string };
type PlStmt =
  | { k: "sql"; st: ScriptStatement; into?: string; line: number }
  | { k: "call"; procedure: string; args: Arg[]; line: number }
  | { k: "exec"; parts: Part[]; line: number }
  | { k: "if"; branches: Array<{ cond: PlCond; body: PlStmt[] }>; otherwise: PlStmt[]; line: number }
  | { k: "raise"; code: number; parts: Part[]; line: number }
  | { k: "null" | "commit" | "rollback"; line: number };

export interface BlockEnv {
  session: Session;
  binds: ReadonlyMap<string, Value>;
  /** Runs one statement as the script runner does (waits for row locks, DDL commits). */
  run(s: Statement, st: ScriptStatement): Promise<{ result: number; resultSet?: { rows: Value[][] } }>;
  /** Calls a stored procedure with named (or positional, name undefined) arguments; unknown ones throw. */
  call(procedure: string, args: Array<{ name?: string; value: PlValue }>): void;
  /** Called between the block's statements so other sessions interleave. */
  pause(): Promise<void>;
}

export async function runBlock(st: ScriptStatement, env: BlockEnv): Promise<void> {
  const { declared, body } = new BlockParser(st).block();
  const vars = new Map<string, Value>(declared);
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
        case "sql": {
          const out = await env.run(parseStatement(s.st), s.st);
          rowcount = out.result;
          if (s.into !== undefined) {
            const rows = out.resultSet?.rows ?? [];
            if (rows.length === 0) throw new OraError(1403);
            if (rows.length > 1) throw new OraError(1422);
            vars.set(s.into, rows[0][0]);
            rowcount = 1;
          }
          break;
        }
        case "call":
          env.call(
            s.procedure,
            s.args.map((a) => ({ name: a.name, value: "variable" in a ? (vars.get(a.variable) ?? null) : a.v })),
          );
          break;
        case "exec": {
          const text = render(s.parts, env.binds);
          const dyn: ScriptStatement = { text, tokens: tokenize(text), startLine: 1, endLine: 1, plsql: false, sqlplus: false };
          rowcount = (await env.run(parseStatement(dyn), dyn)).result;
          break;
        }
        case "if": {
          const hit = s.branches.find((b) => test(b.cond, rowcount, vars));
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

function test(c: PlCond, rowcount: number | null, vars: ReadonlyMap<string, Value>): boolean {
  if (c.k === "found") return (rowcount !== null && rowcount > 0) !== c.not;
  const left = c.k === "rowcount" ? rowcount : (vars.get(c.name) ?? null);
  const right = c.k === "rowcount" ? c.n : c.v;
  // As in PL/SQL, a comparison with NULL is not true.
  if (left === null || right === null) return false;
  const d = typeof left === "number" && typeof right === "number" ? left - right : String(left).localeCompare(String(right));
  switch (c.op) {
    case "=":
      return d === 0;
    case "<>":
      return d !== 0;
    case "<":
      return d < 0;
    case ">":
      return d > 0;
    case "<=":
      return d <= 0;
    case ">=":
      return d >= 0;
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

  private readonly variables = new Set<string>();

  block(): { declared: Map<string, Value>; body: PlStmt[] } {
    for (const t of this.toks) if (t.kind === "error") throw new OraError(Number(t.value));
    const declared = new Map<string, Value>();
    if (this.accept("DECLARE")) {
      while (this.pos < this.toks.length && this.word() !== "BEGIN") {
        const name = this.identifier();
        this.identifier(); // the type: PLS_INTEGER, NUMBER, VARCHAR2(n), … (values are not type-checked)
        if (this.acceptOp("(")) {
          while (this.pos < this.toks.length && !this.acceptOp(")")) this.pos++;
        }
        let v: Value = null;
        if (this.acceptAssign()) v = this.literal();
        this.expectOp(";");
        declared.set(name, v);
        this.variables.add(name);
      }
    }
    this.expect("BEGIN");
    const body = this.stmts(["END"]);
    this.expect("END");
    this.acceptOp(";");
    if (this.pos < this.toks.length) throw this.unexpected();
    return { declared, body };
  }

  /** `:=`, which the SQL tokenizer reads as a bind named "" or as ':' '='. */
  private acceptAssign(): boolean {
    const t = this.toks[this.pos];
    const n = this.toks[this.pos + 1];
    if (t?.kind === "op" && t.value === ":" && n?.kind === "op" && n.value === "=") {
      this.pos += 2;
      return true;
    }
    return false;
  }

  private identifier(): string {
    const t = this.toks[this.pos];
    if (t?.kind !== "word") throw this.unexpected();
    this.pos++;
    return t.value;
  }

  private literal(): Value {
    const t = this.toks[this.pos++];
    if (t?.kind === "string") return t.value;
    if (t?.kind === "number") return Number(t.value);
    if (t?.kind === "op" && t.value === "-" && this.toks[this.pos]?.kind === "number") return -Number(this.toks[this.pos++].value);
    if (t?.kind === "word" && t.value === "NULL") return null;
    throw this.unexpected(-1);
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
      let tokens = this.toks.slice(start, this.pos);
      this.expectOp(";");
      let into: string | undefined;
      const at = w === "SELECT" ? tokens.findIndex((t) => t.kind === "word" && t.value === "INTO") : -1;
      if (at > 0) {
        into = tokens[at + 1]?.kind === "word" ? tokens[at + 1].value : undefined;
        if (into === undefined || !this.variables.has(into)) throw this.unexpected(-(tokens.length - at - 1));
        tokens = [...tokens.slice(0, at), ...tokens.slice(at + 2)];
      }
      return { k: "sql", st: this.statementOf(tokens, into !== undefined), into, line };
    }
    if (this.toks[this.pos]?.kind === "word" && this.toks[this.pos + 1]?.kind === "op" && [".", "("].includes(this.toks[this.pos + 1].value)) {
      let procedure = this.identifier();
      while (this.acceptOp(".")) procedure += `.${this.identifier()}`;
      const args: Arg[] = [];
      if (this.acceptOp("(")) {
        do {
          const named = this.toks[this.pos + 1]?.value === "=" && this.toks[this.pos + 2]?.value === ">";
          const name = named ? this.identifier() : undefined;
          if (named) this.pos += 2;
          const t = this.toks[this.pos];
          if (t?.kind === "word" && (t.value === "TRUE" || t.value === "FALSE")) {
            this.pos++;
            args.push({ name, v: t.value === "TRUE" });
          } else if (t?.kind === "word" && this.variables.has(t.value)) {
            this.pos++;
            args.push({ name, variable: t.value });
          } else {
            args.push({ name, v: this.literal() });
          }
        } while (this.acceptOp(","));
        this.expectOp(")");
      }
      this.expectOp(";");
      return { k: "call", procedure, args, line };
    }
    throw this.unexpected();
  }

  /** A statement inside the block, as the script runner takes it (text cut from the block's own text). */
  private statementOf(tokens: Token[], spliced: boolean): ScriptStatement {
    const base = this.toks[0].start;
    const slice = (from: Token, to: Token) => this.st.text.slice(from.start - base, to.end - base);
    const lines = { startLine: tokens[0].line, endLine: tokens[tokens.length - 1].line, plsql: false, sqlplus: false };
    if (!spliced) return { text: slice(tokens[0], tokens[tokens.length - 1]), tokens, ...lines };
    // SELECT … INTO v …: the query without its INTO clause, re-tokenised so positions match the text.
    const text = tokens.map((t) => slice(t, t)).join(" ");
    return { text, tokens: tokenize(text), ...lines };
  }

  private cond(): PlCond {
    const w = this.word();
    if (w !== "SQL" && this.variables.has(w)) {
      this.pos++;
      const op = CMP[this.toks[this.pos]?.value ?? ""];
      if (!op || this.toks[this.pos].kind !== "op") throw this.unexpected();
      this.pos++;
      return { k: "var", name: w, op, v: this.literal() };
    }
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
