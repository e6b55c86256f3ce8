import type { Cond, ObjectName, Statement, Value } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { lookup, queryEnvAs, requirePrivilege, requireSys, type AccessEnv, type Need } from "./access";
import { defineObject, dropObject, grantObject, revokeObject } from "./ddl-objects";
import { evalCond, evalExpr, type EvalContext, type Row } from "./eval";
import { candidates, checkColumns, checkCondColumns, runSelect, subqueryRunner, type QueryEnv, type QueryResult } from "./query";
import { LockWait, type Session } from "./session";
import { Table } from "./table";

export interface ExecEnv extends AccessEnv {
  /** The session's user: the REST-enabled schema the request runs as. */
  user: string;
}

/** System privilege each user/role statement needs from someone who is not the administrator. */
const ADMIN_DDL: Partial<Record<Statement["kind"], string[]>> = {
  createUser: ["CREATE USER"],
  alterUser: ["ALTER USER"],
  dropUser: ["DROP USER"],
  createRole: ["CREATE ROLE"],
  dropRole: ["DROP ANY ROLE"],
  grant: ["GRANT ANY ROLE", "GRANT ANY PRIVILEGE"],
  revoke: ["GRANT ANY ROLE", "GRANT ANY PRIVILEGE"],
};

export interface Outcome {
  /** SQL*Plus feedback, e.g. "User created." */
  feedback?: string;
  /** Rows affected (DML), else 0. */
  result: number;
  resultSet?: QueryResult;
}

/** Executes one parsed statement; an OraError leaves the database unchanged. */
export function execute(s: Statement, env: ExecEnv): Outcome {
  const { db, user } = env;
  const needs = ADMIN_DDL[s.kind];
  if (needs && !needs.some((p) => db.hasSysPrivilege(user, p))) throw new OraError(1031);
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
    case "createTable": {
      const owner = s.table.owner ?? user;
      requireSys(env, owner, "CREATE TABLE", "CREATE ANY TABLE");
      db.ddlCreateTable(owner, s.table.name, s.columns, s.constraints, s.ifNotExists);
      return done("Table created.");
    }
    case "alterTableAdd": {
      // Altering one's own table takes no privilege; another schema's takes ALTER ANY TABLE.
      const owner = s.table.owner ?? user;
      if (owner !== user) requireSys(env, owner, "ALTER ANY TABLE", "ALTER ANY TABLE");
      db.ddlAlterTableAdd(owner, s.table.name, s.columns, s.constraints, rowlessContext(env), env.session);
      return done("Table altered.");
    }
    case "dropTable": {
      const owner = s.table.owner ?? user;
      if (owner !== user && !db.hasSysPrivilege(user, "DROP ANY TABLE")) {
        if (s.ifExists && !db.table(s.table.name, owner)) return done("Table dropped.");
        requirePrivilege(lookup(s.table, user, env), user, "DELETE", db);
        throw new OraError(1031);
      }
      db.ddlDropTable(owner, s.table.name, s.ifExists);
      return done("Table dropped.");
    }
    case "createView":
    case "createSynonym":
      return done(defineObject(s, env));
    case "dropView":
    case "dropSynonym":
      return done(dropObject(s, env));
    case "grantObject":
      grantObject(s, env);
      return done("Grant succeeded.");
    case "revokeObject":
      revokeObject(s, env);
      return done("Revoke succeeded.");
    case "insert": {
      const t = writableTable(s.table, env, "INSERT");
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
      const t = writableTable(s.table, env, "UPDATE");
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
      const t = writableTable(s.table, env, "DELETE");
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

/** The table a DML statement (or FOR UPDATE) changes, after the user's privilege on it is checked. */
function writableTable(name: ObjectName, env: ExecEnv, need: Need): Table {
  const t = lookup(name, env.user, env);
  requirePrivilege(t, env.user, need, env.db);
  // Views and the dictionary are not updatable here (Oracle would allow simple views: not modelled).
  if (t.kind === "view") throw new OraError(3001);
  if (t.kind !== "table") throw new OraError(1031);
  return t.table;
}

/** FOR UPDATE: the rows the query matched stay locked; NOWAIT answers ORA-00054 instead of waiting. */
function lockSelected(from: ObjectName, where: Cond | undefined, nowait: boolean, env: ExecEnv): void {
  const t = writableTable(from, env, "lock");
  try {
    t.lockRows(matching(t, where, rowlessContext(env), env.session).map(([id]) => id), env.session);
  } catch (e) {
    if (e instanceof LockWait && nowait) throw new OraError(54);
    throw e;
  }
}

function queryEnv(env: ExecEnv): QueryEnv {
  return queryEnvAs(env.user, env);
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
