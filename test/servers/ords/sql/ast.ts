/** Parsed statements. Names are already resolved to their dictionary form (unquoted → upper case). */
export type Value = string | number | Date | null;

export interface ObjectName {
  owner?: string;
  name: string;
}

export type Expr =
  | { k: "lit"; v: Value }
  | { k: "bind"; name: string }
  | { k: "col"; name: string }
  | { k: "now" }
  | { k: "fn"; name: "UPPER" | "LOWER" | "TRIM" | "LENGTH"; arg: Expr }
  | { k: "count" }
  | { k: "neg"; e: Expr }
  | { k: "concat"; a: Expr; b: Expr }
  | { k: "arith"; op: "+" | "-"; a: Expr; b: Expr };

export type CmpOp = "=" | "<>" | "<" | ">" | "<=" | ">=";

export type Cond =
  | { k: "cmp"; op: CmpOp; a: Expr; b: Expr }
  | { k: "in"; e: Expr; list: Expr[]; not: boolean }
  | { k: "inSelect"; e: Expr; query: Select; not: boolean }
  | { k: "isNull"; e: Expr; not: boolean }
  | { k: "like"; e: Expr; pattern: Expr; escape?: Expr; not: boolean }
  | { k: "and" | "or"; a: Cond; b: Cond }
  | { k: "not"; c: Cond };

export interface SelectItem {
  expr: Expr;
  /** Column name in the result: the alias, the column, or the expression text upper-cased. */
  name: string;
}

export interface OrderTerm {
  /** A select-list position (1-based) or an expression. */
  by: number | Expr;
  desc: boolean;
  nullsFirst: boolean;
}

export interface Select {
  items: SelectItem[] | "*";
  from: ObjectName;
  where?: Cond;
  orderBy: OrderTerm[];
  offset?: Expr;
  fetch?: Expr;
  /** SELECT … FOR UPDATE [NOWAIT]: lock the matching rows until the transaction ends. */
  forUpdate?: { nowait: boolean };
}

export type UserOption =
  | { k: "password"; password: string }
  | { k: "global"; externalName: string }
  | { k: "expire" }
  | { k: "lock"; locked: boolean }
  | { k: "tablespace"; name: string }
  | { k: "quota"; tablespace: string }
  | { k: "profile"; name: string }
  /** NO AUTHENTICATION: a schema-only account nobody can log in to (reached through proxies such as ORDS). */
  | { k: "noAuth" };

/** A GRANT/REVOKE list item: a system privilege phrase ("CREATE SESSION") or a role name. */
export interface PrivilegeRef {
  name: string;
  /** Written as several words: can only be a system privilege. */
  phrase: boolean;
  /** Written as a quoted identifier: can only be a role. */
  quoted: boolean;
}

/** The object privileges the server models (on tables and views). */
export const OBJECT_PRIVILEGES = ["SELECT", "READ", "INSERT", "UPDATE", "DELETE"] as const;
export type ObjectPrivilege = (typeof OBJECT_PRIVILEGES)[number];

export type ColumnType = "VARCHAR2" | "CHAR" | "NUMBER" | "TIMESTAMP" | "DATE" | "CLOB";

export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** VARCHAR2/CHAR length, NUMBER precision. */
  size?: number;
  scale?: number;
  default?: Expr;
  notNull: boolean;
}

export interface ConstraintDef {
  name?: string;
  kind: "primary" | "unique" | "check";
  columns: string[];
  check?: Cond;
}

export type Statement =
  | { kind: "createUser"; name: string; options: UserOption[]; ifNotExists: boolean }
  | { kind: "alterUser"; name: string; options: UserOption[] }
  | { kind: "dropUser"; name: string; cascade: boolean; ifExists: boolean }
  | { kind: "createRole"; name: string; externalName?: string }
  | { kind: "dropRole"; name: string }
  | { kind: "grant"; privileges: PrivilegeRef[]; grantees: string[]; adminOption: boolean }
  | { kind: "revoke"; privileges: PrivilegeRef[]; grantees: string[] }
  | { kind: "createTable"; table: ObjectName; columns: ColumnDef[]; constraints: ConstraintDef[]; ifNotExists: boolean }
  | { kind: "dropTable"; table: ObjectName; ifExists: boolean }
  /** ALTER TABLE … ADD (columns and/or constraints), one DDL: all of it or nothing. */
  | { kind: "alterTableAdd"; table: ObjectName; columns: ColumnDef[]; constraints: ConstraintDef[] }
  | { kind: "insert"; table: ObjectName; columns?: string[]; values: Expr[] }
  | { kind: "update"; table: ObjectName; sets: Array<{ column: string; expr: Expr }>; where?: Cond }
  | { kind: "delete"; table: ObjectName; where?: Cond }
  | { kind: "select"; query: Select }
  | { kind: "createView"; view: ObjectName; orReplace: boolean; query: Select }
  | { kind: "dropView"; view: ObjectName }
  | { kind: "createSynonym"; synonym: ObjectName; isPublic: boolean; orReplace: boolean; target: ObjectName }
  | { kind: "dropSynonym"; synonym: ObjectName; isPublic: boolean }
  | { kind: "grantObject"; privileges: ObjectPrivilege[]; object: ObjectName; grantees: string[]; grantOption: boolean }
  | { kind: "revokeObject"; privileges: ObjectPrivilege[]; object: ObjectName; grantees: string[] }
  | { kind: "commit" }
  | { kind: "rollback" };

/** ORDS' `statementType` for each statement. */
export function statementType(s: Statement): "ddl" | "dml" | "query" | "transaction-control" {
  switch (s.kind) {
    case "select":
      return "query";
    case "insert":
    case "update":
    case "delete":
      return "dml";
    case "commit":
    case "rollback":
      return "transaction-control";
    default:
      return "ddl";
  }
}
