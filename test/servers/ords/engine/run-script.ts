import type { Statement, Value } from "../sql/ast";
import { statementType } from "../sql/ast";
import { OraError } from "../sql/ora-error";
import { parseStatement } from "../sql/parser";
import { splitScript, type ScriptStatement } from "../sql/script";
import type { OrdsDatabase } from "./database";
import { toDate, toNumber } from "./eval";
import { execute, type ExecEnv, type Outcome } from "./executor";
import { runBlock } from "./plsql";
import { callProcedure } from "./procedures";
import { LockWait, type Session } from "./session";
import { CONTINUE, substitute, whenever, type OnSqlError } from "../sql/sqlplus";
import type { QueryResult } from "./query";
import type { Relation } from "./relation";

/** A bind from the JSON body: by `name` (case-insensitive, as Oracle) or 1-based `index`. */
export interface BindSpec {
  name?: string;
  index?: number;
  data_type?: string;
  value?: unknown;
}

export interface ScriptRequest {
  script: string;
  binds: BindSpec[];
  offset: number;
  limit: number;
}

/** One element of the response's `items`, shaped as ORDS sends it. */
export interface ResponseItem {
  statementId: number;
  statementType: string;
  statementPos: { startLine: number; endLine: number };
  statementText: string;
  response: string[];
  result?: number;
  resultSet?: {
    metadata: Array<{ columnName: string; jsonColumnName: string; columnTypeName: string; precision: number; scale: number; isNullable: 0 | 1 }>;
    items: Array<Record<string, string | number | null>>;
    hasMore: boolean;
    limit: number;
    offset: number;
    count: number;
  };
  errorCode?: number;
  errorLine?: number;
  errorColumn?: number;
  errorDetails?: string;
}

export interface ScriptEnv {
  db: OrdsDatabase;
  views: ReadonlyMap<string, Relation>;
  /** The request's database session (one per request, as ORDS borrows a pooled connection). */
  session: Session;
  /** The REST-enabled schema the request runs as (default: the administrator schema). */
  user?: string;
  /** Wait this long before each statement (default 0: one event-loop turn), to widen race windows in tests. */
  pauseMs?: number;
}

/**
 * Runs a script statement by statement and answers one item per statement, as SQLcl runs it: substitution
 * variables first (see `substitute`), SQL*Plus commands in order, and `WHENEVER SQLERROR CONTINUE` (a failing
 * statement is reported in its item and the script goes on) until a `WHENEVER SQLERROR EXIT …` makes the
 * first failing statement the last item. Every statement waits one event-loop turn first, so scripts from
 * concurrent requests interleave statement by statement; a statement that needs a row another session
 * holds waits for that session's COMMIT/ROLLBACK. DDL commits before and after itself; the script's open
 * transaction is committed when it ends (assumption: as SQLcl's EXIT), or as WHENEVER says when it exits.
 */
export async function runScript(req: ScriptRequest, env: ScriptEnv): Promise<ResponseItem[]> {
  const { session } = env;
  const pause = () => new Promise<void>((resolve) => (env.pauseMs ? setTimeout(resolve, env.pauseMs) : setImmediate(resolve)));
  const items: ResponseItem[] = [];
  let onError: OnSqlError = CONTINUE;
  for (const [i, st] of splitScript(substitute(req.script)).entries()) {
    const base = (type: string) => ({
      statementId: i + 1,
      statementType: type,
      statementPos: { startLine: st.startLine, endLine: st.endLine },
      statementText: st.text,
    });
    await pause();
    if (st.sqlplus) {
      onError = whenever(st) ?? onError;
      items.push({ ...base("sqlplus"), response: [], result: 0 });
      continue;
    }
    let parsed: Statement | undefined;
    try {
      const binds = bindsFor(st, req.binds);
      const user = env.user ?? env.db.schema;
      const run = (s: Statement) => runStatement(s, { db: env.db, views: env.views, binds, now: new Date(), session, user });
      if (st.plsql) {
        const call = (procedure: string, args: Parameters<typeof callProcedure>[1]) => callProcedure(procedure, args, { db: env.db, user });
        await runBlock(st, { session, binds, run, pause, call });
        items.push({ ...base("plsql"), response: ["\nPL/SQL procedure successfully completed.\n\n"], result: 0 });
        continue;
      }
      parsed = parseStatement(st);
      const outcome = await run(parsed);
      const item: ResponseItem = {
        ...base(statementType(parsed)),
        response: outcome.feedback ? [`\n${outcome.feedback}\n\n`] : [],
        result: outcome.result,
      };
      if (outcome.resultSet) item.resultSet = page(outcome.resultSet, req.offset, req.limit);
      items.push(item);
    } catch (e) {
      if (!(e instanceof OraError)) throw e;
      items.push({
        ...base(parsed ? statementType(parsed) : guessType(st)),
        response: [`\nError starting at line : ${st.startLine} in command -\n${st.text}\nError report -\n${e.details}\n\n`],
        errorCode: e.code,
        errorLine: e.position?.line ?? 1,
        errorColumn: e.position?.column ?? 1,
        errorDetails: e.details,
      });
      if (onError.then === "rollback") session.rollback();
      else if (onError.then === "commit") session.commit();
      if (onError.exit) return items;
    }
  }
  session.commit();
  return items;
}

/** One statement in the session: DDL commits around itself, COMMIT/ROLLBACK end the transaction, writers wait for row locks. */
async function runStatement(s: Statement, env: ExecEnv): Promise<Outcome> {
  const ddl = statementType(s) === "ddl";
  if (ddl) env.session.commit();
  for (;;) {
    try {
      const outcome = execute(s, env);
      if (ddl || s.kind === "commit") env.session.commit();
      if (s.kind === "rollback") env.session.rollback();
      return outcome;
    } catch (e) {
      if (!(e instanceof LockWait)) throw e;
      await env.session.wait(e);
    }
  }
}

/** Bind values for one statement: every named bind it uses, plus positional binds by first appearance. */
function bindsFor(st: ScriptStatement, specs: BindSpec[]): Map<string, Value> {
  const out = new Map<string, Value>();
  if (specs.length === 0) return out;
  const order = [...new Set(st.tokens.filter((t) => t.kind === "bind").map((t) => t.value))];
  for (const b of specs) {
    const name = b.name !== undefined ? b.name.replace(/^:/, "").toUpperCase() : b.index !== undefined ? order[b.index - 1] : undefined;
    if (name !== undefined && order.includes(name)) out.set(name, bindValue(b));
  }
  return out;
}

function bindValue(b: BindSpec): Value {
  const v = b.value;
  if (v === null || v === undefined || v === "") return null;
  const type = (b.data_type ?? "VARCHAR2").toUpperCase();
  if (type === "NUMBER" || type === "BINARY_DOUBLE" || type === "BINARY_FLOAT") return toNumber(v as Value);
  if (type === "DATE" || type.startsWith("TIMESTAMP")) return toDate(String(v));
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function page(rs: QueryResult, offset: number, limit: number): NonNullable<ResponseItem["resultSet"]> {
  const slice = rs.rows.slice(offset, offset + limit);
  const metadata = rs.columns.map((c) => ({
    columnName: c.name,
    jsonColumnName: c.name.toLowerCase(),
    columnTypeName: c.type,
    precision: c.precision,
    scale: c.scale,
    isNullable: (c.nullable ? 1 : 0) as 0 | 1,
  }));
  const items = slice.map((row) => {
    const o: Record<string, string | number | null> = {};
    row.forEach((v, i) => (o[metadata[i].jsonColumnName] = jsonValue(v, rs.columns[i].type)));
    return o;
  });
  return { metadata, items, hasMore: rs.rows.length > offset + limit, limit, offset, count: items.length };
}

/** ORDS renders DATE without fractions and TIMESTAMP with them, both in UTC with a Z. */
function jsonValue(v: Value, type: string): string | number | null {
  if (!(v instanceof Date)) return v;
  const iso = v.toISOString();
  return type === "DATE" ? iso.replace(/\.\d{3}Z$/, "Z") : iso;
}

/** The type of a statement that did not parse, from its first word (assumption: "other" when unknown). */
function guessType(st: ScriptStatement): string {
  if (st.plsql) return "plsql";
  const first = st.tokens[0]?.kind === "word" ? st.tokens[0].value : "";
  if (first === "SELECT" || first === "WITH") return "query";
  if (["INSERT", "UPDATE", "DELETE", "MERGE"].includes(first)) return "dml";
  if (["COMMIT", "ROLLBACK", "SAVEPOINT"].includes(first)) return "transaction-control";
  if (["CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "TRUNCATE", "RENAME", "COMMENT"].includes(first)) return "ddl";
  return "other";
}
