import type { Grantable, Op, RegistryRow } from "../plan/ops";
import { CHANGES_TABLE, REGISTRY_TABLE } from "../registry/table";
import { privilegeKeywords, quotedPassword, quoteIdentifier, SqlValueError, stringLiteral } from "./quote";

/** A rendered statement: `sql` is sent to the database, `display` is what reports, logs and audits show. */
export interface Statement {
  op: Op["op"];
  target: string;
  sql: string;
  display: string;
}

function grantable(g: Grantable): string {
  return g.kind === "role" ? quoteIdentifier(g.name) : privilegeKeywords(g.name);
}

function versionNumber(v: number): string {
  if (!Number.isSafeInteger(v) || v < 0) throw new SqlValueError(`registry version ${v} is not a whole number`);
  return String(v);
}

function registryValues(row: RegistryRow): Record<string, string> {
  return {
    DB_USERNAME: stringLiteral(row.dbUsername),
    IAM_USER_ID: stringLiteral(row.iamUserId),
    IAM_USER_NAME: stringLiteral(row.iamUserName),
    AUTH_MODE: stringLiteral(row.authMode),
    // Group names may hold "&": JSON's \u0026 keeps every literal free of it.
    MAPPED_GROUPS: stringLiteral(JSON.stringify(row.groups).replace(/&/g, "\\u0026")),
    STATUS: stringLiteral(row.status),
    VERSION: versionNumber(row.version),
  };
}

/**
 * Op → SQL. Scripts stop at the first failing statement (WHENEVER SQLERROR EXIT), so a registry write only
 * runs once every change before it in the same unit went through. Registry writes key on the database name
 * and the IAM user together.
 */
export function render(op: Op): Statement {
  const s = (target: string, sql: string, display = sql): Statement => ({ op: op.op, target, sql, display });
  switch (op.op) {
    case "claim":
      return s(
        op.user,
        `INSERT INTO ${CHANGES_TABLE} (DB_USERNAME, IAM_USER_ID, VERSION, CHANGED_AT) VALUES (${stringLiteral(op.user)}, ${stringLiteral(op.iamUserId)}, ${versionNumber(op.version)}, SYSTIMESTAMP)`,
      );
    case "bump":
      return s(
        op.user,
        `UPDATE ${REGISTRY_TABLE} SET VERSION = ${versionNumber(op.version)}, UPDATED_AT = SYSTIMESTAMP WHERE DB_USERNAME = ${stringLiteral(op.user)} AND IAM_USER_ID = ${stringLiteral(op.iamUserId)}`,
      );
    case "create_user": {
      const head = `CREATE USER ${quoteIdentifier(op.user)} IDENTIFIED`;
      if (op.auth.mode === "IAM") return s(op.user, `${head} GLOBALLY AS ${stringLiteral(`IAM_PRINCIPAL_NAME=${op.auth.principal}`)}`);
      return s(op.user, `${head} BY ${quotedPassword(op.auth.password)} PASSWORD EXPIRE`, `${head} BY "********" PASSWORD EXPIRE`);
    }
    case "lock":
      return s(op.user, `ALTER USER ${quoteIdentifier(op.user)} ACCOUNT LOCK`);
    case "unlock":
      return s(op.user, `ALTER USER ${quoteIdentifier(op.user)} ACCOUNT UNLOCK`);
    case "drop_user":
      return s(op.user, `DROP USER ${quoteIdentifier(op.user)}${op.cascade ? " CASCADE" : ""}`);
    case "grant":
      return s(op.user, `GRANT ${grantable(op.what)} TO ${quoteIdentifier(op.user)}`);
    case "revoke":
      return s(op.user, `REVOKE ${grantable(op.what)} FROM ${quoteIdentifier(op.user)}`);
    case "registry_insert": {
      const v = registryValues(op.row);
      return s(
        op.row.dbUsername,
        `INSERT INTO ${REGISTRY_TABLE} (${Object.keys(v).join(", ")}, CREATED_AT, UPDATED_AT) VALUES (${Object.values(v).join(", ")}, SYSTIMESTAMP, SYSTIMESTAMP)`,
      );
    }
    case "registry_update": {
      const v = registryValues(op.row);
      return s(
        op.row.dbUsername,
        `UPDATE ${REGISTRY_TABLE} SET IAM_USER_NAME = ${v.IAM_USER_NAME}, MAPPED_GROUPS = ${v.MAPPED_GROUPS}, STATUS = ${v.STATUS}, VERSION = ${v.VERSION}, UPDATED_AT = SYSTIMESTAMP WHERE DB_USERNAME = ${v.DB_USERNAME} AND IAM_USER_ID = ${v.IAM_USER_ID}`,
      );
    }
  }
}
