import type {
  CmpOp,
  ColumnDef,
  ColumnType,
  Cond,
  ConstraintDef,
  Expr,
  ObjectName,
  OrderTerm,
  PrivilegeRef,
  Select,
  SelectItem,
  Statement,
  UserOption,
  ObjectPrivilege,
} from "./ast";
import { OBJECT_PRIVILEGES } from "./ast";
import { identifierOf, RESERVED } from "./identifiers";
import { OraError } from "./ora-error";
import type { ScriptStatement } from "./script";
import type { Token } from "./tokenizer";

/**
 * Recursive-descent parser for the SQL subset the server runs. Parsing is pure: a statement that does not
 * parse throws an OraError before anything is executed, so a malformed statement never changes state.
 */
export function parseStatement(stmt: ScriptStatement): Statement {
  return new Parser(stmt).statement();
}

const CMP_OPS: Record<string, CmpOp> = { "=": "=", "<>": "<>", "!=": "<>", "^=": "<>", "<": "<", ">": ">", "<=": "<=", ">=": ">=" };
const FUNCTIONS = new Set(["UPPER", "LOWER", "TRIM", "LENGTH"]);
const NOW = new Set(["SYSTIMESTAMP", "SYSDATE", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP"]);
const MAX_NESTING = 64;
const KNOWN_OPS = new Set(["<>", "!=", "^=", "<=", ">=", "||", "(", ")", ",", ";", ".", "=", "<", ">", "*", "+", "-", "/"]);

/** GRANT/REVOKE … ON: every item must be an object privilege (ALL [PRIVILEGES] is not modelled). */
function objectPrivileges(list: PrivilegeRef[]): ObjectPrivilege[] {
  return list.map((p) => {
    const hit = OBJECT_PRIVILEGES.find((o) => o === p.name);
    if (!hit || p.quoted) throw new OraError(p.name === "ALL" || p.name === "ALL PRIVILEGES" ? 3001 : 990);
    return hit;
  });
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly toks: Token[];

  constructor(private readonly stmt: ScriptStatement) {
    this.toks = stmt.tokens;
  }

  statement(): Statement {
    // Lexical errors first: an unterminated literal or a stray character poisons the whole statement.
    for (const t of this.toks) {
      if (t.kind === "error") throw this.err(Number(t.value), [], t);
      if (t.kind === "op" && !KNOWN_OPS.has(t.value)) throw this.err(911, [], t);
    }
    if (this.stmt.plsql) throw this.err(900, [], this.toks[0]);
    const s = this.dispatch();
    if (this.peek()) throw this.err(933);
    return s;
  }

  private dispatch(): Statement {
    const w = this.word();
    switch (w) {
      case "CREATE": {
        this.pos++;
        const orReplace = this.acceptWord("OR") ? (this.expectWord("REPLACE", 922), true) : false;
        if (this.acceptWord("VIEW")) return this.createView(orReplace);
        if (this.isWord("PUBLIC") || this.isWord("SYNONYM")) return this.createSynonym(orReplace);
        if (orReplace) throw this.err(922);
        if (this.acceptWord("USER")) return this.createUser();
        if (this.acceptWord("ROLE")) return this.createRole();
        if (this.acceptWord("TABLE")) return this.createTable();
        throw this.err(900);
      }
      case "ALTER":
        this.pos++;
        if (this.acceptWord("USER")) return this.alterUser();
        if (this.acceptWord("TABLE")) return this.alterTable();
        throw this.err(900);
      case "DROP":
        this.pos++;
        if (this.acceptWord("USER")) return this.dropUser();
        if (this.acceptWord("ROLE")) return { kind: "dropRole", name: this.name(1935) };
        if (this.acceptWord("TABLE")) return this.dropTable();
        if (this.acceptWord("VIEW")) return { kind: "dropView", view: this.objectName(903) };
        if (this.acceptWord("SYNONYM")) return { kind: "dropSynonym", synonym: this.objectName(903), isPublic: false };
        if (this.acceptWord("PUBLIC")) {
          this.expectWord("SYNONYM", 922);
          return { kind: "dropSynonym", synonym: this.objectName(903), isPublic: true };
        }
        throw this.err(900);
      case "GRANT":
        this.pos++;
        return this.grant();
      case "REVOKE":
        this.pos++;
        return this.revoke();
      case "INSERT":
        this.pos++;
        return this.insert();
      case "UPDATE":
        this.pos++;
        return this.update();
      case "DELETE":
        this.pos++;
        this.acceptWord("FROM");
        return { kind: "delete", table: this.objectName(903), ...this.optionalWhere() };
      case "SELECT":
        return { kind: "select", query: this.select() };
      case "COMMIT":
      case "ROLLBACK":
        this.pos++;
        this.acceptWord("WORK");
        return { kind: w === "COMMIT" ? "commit" : "rollback" };
      default:
        throw this.err(900, [], this.toks[0]);
    }
  }

  // ---- users and roles -------------------------------------------------------------------------------

  private createUser(): Statement {
    const ifNotExists = this.ifClause(true);
    const name = this.name(1935);
    const options = this.userOptions();
    if (!options.some((o) => o.k === "password" || o.k === "global" || o.k === "noAuth")) throw this.err(1938);
    return { kind: "createUser", name, options, ifNotExists };
  }

  private alterUser(): Statement {
    const name = this.name(1935);
    const options = this.userOptions();
    if (options.length === 0) throw this.err(922);
    return { kind: "alterUser", name, options };
  }

  private dropUser(): Statement {
    const ifExists = this.ifClause(false);
    const name = this.name(1935);
    const cascade = this.acceptWord("CASCADE");
    return { kind: "dropUser", name, cascade, ifExists };
  }

  private userOptions(): UserOption[] {
    const out: UserOption[] = [];
    for (;;) {
      if (this.acceptWord("IDENTIFIED")) {
        if (this.acceptWord("BY")) out.push({ k: "password", password: this.password() });
        else if (this.acceptWord("GLOBALLY")) out.push({ k: "global", externalName: this.acceptWord("AS") ? this.stringLiteral() : "" });
        else if (this.isWord("EXTERNALLY")) throw this.err(3001);
        else throw this.err(922);
      } else if (this.isWord("NO") && this.toks[this.pos + 1]?.value === "AUTHENTICATION") {
        this.pos += 2;
        out.push({ k: "noAuth" });
      } else if (this.acceptWord("PASSWORD")) {
        this.expectWord("EXPIRE", 922);
        out.push({ k: "expire" });
      } else if (this.acceptWord("ACCOUNT")) {
        if (this.acceptWord("LOCK")) out.push({ k: "lock", locked: true });
        else if (this.acceptWord("UNLOCK")) out.push({ k: "lock", locked: false });
        else throw this.err(922);
      } else if (this.acceptWord("DEFAULT") || this.acceptWord("TEMPORARY")) {
        this.expectWord("TABLESPACE", 922);
        out.push({ k: "tablespace", name: this.name(922) });
      } else if (this.acceptWord("QUOTA")) {
        if (!this.acceptWord("UNLIMITED")) {
          this.expectKind("number", 922);
          if (["K", "M", "G", "T"].includes(this.word() ?? "")) this.pos++;
        }
        this.expectWord("ON", 905);
        out.push({ k: "quota", tablespace: this.name(922) });
      } else if (this.acceptWord("PROFILE")) {
        out.push({ k: "profile", name: this.acceptWord("DEFAULT") ? "DEFAULT" : this.name(922) });
      } else if (this.peek()) {
        if (this.peek()?.kind === "bind") throw this.err(1027);
        throw this.err(922);
      } else {
        return out;
      }
    }
  }

  /** A password: quoted keeps everything; unquoted follows identifier rules but keeps its case. */
  private password(): string {
    const t = this.peek();
    if (t?.kind === "bind") throw this.err(1027);
    if (t?.kind === "qident") {
      this.pos++;
      if (t.value.length === 0) throw this.err(988, [], t);
      return t.value;
    }
    if (t?.kind === "word" && !RESERVED.has(t.value)) {
      this.pos++;
      return this.stmt.text.slice(t.start - this.stmt.tokens[0].start, t.end - this.stmt.tokens[0].start);
    }
    throw this.err(988);
  }

  private createRole(): Statement {
    const name = this.name(1935);
    if (this.acceptWord("NOT")) {
      this.expectWord("IDENTIFIED", 922);
      return { kind: "createRole", name };
    }
    if (this.acceptWord("IDENTIFIED")) {
      this.expectWord("GLOBALLY", 922);
      this.expectWord("AS", 905);
      return { kind: "createRole", name, externalName: this.stringLiteral() };
    }
    return { kind: "createRole", name };
  }

  private grant(): Statement {
    const privileges = this.privilegeList("TO");
    if (this.acceptWord("ON")) {
      const object = this.objectName(903);
      this.expectWord("TO", 905);
      const grantees = this.list(() => this.grantee());
      let grantOption = false;
      if (this.acceptWord("WITH")) {
        this.expectWord("GRANT", 905);
        this.expectWord("OPTION", 905);
        grantOption = true;
      }
      return { kind: "grantObject", privileges: objectPrivileges(privileges), object, grantees, grantOption };
    }
    const grantees = this.list(() => this.name(1935));
    let adminOption = false;
    if (this.acceptWord("WITH")) {
      this.expectWord("ADMIN", 905);
      this.expectWord("OPTION", 905);
      adminOption = true;
    }
    return { kind: "grant", privileges, grantees, adminOption };
  }

  private revoke(): Statement {
    const privileges = this.privilegeList("FROM");
    if (this.acceptWord("ON")) {
      const object = this.objectName(903);
      this.expectWord("FROM", 905);
      return { kind: "revokeObject", privileges: objectPrivileges(privileges), object, grantees: this.list(() => this.grantee()) };
    }
    return { kind: "revoke", privileges, grantees: this.list(() => this.name(1935)) };
  }

  /** `priv[, priv…]` up to `<until>` or ON; each item is a run of words (a privilege phrase) or one quoted role name. */
  private privilegeList(until: "TO" | "FROM"): PrivilegeRef[] {
    const out: PrivilegeRef[] = [];
    for (;;) {
      const t = this.peek();
      if (t?.kind === "qident") {
        out.push({ name: this.name(990), phrase: false, quoted: true });
      } else {
        const words: string[] = [];
        while (this.peek()?.kind === "word" && !this.isWord(until) && !this.isWord("ON")) words.push(this.next().value);
        if (words.length === 0) throw this.err(990);
        out.push({ name: words.join(" "), phrase: words.length > 1, quoted: false });
      }
      if (!this.acceptOp(",")) break;
    }
    if (!this.isWord("ON")) this.expectWord(until, 905);
    return out;
  }

  /** A user, a role or PUBLIC (a reserved word, so not a name). */
  private grantee(): string {
    return this.acceptWord("PUBLIC") ? "PUBLIC" : this.name(1935);
  }

  // ---- views and synonyms ----------------------------------------------------------------------------

  private createView(orReplace: boolean): Statement {
    const view = this.objectName(903);
    this.expectWord("AS", 905);
    return { kind: "createView", view, orReplace, query: this.select() };
  }

  private createSynonym(orReplace: boolean): Statement {
    const isPublic = this.acceptWord("PUBLIC");
    this.expectWord("SYNONYM", 922);
    const synonym = this.objectName(903);
    this.expectWord("FOR", 905);
    return { kind: "createSynonym", synonym, isPublic, orReplace, target: this.objectName(903) };
  }

  // ---- tables ----------------------------------------------------------------------------------------

  private createTable(): Statement {
    const ifNotExists = this.ifClause(true);
    const table = this.objectName(903);
    this.expectOp("(", 906);
    const columns: ColumnDef[] = [];
    const constraints: ConstraintDef[] = [];
    do {
      if (this.isWord("CONSTRAINT") || this.isWord("PRIMARY") || this.isWord("UNIQUE") || this.isWord("CHECK")) {
        constraints.push(this.tableConstraint());
      } else {
        columns.push(this.columnDef(constraints));
      }
    } while (this.acceptOp(","));
    this.expectOp(")", 907);
    return { kind: "createTable", table, columns, constraints, ifNotExists };
  }

  /** `ALTER TABLE t ADD (col …, CONSTRAINT …)` or `ADD col …` / `ADD [CONSTRAINT n] UNIQUE (…)`. */
  private alterTable(): Statement {
    const table = this.objectName(903);
    this.expectWord("ADD", 922);
    const columns: ColumnDef[] = [];
    const constraints: ConstraintDef[] = [];
    const item = () => {
      if (this.isWord("CONSTRAINT") || this.isWord("PRIMARY") || this.isWord("UNIQUE") || this.isWord("CHECK")) constraints.push(this.tableConstraint());
      else columns.push(this.columnDef(constraints));
    };
    if (this.acceptOp("(")) {
      do item();
      while (this.acceptOp(","));
      this.expectOp(")", 907);
    } else {
      item();
    }
    return { kind: "alterTableAdd", table, columns, constraints };
  }

  private tableConstraint(): ConstraintDef {
    const name = this.acceptWord("CONSTRAINT") ? this.name(904) : undefined;
    if (this.acceptWord("PRIMARY")) {
      this.expectWord("KEY", 905);
      return { name, kind: "primary", columns: this.parenList(() => this.name(904)) };
    }
    if (this.acceptWord("UNIQUE")) return { name, kind: "unique", columns: this.parenList(() => this.name(904)) };
    if (this.acceptWord("CHECK")) return { name, kind: "check", columns: [], check: this.parenCond() };
    throw this.err(902);
  }

  private columnDef(constraints: ConstraintDef[]): ColumnDef {
    const name = this.name(904);
    const col: ColumnDef = { name, notNull: false, ...this.columnType() };
    if (this.acceptWord("DEFAULT")) col.default = this.expr();
    for (;;) {
      const cname = this.acceptWord("CONSTRAINT") ? this.name(904) : undefined;
      if (this.acceptWord("NOT")) {
        this.expectWord("NULL", 905);
        col.notNull = true;
      } else if (this.acceptWord("NULL")) {
        col.notNull = false;
      } else if (this.acceptWord("PRIMARY")) {
        this.expectWord("KEY", 905);
        constraints.push({ name: cname, kind: "primary", columns: [name] });
      } else if (this.acceptWord("UNIQUE")) {
        constraints.push({ name: cname, kind: "unique", columns: [name] });
      } else if (this.acceptWord("CHECK")) {
        constraints.push({ name: cname, kind: "check", columns: [name], check: this.parenCond() });
      } else if (cname !== undefined) {
        throw this.err(902);
      } else {
        return col;
      }
    }
  }

  private columnType(): Pick<ColumnDef, "type" | "size" | "scale"> {
    const w = this.word();
    if (w === undefined) throw this.err(902);
    this.pos++;
    const sized = (type: ColumnType, required: boolean): Pick<ColumnDef, "type" | "size"> => {
      if (!this.isOp("(")) {
        if (required) throw this.err(906);
        return { type };
      }
      this.pos++;
      const size = Number(this.expectKind("number", 922).value);
      if (this.isWord("BYTE") || this.isWord("CHAR")) this.pos++;
      this.expectOp(")", 907);
      return { type, size };
    };
    switch (w) {
      case "VARCHAR2":
      case "VARCHAR":
      case "NVARCHAR2":
        return sized("VARCHAR2", true);
      case "CHAR":
      case "NCHAR":
        return { size: 1, ...sized("CHAR", false) };
      case "CLOB":
      case "NCLOB":
        return { type: "CLOB" };
      case "DATE":
        return { type: "DATE" };
      case "INTEGER":
      case "INT":
        return { type: "NUMBER", size: 38, scale: 0 };
      case "NUMBER": {
        if (!this.acceptOp("(")) return { type: "NUMBER" };
        const size = this.isOp("*") ? (this.pos++, 38) : Number(this.expectKind("number", 922).value);
        const scale = this.acceptOp(",") ? Number(this.expectKind("number", 922).value) : 0;
        this.expectOp(")", 907);
        return { type: "NUMBER", size, scale };
      }
      case "TIMESTAMP": {
        if (this.acceptOp("(")) {
          this.expectKind("number", 922);
          this.expectOp(")", 907);
        }
        if (this.acceptWord("WITH")) {
          this.acceptWord("LOCAL");
          this.expectWord("TIME", 905);
          this.expectWord("ZONE", 905);
        }
        return { type: "TIMESTAMP" };
      }
      default:
        throw this.err(902, [], this.toks[this.pos - 1]);
    }
  }

  private dropTable(): Statement {
    const ifExists = this.ifClause(false);
    const table = this.objectName(903);
    if (this.acceptWord("CASCADE")) this.expectWord("CONSTRAINTS", 905);
    this.acceptWord("PURGE");
    return { kind: "dropTable", table, ifExists };
  }

  private insert(): Statement {
    this.expectWord("INTO", 925);
    const table = this.objectName(903);
    const columns = this.isOp("(") ? this.parenList(() => this.name(904)) : undefined;
    this.expectWord("VALUES", 926);
    const values = this.parenList(() => this.expr());
    return { kind: "insert", table, columns, values };
  }

  private update(): Statement {
    const table = this.objectName(903);
    this.tableAlias();
    this.expectWord("SET", 971);
    const sets = this.list(() => {
      const column = this.columnRef();
      this.expectOp("=", 927);
      return { column, expr: this.expr() };
    });
    return { kind: "update", table, sets, ...this.optionalWhere() };
  }

  // ---- queries ---------------------------------------------------------------------------------------

  private select(): Select {
    this.expectWord("SELECT", 900);
    let items: SelectItem[] | "*";
    if (this.acceptOp("*")) {
      items = "*";
    } else {
      items = this.list(() => this.selectItem());
    }
    if (!this.acceptWord("FROM")) throw this.err(923);
    const from = this.objectName(903);
    this.tableAlias();
    const where = this.optionalWhere().where;
    const orderBy: OrderTerm[] = [];
    if (this.acceptWord("ORDER")) {
      this.expectWord("BY", 924);
      orderBy.push(...this.list(() => this.orderTerm()));
    }
    let offset: Expr | undefined;
    let fetch: Expr | undefined;
    if (this.acceptWord("OFFSET")) {
      offset = this.expr();
      if (!this.acceptWord("ROWS")) this.expectWord("ROW", 905);
    }
    if (this.acceptWord("FETCH")) {
      if (!this.acceptWord("FIRST")) this.expectWord("NEXT", 905);
      fetch = this.expr();
      if (!this.acceptWord("ROWS")) this.expectWord("ROW", 905);
      this.expectWord("ONLY", 905);
    }
    let forUpdate: Select["forUpdate"];
    if (this.acceptWord("FOR")) {
      this.expectWord("UPDATE", 905);
      forUpdate = { nowait: this.acceptWord("NOWAIT") };
    }
    return { items, from, where, orderBy, offset, fetch, forUpdate };
  }

  private selectItem(): SelectItem {
    const startTok = this.peek();
    const expr = this.expr();
    const endTok = this.toks[this.pos - 1];
    let name: string;
    if (this.acceptWord("AS") || (this.peek() && (this.peek()?.kind === "qident" || (this.peek()?.kind === "word" && !RESERVED.has(this.word() ?? ""))))) {
      name = this.name(923);
    } else if (expr.k === "col") {
      name = expr.name;
    } else {
      const base = this.stmt.tokens[0].start;
      name = this.stmt.text.slice((startTok?.start ?? base) - base, endTok.end - base).replace(/\s+/g, "").toUpperCase();
    }
    return { expr, name };
  }

  private orderTerm(): OrderTerm {
    const t = this.peek();
    const by: number | Expr = t?.kind === "number" ? (this.pos++, Number(t.value)) : this.expr();
    const desc = this.acceptWord("DESC") ? true : (this.acceptWord("ASC"), false);
    let nullsFirst = desc;
    if (this.acceptWord("NULLS")) {
      if (this.acceptWord("FIRST")) nullsFirst = true;
      else {
        this.expectWord("LAST", 905);
        nullsFirst = false;
      }
    }
    return { by, desc, nullsFirst };
  }

  private optionalWhere(): { where?: Cond } {
    return this.acceptWord("WHERE") ? { where: this.cond() } : {};
  }

  // ---- conditions and expressions --------------------------------------------------------------------

  private cond(): Cond {
    let c = this.andCond();
    while (this.acceptWord("OR")) c = { k: "or", a: c, b: this.andCond() };
    return c;
  }

  private andCond(): Cond {
    let c = this.notCond();
    while (this.acceptWord("AND")) c = { k: "and", a: c, b: this.notCond() };
    return c;
  }

  private notCond(): Cond {
    if (this.acceptWord("NOT")) return { k: "not", c: this.notCond() };
    return this.predicate();
  }

  private parenCond(): Cond {
    this.expectOp("(", 906);
    const c = this.nested(() => this.cond());
    this.expectOp(")", 907);
    return c;
  }

  /** Parentheses deeper than MAX_NESTING are refused: they would only serve to exhaust the stack. */
  private nested<T>(inner: () => T): T {
    if (++this.depth > MAX_NESTING) throw this.err(3001);
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }

  private predicate(): Cond {
    if (this.isOp("(")) {
      // "(" opens either a nested condition or a parenthesised expression; try the condition first.
      const save = this.pos;
      try {
        return this.parenCond();
      } catch (e) {
        if (!(e instanceof OraError)) throw e;
        this.pos = save;
      }
    }
    const e = this.expr();
    if (this.acceptWord("IS")) {
      const not = this.acceptWord("NOT");
      this.expectWord("NULL", 908);
      return { k: "isNull", e, not };
    }
    const not = this.acceptWord("NOT");
    if (this.acceptWord("IN")) {
      this.expectOp("(", 906);
      if (this.isWord("SELECT")) {
        const query = this.nested(() => this.select());
        this.expectOp(")", 907);
        return { k: "inSelect", e, query, not };
      }
      const list = this.list(() => this.expr());
      this.expectOp(")", 907);
      return { k: "in", e, list, not };
    }
    if (this.acceptWord("LIKE")) {
      const pattern = this.expr();
      const escape = this.acceptWord("ESCAPE") ? this.expr() : undefined;
      return { k: "like", e, pattern, escape, not };
    }
    if (this.acceptWord("BETWEEN")) {
      const lo = this.expr();
      this.expectWord("AND", 905);
      const hi = this.expr();
      const range: Cond = { k: "and", a: { k: "cmp", op: ">=", a: e, b: lo }, b: { k: "cmp", op: "<=", a: e, b: hi } };
      return not ? { k: "not", c: range } : range;
    }
    if (not) throw this.err(920);
    const t = this.peek();
    const op = t?.kind === "op" ? CMP_OPS[t.value] : undefined;
    if (!op) throw this.err(920);
    this.pos++;
    return { k: "cmp", op, a: e, b: this.expr() };
  }

  private expr(): Expr {
    // ||, + and - share one precedence level in Oracle, left to right.
    let e = this.unary();
    for (;;) {
      if (this.acceptOp("||")) e = { k: "concat", a: e, b: this.unary() };
      else if (this.acceptOp("+")) e = { k: "arith", op: "+", a: e, b: this.unary() };
      else if (this.acceptOp("-")) e = { k: "arith", op: "-", a: e, b: this.unary() };
      else return e;
    }
  }

  private unary(): Expr {
    if (this.acceptOp("-")) return { k: "neg", e: this.unary() };
    if (this.acceptOp("+")) return this.unary();
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    if (!t) throw this.err(936);
    switch (t.kind) {
      case "number":
        this.pos++;
        return { k: "lit", v: Number(t.value) };
      case "string":
        this.pos++;
        return { k: "lit", v: t.value === "" ? null : t.value }; // Oracle: '' is NULL
      case "bind":
        this.pos++;
        return { k: "bind", name: t.value };
      case "qident":
        return { k: "col", name: this.columnRef() };
      case "op":
        if (t.value === "(") {
          this.pos++;
          const e = this.nested(() => this.expr());
          this.expectOp(")", 907);
          return e;
        }
        throw this.err(936);
      default:
        break;
    }
    const w = t.value;
    if (w === "NULL") {
      this.pos++;
      return { k: "lit", v: null };
    }
    if (NOW.has(w)) {
      this.pos++;
      return { k: "now" };
    }
    if ((w === "TIMESTAMP" || w === "DATE") && this.toks[this.pos + 1]?.kind === "string") {
      this.pos++;
      const lit = this.next();
      const d = new Date(lit.value.replace(" ", "T") + (/[zZ]|[+-]\d\d:\d\d$/.test(lit.value) ? "" : "Z"));
      if (Number.isNaN(d.getTime())) throw this.err(1861, [], lit);
      return { k: "lit", v: d };
    }
    if (w === "COUNT" && this.toks[this.pos + 1]?.value === "(") {
      this.pos += 2;
      this.expectOp("*", 936);
      this.expectOp(")", 907);
      return { k: "count" };
    }
    if (FUNCTIONS.has(w) && this.toks[this.pos + 1]?.value === "(") {
      this.pos += 2;
      const arg = this.expr();
      this.expectOp(")", 907);
      return { k: "fn", name: w as "UPPER" | "LOWER" | "TRIM" | "LENGTH", arg };
    }
    if (RESERVED.has(w)) throw this.err(936);
    return { k: "col", name: this.columnRef() };
  }

  /** `col` or `alias.col` (the qualifier is ignored: there is only one table per query). */
  private columnRef(): string {
    let name = this.name(904);
    if (this.acceptOp(".")) name = this.name(904);
    return name;
  }

  // ---- names and small helpers -----------------------------------------------------------------------

  private objectName(missing: number): ObjectName {
    const first = this.name(missing);
    if (this.acceptOp(".")) return { owner: first, name: this.name(missing) };
    return { name: first };
  }

  private tableAlias(): void {
    const t = this.peek();
    if (t?.kind === "qident" || (t?.kind === "word" && !RESERVED.has(t.value) && !["OFFSET", "FETCH"].includes(t.value))) this.pos++;
  }

  private ifClause(notExists: boolean): boolean {
    if (!(this.isWord("IF") && (notExists ? this.toks[this.pos + 1]?.value === "NOT" : this.toks[this.pos + 1]?.value === "EXISTS"))) {
      return false;
    }
    this.pos += notExists ? 2 : 1;
    this.expectWord("EXISTS", 905);
    return true;
  }

  private name(missing: number): string {
    const t = this.peek();
    if (t?.kind === "bind") throw this.err(missing === 1935 ? 1027 : missing, missing === 904 ? [`:${t.value}`] : []);
    const r = identifierOf(t, missing);
    if (r instanceof OraError) throw this.at(r, t);
    this.pos++;
    return r;
  }

  private stringLiteral(): string {
    const t = this.peek();
    if (t?.kind === "bind") throw this.err(1027);
    if (t?.kind !== "string") throw this.err(t ? 905 : 921);
    this.pos++;
    return t.value;
  }

  private list<T>(item: () => T): T[] {
    const out = [item()];
    while (this.acceptOp(",")) out.push(item());
    return out;
  }

  private parenList<T>(item: () => T): T[] {
    this.expectOp("(", 906);
    const out = this.list(item);
    this.expectOp(")", 907);
    return out;
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }

  private next(): Token {
    const t = this.toks[this.pos++];
    if (!t) throw this.err(921);
    return t;
  }

  private word(): string | undefined {
    const t = this.peek();
    return t?.kind === "word" ? t.value : undefined;
  }

  private isWord(w: string): boolean {
    return this.word() === w;
  }

  private acceptWord(w: string): boolean {
    if (!this.isWord(w)) return false;
    this.pos++;
    return true;
  }

  private expectWord(w: string, code: number): void {
    if (!this.acceptWord(w)) throw this.err(this.peek() ? code : 921);
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t?.kind === "op" && t.value === op;
  }

  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  private expectOp(op: string, code: number): void {
    if (!this.acceptOp(op)) throw this.err(this.peek() ? code : 921);
  }

  private expectKind(kind: Token["kind"], code: number): Token {
    const t = this.peek();
    if (t?.kind !== kind) throw this.err(t ? code : 921);
    this.pos++;
    return t;
  }

  /** An OraError positioned at `tok` (default: the current token, or the statement's end). */
  private err(code: number, args: string[] = [], tok?: Token): OraError {
    return this.at(new OraError(code, args), tok ?? this.peek());
  }

  private at(e: OraError, tok: Token | undefined): OraError {
    const t = tok ?? this.toks[this.toks.length - 1];
    const atEnd = !tok;
    e.position = { line: t.line - this.stmt.startLine + 1, column: atEnd ? t.column + (t.end - t.start) : t.column };
    return e;
  }
}
