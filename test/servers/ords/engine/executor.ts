import type { Cond, ObjectName, Statement, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import type { OrdsDatabase } from "./database";
import { evalCond, evalExpr, type EvalContext, type Row } from "./eval";
import { candidates, checkColumns, checkCondColumns, runSelect, subqueryRunner, type QueryEnv, type QueryResult } from "./query";
import type { Relation } from "./relation";
import { LockWait, type Session } from "./session";
import { Table } from "./table";

export interface ExecEnv {
  db: OrdsDatabase;
  views: ReadonlyMap<string, Relation>;
  binds: ReadonlyMap<string, Value>;
  now: Date;
  session: Session;
}

export interface Outcome {
  /** SQL*Plus feedback, e.g. "User created." */
  feedback?: string;
  /** Rows affected (DML), else 0. */
  result: number;
  resultSet?: QueryResult;
}

/** Executes one parsed statement; an OraError leaves the database unchanged. */
export function execute(s: Statement, env: ExecEnv): Outcome {
  const { db } = env;
  switch (s.kind) {
    case "createUser":
      db.ddlCreateUser(s.name, s.options, s.ifNotExists);
      return done("User created.");
    case "alterUser":
      db.ddlAlterUser(s.name, s.options);
      return done("User altered.");
    case "dropUser":
      db.ddlDropUser(s.name, s.cascade, s.ifExists);
      return done("User dropped.");
    case "createRole":
      db.ddlCreateRole(s.name, s.externalName);
      return done("Role created.");
    case "dropRole":
      db.ddlDropRole(s.name);
      return done("Role dropped.");
    case "grant":
      db.ddlGrant(s.privileges, s.grantees, s.adminOption);
      return done("Grant succeeded.");
    case "revoke":
      db.ddlRevoke(s.privileges, s.grantees);
      return done("Revoke succeeded.");
    case "createTable":
      db.ddlCreateTable(s.table.owner ?? db.schema, s.table.name, s.columns, s.constraints, s.ifNotExists);
      return done("Table created.");
    case "alterTableAdd":
      db.ddlAlterTableAdd(s.table.owner ?? db.schema, s.table.name, s.columns, s.constraints, rowlessContext(env), env.session);
      return done("Table altered.");
    case "dropTable":
      db.ddlDropTable(s.table.owner ?? db.schema, s.table.name, s.ifExists);
      return done("Table dropped.");
    case "insert": {
      const t = writableTable(s.table, env);
      const cols = s.columns ?? t.columns.map((c) => c.name);
      if (s.values.length < cols.length) throw new OraError(947);
      if (s.values.length > cols.length) throw new OraError(913);
      const ctx = rowlessContext(env);
      const values = new Map<string, Value>();
      cols.forEach((c, i) => {
        if (!t.hasColumn(c)) throw new OraError(904, [c]);
        if (values.has(c)) throw new OraError(957);
        values.set(c, evalExpr(s.values[i], ctx));
      });
      t.insert(values, ctx, env.session);
      return rows(1, "created");
    }
    case "update": {
      const t = writableTable(s.table, env);
      const known = new Set(t.columns.map((c) => c.name));
      for (const set of s.sets) {
        if (!known.has(set.column)) throw new OraError(904, [set.column]);
        checkColumns(set.expr, known);
      }
      if (s.where) checkCondColumns(s.where, known);
      const base = rowlessContext(env);
      const targets = matching(t, s.where, base, env.session);
      const n = t.update(targets, (row) => new Map(s.sets.map((set) => [set.column, evalExpr(set.expr, withRow(base, row))])), base, env.session);
      return rows(n, "updated");
    }
    case "delete": {
      const t = writableTable(s.table, env);
      if (s.where) checkCondColumns(s.where, new Set(t.columns.map((c) => c.name)));
      return rows(t.delete(matching(t, s.where, rowlessContext(env), env.session).map(([id]) => id), env.session), "deleted");
    }
    case "select": {
      const resultSet = runSelect(s.query, queryEnv(env));
      if (s.query.forUpdate) lockSelected(s.query.from, s.query.where, s.query.forUpdate.nowait, env);
      return { result: 0, resultSet };
    }
    case "commit":
      return done("Commit complete.");
    case "rollback":
      return done("Rollback complete.");
  }
}

/** Views resolve through their public synonyms (DBA_USERS = SYS.DBA_USERS); tables in the schema. */
export function resolve(name: ObjectName, env: ExecEnv): Relation {
  if (name.owner === undefined || name.owner === "SYS" || name.owner === "PUBLIC") {
    const v = env.views.get(name.name);
    if (v) return v;
  }
  const t = env.db.table(name.name, name.owner ?? env.db.schema);
  if (!t) throw new OraError(942);
  return t.viewFor(env.session);
}

function writableTable(name: ObjectName, env: ExecEnv): Table {
  resolve(name, env);
  const t = env.db.table(name.name, name.owner ?? env.db.schema);
  if (!t) throw new OraError(1031);
  return t;
}

/** FOR UPDATE: the rows the query matched stay locked; NOWAIT answers ORA-00054 instead of waiting. */
function lockSelected(from: ObjectName, where: Cond | undefined, nowait: boolean, env: ExecEnv): void {
  const t = writableTable(from, env);
  try {
    t.lockRows(matching(t, where, rowlessContext(env), env.session).map(([id]) => id), env.session);
  } catch (e) {
    if (e instanceof LockWait && nowait) throw new OraError(54);
    throw e;
  }
}

function queryEnv(env: ExecEnv): QueryEnv {
  return { resolve: (n) => resolve(n, env), binds: env.binds, now: env.now };
}

/** Rows an UPDATE/DELETE touches (as the session sees them), found through a key index when WHERE pins one. */
function matching(t: Table, where: Cond | undefined, base: EvalContext, session: Session): Array<[number, Row]> {
  const out: Array<[number, Row]> = [];
  for (const row of candidates(t.viewFor(session), where, base)) {
    if (!where || evalCond(where, withRow(base, row)) === true) out.push([t.idOf(row) as number, row]);
  }
  return out;
}

function withRow(base: EvalContext, row: Row): EvalContext {
  return { ...base, column: (n) => row[n] ?? null };
}

/** Context for values outside any row (INSERT VALUES): a column reference there is ORA-00984. */
function rowlessContext(env: ExecEnv): EvalContext {
  return {
    binds: env.binds,
    now: env.now,
    subquery: subqueryRunner(queryEnv(env)),
    column: () => {
      throw new OraError(984);
    },
  };
}

function done(feedback: string): Outcome {
  return { feedback, result: 0 };
}

function rows(n: number, verb: string): Outcome {
  return { feedback: `${n} ${n === 1 ? "row" : "rows"} ${verb}.`, result: n };
}
