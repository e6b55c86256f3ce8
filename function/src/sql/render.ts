import type { Grantable, Op, RegistryRow } from "../plan/ops";
import { REGISTRY_TABLE } from "../registry/table";
import { privilegeKeywords, quotedPassword, quoteIdentifier, stringLiteral } from "./quote";

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

function registryValues(row: RegistryRow): Record<string, string> {
  return {
    DB_USERNAME: stringLiteral(row.dbUsername),
    IAM_USER_ID: stringLiteral(row.iamUserId),
    IAM_USER_NAME: stringLiteral(row.iamUserName),
    AUTH_MODE: stringLiteral(row.authMode),
    MAPPED_GROUPS: stringLiteral(JSON.stringify(row.groups)),
    STATUS: stringLiteral(row.status),
  };
}

/**
 * Op → SQL. A script keeps running after a failing statement, so registry writes carry their own guard:
 * the update only lands if the account exists, the delete only once it is gone.
 */
export function render(op: Op): Statement {
  const s = (target: string, sql: string, display = sql): Statement => ({ op: op.op, target, sql, display });
  switch (op.op) {
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
        `UPDATE ${REGISTRY_TABLE} SET IAM_USER_NAME = ${v.IAM_USER_NAME}, MAPPED_GROUPS = ${v.MAPPED_GROUPS}, STATUS = ${v.STATUS}, UPDATED_AT = SYSTIMESTAMP WHERE DB_USERNAME = ${v.DB_USERNAME} AND DB_USERNAME IN (SELECT USERNAME FROM DBA_USERS)`,
      );
    }
    case "registry_delete":
      return s(
        op.user,
        `DELETE FROM ${REGISTRY_TABLE} WHERE DB_USERNAME = ${stringLiteral(op.user)} AND DB_USERNAME NOT IN (SELECT USERNAME FROM DBA_USERS)`,
      );
  }
}
