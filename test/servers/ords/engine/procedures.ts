import { OraError } from "../sql/ora-error";
import type { OrdsDatabase } from "./database";
import type { PlValue } from "./plsql";

export interface CallEnv {
  db: OrdsDatabase;
  user: string;
}

type Args = Array<{ name?: string; value: PlValue }>;

/** PLS-00201 as ORA-06550: what Oracle answers for a procedure the caller cannot see. */
function undeclared(name: string): OraError {
  return new OraError(6550, ["1", "1", name, `PLS-00201: identifier '${name}' must be declared`]);
}

/** Named arguments (positional ones in `order`), upper-cased names. */
function named(args: Args, order: string[]): Map<string, PlValue> {
  const out = new Map<string, PlValue>();
  args.forEach((a, i) => out.set(a.name ?? order[i] ?? `#${i}`, a.value));
  for (const k of out.keys()) if (!order.includes(k)) throw new OraError(6550, ["1", "1", k, `PLS-00306: wrong number or types of arguments in call`]);
  return out;
}

const ENABLE_SCHEMA_ARGS = ["P_ENABLED", "P_SCHEMA", "P_URL_MAPPING_TYPE", "P_URL_MAPPING_PATTERN", "P_AUTO_REST_AUTH"];

/**
 * The stored procedures the server knows: ORDS.ENABLE_SCHEMA (the caller's own schema) and
 * ORDS_ADMIN.ENABLE_SCHEMA (any schema; only for the administrator, others do not see the package).
 * Only BASE_PATH mappings are modelled; p_auto_rest_auth is accepted and not modelled (no AutoREST here).
 */
export function callProcedure(procedure: string, args: Args, env: CallEnv): void {
  const { db, user } = env;
  if (procedure !== "ORDS.ENABLE_SCHEMA" && !(procedure === "ORDS_ADMIN.ENABLE_SCHEMA" && db.isAdmin(user))) throw undeclared(procedure);
  const a = named(args, ENABLE_SCHEMA_ARGS);
  const schema = procedure === "ORDS.ENABLE_SCHEMA" ? String(a.get("P_SCHEMA") ?? user) : a.get("P_SCHEMA");
  if (typeof schema !== "string" || schema === "") throw new OraError(20000, ["ORDS: p_schema must not be null"]);
  if (procedure === "ORDS.ENABLE_SCHEMA" && schema !== user && !db.isAdmin(user)) throw new OraError(1031);
  const type = String(a.get("P_URL_MAPPING_TYPE") ?? "BASE_PATH").toUpperCase();
  if (type !== "BASE_PATH") throw new OraError(3001);
  const pattern = String(a.get("P_URL_MAPPING_PATTERN") ?? schema.toLowerCase());
  if (!/^[A-Za-z0-9_-]+$/.test(pattern)) throw new OraError(20000, [`ORDS: invalid URL mapping pattern '${pattern}'`]);
  db.enableRest(schema, a.get("P_ENABLED") !== false, pattern);
}
