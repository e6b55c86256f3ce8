import type { ColumnType, Value } from "../sql/ast";
import type { DbObject, OrdsDatabase, OrdsRole, OrdsUser } from "./database";
import type { Row } from "./eval";
import type { ColumnMeta, Relation } from "./relation";

/**
 * The read-only dictionary views, computed from the live state on every read (no copies to keep in step).
 * Views keyed by user name answer `WHERE <key> = …` through the database's Maps instead of a scan.
 */
export function dictionaryViews(db: OrdsDatabase): Map<string, Relation> {
  const views: Relation[] = [
    view("DBA_USERS", [col("USERNAME", "VARCHAR2", 128, false), col("USER_ID", "NUMBER", 0, false), col("ACCOUNT_STATUS", "VARCHAR2", 32, false),
      col("AUTHENTICATION_TYPE", "VARCHAR2", 8), col("EXTERNAL_NAME", "VARCHAR2", 4000), col("DEFAULT_TABLESPACE", "VARCHAR2", 30, false), col("PROFILE", "VARCHAR2", 128, false),
      col("CREATED", "DATE", 0, false), col("ORACLE_MAINTAINED", "VARCHAR2", 1)],
    () => mapIter(db.users(), dbaUserRow), {
      USERNAME: (v) => one(typeof v === "string" ? db.user(v) : undefined, dbaUserRow),
    }),
    view("ALL_USERS", [col("USERNAME", "VARCHAR2", 128, false), col("USER_ID", "NUMBER", 0, false), col("CREATED", "DATE", 0, false),
      col("ORACLE_MAINTAINED", "VARCHAR2", 1)],
    () => mapIter(db.users(), allUserRow), {
      USERNAME: (v) => one(typeof v === "string" ? db.user(v) : undefined, allUserRow),
    }),
    view("DBA_ROLES", [col("ROLE", "VARCHAR2", 128), col("AUTHENTICATION_TYPE", "VARCHAR2", 11), col("EXTERNAL_NAME", "VARCHAR2", 4000), col("ORACLE_MAINTAINED", "VARCHAR2", 1)],
    () => mapIter(db.roles(), dbaRoleRow), {
      ROLE: (v) => one(typeof v === "string" ? db.role(v) : undefined, dbaRoleRow),
    }),
    view("DBA_ROLE_PRIVS", [col("GRANTEE", "VARCHAR2", 128), col("GRANTED_ROLE", "VARCHAR2", 128, false), col("ADMIN_OPTION", "VARCHAR2", 3), col("DEFAULT_ROLE", "VARCHAR2", 3)],
    () => mapIter(db.roleGrantRows(), (g) => rolePrivRow(g.grantee, g.role, g.adminOption)), {
      GRANTEE: (v) => (typeof v === "string" ? [...(db.roleGrantsOf(v) ?? new Map<string, boolean>())].map(([role, admin]) => rolePrivRow(v, role, admin)) : []),
    }),
    view("DBA_SYS_PRIVS", [col("GRANTEE", "VARCHAR2", 128), col("PRIVILEGE", "VARCHAR2", 40), col("ADMIN_OPTION", "VARCHAR2", 3)],
    () => mapIter(db.sysPrivRows(), (g) => sysPrivRow(g.grantee, g.privilege, g.adminOption)), {
      GRANTEE: (v) => (typeof v === "string" ? [...(db.sysPrivGrantsOf(v) ?? new Map<string, boolean>())].map(([p, admin]) => sysPrivRow(v, p, admin)) : []),
    }),
    // Grants to roles only (Oracle's ROLE_* views; ADMIN's SELECT ANY DICTIONARY shows every role's).
    view("ROLE_ROLE_PRIVS", [col("ROLE", "VARCHAR2", 128), col("GRANTED_ROLE", "VARCHAR2", 128), col("ADMIN_OPTION", "VARCHAR2", 3), col("COMMON", "VARCHAR2", 3), col("INHERITED", "VARCHAR2", 3)],
    () => filterIter(db.roleGrantRows(), (g) => db.role(g.grantee) !== undefined, (g) => roleRolePrivRow(g.grantee, g.role, g.adminOption, db)), {
      ROLE: (v) => (typeof v === "string" && db.role(v) ? [...(db.roleGrantsOf(v) ?? new Map<string, boolean>())].map(([role, admin]) => roleRolePrivRow(v, role, admin, db)) : []),
    }),
    view("ROLE_SYS_PRIVS", [col("ROLE", "VARCHAR2", 128), col("PRIVILEGE", "VARCHAR2", 40), col("ADMIN_OPTION", "VARCHAR2", 3), col("COMMON", "VARCHAR2", 3), col("INHERITED", "VARCHAR2", 3)],
    () => filterIter(db.sysPrivRows(), (g) => db.role(g.grantee) !== undefined, (g) => roleSysPrivRow(g.grantee, g.privilege, g.adminOption, db)), {
      ROLE: (v) => (typeof v === "string" && db.role(v) ? [...(db.sysPrivGrantsOf(v) ?? new Map<string, boolean>())].map(([p, admin]) => roleSysPrivRow(v, p, admin, db)) : []),
    }),
    view("DBA_OBJECTS", [col("OWNER", "VARCHAR2", 128), col("OBJECT_NAME", "VARCHAR2", 128), col("OBJECT_ID", "NUMBER", 0), col("OBJECT_TYPE", "VARCHAR2", 23), col("CREATED", "DATE", 0, false), col("STATUS", "VARCHAR2", 7)],
    () => mapIter(db.allObjects(), objectRow), {
      OWNER: (v) => (typeof v === "string" ? db.objectsOf(v).map(objectRow) : []),
    }),
    // The REST-enabled schema's own tables (USER_* views answer for the session user, who is that schema).
    // NOT NULL constraints are not listed in USER_CONSTRAINTS here (Oracle lists them as type C).
    view("USER_TABLES", [col("TABLE_NAME", "VARCHAR2", 128, false)], () => mapIter(db.tablesOf(db.schema), (t) => ({ TABLE_NAME: t.name }))),
    view("USER_TAB_COLUMNS", [col("TABLE_NAME", "VARCHAR2", 128, false), col("COLUMN_NAME", "VARCHAR2", 128, false), col("DATA_TYPE", "VARCHAR2", 128),
      col("DATA_LENGTH", "NUMBER", 0, false), col("NULLABLE", "VARCHAR2", 1), col("COLUMN_ID", "NUMBER", 0)],
    () => flatIter(db.tablesOf(db.schema), (t) => t.columns.map((c, i) => ({
      TABLE_NAME: t.name, COLUMN_NAME: c.name, DATA_TYPE: c.type, DATA_LENGTH: c.type === "NUMBER" ? 22 : c.precision, NULLABLE: yn(c.nullable), COLUMN_ID: i + 1,
    })))),
    view("USER_CONSTRAINTS", [col("CONSTRAINT_NAME", "VARCHAR2", 128), col("CONSTRAINT_TYPE", "VARCHAR2", 1), col("TABLE_NAME", "VARCHAR2", 128, false), col("STATUS", "VARCHAR2", 8)],
    () => flatIter(db.tablesOf(db.schema), (t) => t.constraints.map((c) => ({ CONSTRAINT_NAME: c.name, CONSTRAINT_TYPE: CONSTRAINT_TYPES[c.kind], TABLE_NAME: t.name, STATUS: "ENABLED" })))),
    view("USER_CONS_COLUMNS", [col("OWNER", "VARCHAR2", 128, false), col("CONSTRAINT_NAME", "VARCHAR2", 128, false), col("TABLE_NAME", "VARCHAR2", 128, false),
      col("COLUMN_NAME", "VARCHAR2", 4000), col("POSITION", "NUMBER", 0)],
    () => flatIter(db.tablesOf(db.schema), (t) => t.constraints.flatMap((c) => c.columns.map((name, i) => ({
      OWNER: t.owner, CONSTRAINT_NAME: c.name, TABLE_NAME: t.name, COLUMN_NAME: name, POSITION: c.kind === "check" ? null : i + 1,
    }))))),
    view("DBA_TAB_PRIVS", [col("GRANTEE", "VARCHAR2", 128), col("OWNER", "VARCHAR2", 128), col("TABLE_NAME", "VARCHAR2", 128), col("GRANTOR", "VARCHAR2", 128),
      col("PRIVILEGE", "VARCHAR2", 40), col("GRANTABLE", "VARCHAR2", 3)],
    () => mapIter(db.objects.allGrants(), (g) => ({ GRANTEE: g.grantee, OWNER: g.owner, TABLE_NAME: g.object, GRANTOR: g.grantor, PRIVILEGE: g.privilege, GRANTABLE: g.grantable ? "YES" : "NO" }))),
    view("DBA_SYNONYMS", [col("OWNER", "VARCHAR2", 128), col("SYNONYM_NAME", "VARCHAR2", 128), col("TABLE_OWNER", "VARCHAR2", 128), col("TABLE_NAME", "VARCHAR2", 128)],
    () => mapIter(db.objects.allSynonyms(), (s) => ({ OWNER: s.owner, SYNONYM_NAME: s.name, TABLE_OWNER: s.target.owner, TABLE_NAME: s.target.name }))),
    view("DUAL", [col("DUMMY", "VARCHAR2", 1)], () => [{ DUMMY: "X" }]),
  ];
  return new Map(views.map((v) => [v.name, v]));
}

type Index = Record<string, (v: Value) => Row[]>;

function view(name: string, columns: ColumnMeta[], rows: () => Iterable<Row>, index: Index = {}): Relation {
  return {
    owner: "SYS",
    name,
    columns,
    rows,
    lookup: (column, value) => index[column]?.(value),
  };
}

function col(name: string, type: ColumnType, precision: number, nullable = true): ColumnMeta {
  return { name, type, precision, scale: 0, nullable };
}

function* mapIter<T>(it: Iterable<T>, f: (t: T) => Row): IterableIterator<Row> {
  for (const t of it) yield f(t);
}

function* flatIter<T>(it: Iterable<T>, f: (t: T) => Row[]): IterableIterator<Row> {
  for (const t of it) yield* f(t);
}

const CONSTRAINT_TYPES = { primary: "P", unique: "U", check: "C" } as const;

function* filterIter<T>(it: Iterable<T>, keep: (t: T) => boolean, f: (t: T) => Row): IterableIterator<Row> {
  for (const t of it) if (keep(t)) yield f(t);
}

function one<T>(t: T | undefined, f: (t: T) => Row): Row[] {
  return t === undefined ? [] : [f(t)];
}

const yn = (b: boolean) => (b ? "Y" : "N");

function dbaUserRow(u: OrdsUser): Row {
  return {
    USERNAME: u.username,
    USER_ID: u.userId,
    ACCOUNT_STATUS: u.accountStatus,
    AUTHENTICATION_TYPE: u.authenticationType,
    EXTERNAL_NAME: u.externalName,
    DEFAULT_TABLESPACE: u.defaultTablespace,
    PROFILE: u.profile,
    CREATED: u.created,
    ORACLE_MAINTAINED: yn(u.oracleMaintained),
  };
}

function dbaRoleRow(r: OrdsRole): Row {
  return { ROLE: r.role, AUTHENTICATION_TYPE: r.externalName === null ? "NONE" : "GLOBAL", EXTERNAL_NAME: r.externalName, ORACLE_MAINTAINED: yn(r.oracleMaintained) };
}

function allUserRow(u: OrdsUser): Row {
  return { USERNAME: u.username, USER_ID: u.userId, CREATED: u.created, ORACLE_MAINTAINED: yn(u.oracleMaintained) };
}

function rolePrivRow(grantee: string, role: string, admin: boolean): Row {
  return { GRANTEE: grantee, GRANTED_ROLE: role, ADMIN_OPTION: admin ? "YES" : "NO", DEFAULT_ROLE: "YES" };
}

function sysPrivRow(grantee: string, privilege: string, admin: boolean): Row {
  return { GRANTEE: grantee, PRIVILEGE: privilege, ADMIN_OPTION: admin ? "YES" : "NO" };
}

/** COMMON/INHERITED: grants among Oracle-maintained roles come from the root container, as in a PDB. */
function common(role: string, db: OrdsDatabase): string {
  return db.role(role)?.oracleMaintained ? "YES" : "NO";
}

function roleRolePrivRow(role: string, granted: string, admin: boolean, db: OrdsDatabase): Row {
  return { ROLE: role, GRANTED_ROLE: granted, ADMIN_OPTION: admin ? "YES" : "NO", COMMON: common(role, db), INHERITED: common(role, db) };
}

function roleSysPrivRow(role: string, privilege: string, admin: boolean, db: OrdsDatabase): Row {
  return { ROLE: role, PRIVILEGE: privilege, ADMIN_OPTION: admin ? "YES" : "NO", COMMON: common(role, db), INHERITED: common(role, db) };
}

function objectRow(o: DbObject): Row {
  return { OWNER: o.owner, OBJECT_NAME: o.name, OBJECT_ID: o.objectId, OBJECT_TYPE: o.type, CREATED: o.created, STATUS: "VALID" };
}
