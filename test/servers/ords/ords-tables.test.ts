import { startOrdsServer, type OrdsServer } from "./index";
import { one, rows, sql } from "./test-client";

/** The registry table as the README's database contract describes it. */
const REGISTRY = `create table iam_adb_sync_accounts (
  db_username   varchar2(128) primary key,
  iam_user_id   varchar2(255) not null constraint iam_adb_sync_accounts_uk unique,
  iam_user_name varchar2(255),
  auth_mode     varchar2(8) not null check (auth_mode in ('IAM', 'PASSWORD')),
  mapped_groups clob default '[]',
  status        varchar2(8) default 'OPEN' not null,
  created_at    timestamp with time zone default systimestamp not null,
  updated_at    timestamp with time zone
)`;

describe("ORDS server: tables, DML and queries", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer();
    expect((await one(server, REGISTRY)).errorCode).toBeUndefined();
  });
  afterEach(() => server.close());

  const insert = (user: string, ocid: string, mode = "IAM") =>
    one(server, {
      statementText: "insert into iam_adb_sync_accounts (db_username, iam_user_id, iam_user_name, auth_mode) values (:u, :id, :n, :m)",
      binds: [
        { name: "u", data_type: "VARCHAR2", value: user },
        { name: "id", data_type: "VARCHAR2", value: ocid },
        { name: "n", data_type: "VARCHAR2", value: `${user.toLowerCase()}@example.com` },
        { name: "m", data_type: "VARCHAR2", value: mode },
      ],
    });

  it("creates the table as an ADMIN object; a second CREATE is ORA-00955, IF NOT EXISTS is quiet", async () => {
    expect(server.db.objectsOf("ADMIN").map((o) => [o.name, o.type])).toEqual([["IAM_ADB_SYNC_ACCOUNTS", "TABLE"]]);
    expect(await one(server, REGISTRY)).toMatchObject({ errorCode: 955, errorDetails: "ORA-00955: name is already used by an existing object" });
    expect((await one(server, REGISTRY.replace("create table", "create table if not exists"))).errorCode).toBeUndefined();
  });

  it("rejects bad table definitions: unknown type, duplicate column, two primary keys", async () => {
    expect((await one(server, "create table t1 (a blobby)")).errorCode).toBe(902);
    expect((await one(server, "create table t1 (a number, a number)")).errorCode).toBe(957);
    expect((await one(server, "create table t1 (a number primary key, b number primary key)")).errorCode).toBe(2260);
    expect((await one(server, "create table t1 (a varchar2)")).errorCode).toBe(906);
    expect(server.db.table("T1")).toBeUndefined();
  });

  it("inserts with defaults (SYSTIMESTAMP, literals) and reads rows back typed", async () => {
    const before = Date.now();
    const item = await insert("JDOE", "ocid1.user.oc1..jdoe");
    expect(item).toMatchObject({ statementType: "dml", result: 1, response: ["\n1 row created.\n\n"] });
    const [row] = server.db.tableRows("IAM_ADB_SYNC_ACCOUNTS");
    expect(row).toMatchObject({ DB_USERNAME: "JDOE", AUTH_MODE: "IAM", MAPPED_GROUPS: "[]", STATUS: "OPEN", UPDATED_AT: null });
    expect((row.CREATED_AT as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const [json] = await rows(server, "select db_username, created_at, updated_at from iam_adb_sync_accounts");
    expect(json).toEqual({ db_username: "JDOE", created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), updated_at: null });
  });

  it("ORA-00001 (named and system constraints), ORA-01400, ORA-02290, ORA-12899, ORA-00904, ORA-00942", async () => {
    await insert("JDOE", "ocid1.user.oc1..jdoe");
    expect(await insert("JDOE", "ocid1.user.oc1..other")).toMatchObject({ errorCode: 1, errorDetails: expect.stringMatching(/^ORA-00001: unique constraint \(ADMIN\.SYS_C\d+\) violated$/) });
    expect(await insert("OTHER", "ocid1.user.oc1..jdoe")).toMatchObject({ errorCode: 1, errorDetails: "ORA-00001: unique constraint (ADMIN.IAM_ADB_SYNC_ACCOUNTS_UK) violated" });
    expect(await one(server, "insert into iam_adb_sync_accounts (db_username, auth_mode) values ('X', 'IAM')")).toMatchObject({
      errorCode: 1400,
      errorDetails: 'ORA-01400: cannot insert NULL into ("ADMIN"."IAM_ADB_SYNC_ACCOUNTS"."IAM_USER_ID")',
    });
    expect((await insert("Y", "ocid1.user.oc1..y", "LDAP")).errorCode).toBe(2290);
    expect(await insert("Z".repeat(129), "ocid1.user.oc1..z")).toMatchObject({
      errorCode: 12899,
      errorDetails: 'ORA-12899: value too large for column "ADMIN"."IAM_ADB_SYNC_ACCOUNTS"."DB_USERNAME" (actual: 129, maximum: 128)',
    });
    expect((await one(server, "insert into iam_adb_sync_accounts (nope) values (1)")).errorCode).toBe(904);
    expect((await one(server, "insert into iam_adb_sync_accounts (db_username) values (1, 2)")).errorCode).toBe(913);
    expect((await one(server, "insert into missing_table (a) values (1)")).errorCode).toBe(942);
    expect(server.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")).toHaveLength(1);
  });

  it("UPDATE with expressions and WHERE; a violating UPDATE changes no row", async () => {
    await insert("A1", "ocid.a1");
    await insert("A2", "ocid.a2");
    await insert("B1", "ocid.b1", "PASSWORD");
    const upd = await one(server, "update iam_adb_sync_accounts set status = 'LOCKED', updated_at = systimestamp where db_username like 'A%'");
    expect(upd).toMatchObject({ result: 2, response: ["\n2 rows updated.\n\n"] });
    expect(await rows(server, "select db_username from iam_adb_sync_accounts where status = 'LOCKED' and updated_at is not null order by 1")).toEqual([
      { db_username: "A1" },
      { db_username: "A2" },
    ]);
    expect((await one(server, "update iam_adb_sync_accounts set iam_user_id = 'same'")).errorCode).toBe(1);
    expect((await one(server, "update iam_adb_sync_accounts set iam_user_id = null where db_username = 'A1'")).errorCode).toBe(1407);
    expect((await one(server, "update iam_adb_sync_accounts set nope = 1")).errorCode).toBe(904);
    expect(server.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").map((r) => r.IAM_USER_ID)).toEqual(["ocid.a1", "ocid.a2", "ocid.b1"]);
    expect((await one(server, "update iam_adb_sync_accounts set status = 'OPEN' where db_username = 'NONE'")).result).toBe(0);
  });

  it("DELETE with WHERE, and DML on a dictionary view is ORA-01031", async () => {
    await insert("A1", "ocid.a1");
    await insert("A2", "ocid.a2");
    expect(await one(server, "delete from iam_adb_sync_accounts where iam_user_id = 'ocid.a1'")).toMatchObject({ result: 1, response: ["\n1 row deleted.\n\n"] });
    expect(server.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").map((r) => r.DB_USERNAME)).toEqual(["A2"]);
    expect((await one(server, "update dba_users set account_status = 'OPEN'")).errorCode).toBe(1031);
    expect((await one(server, "delete iam_adb_sync_accounts")).result).toBe(1);
  });

  it("WHERE: comparisons, IN lists, IN (SELECT …), IS [NOT] NULL, LIKE, NOT, OR and parentheses, three-valued logic", async () => {
    await insert("A1", "ocid.a1");
    await insert("A2", "ocid.a2", "PASSWORD");
    await insert("B1", "ocid.b1");
    await sql(server, "update iam_adb_sync_accounts set iam_user_name = null where db_username = 'B1'");
    const names = async (where: string) =>
      (await rows(server, `select db_username from iam_adb_sync_accounts where ${where} order by db_username`)).map((r) => r.db_username);
    expect(await names("db_username in ('A1', 'B1')")).toEqual(["A1", "B1"]);
    expect(await names("db_username not in ('A1', 'B1')")).toEqual(["A2"]);
    expect(await names("iam_user_name is null")).toEqual(["B1"]);
    expect(await names("iam_user_name like 'a%@example.com'")).toEqual(["A1", "A2"]);
    expect(await names("iam_user_name <> 'a1@example.com'")).toEqual(["A2"]);
    expect(await names("not (auth_mode = 'IAM' or db_username = 'B1')")).toEqual(["A2"]);
    expect(await names("(auth_mode = 'IAM' and db_username >= 'B') or db_username = 'A2'")).toEqual(["A2", "B1"]);
    expect(await names("db_username != 'A1' and iam_user_name != 'x'")).toEqual(["A2"]);
    expect(await names("upper(iam_user_name) = 'A1@EXAMPLE.COM'")).toEqual(["A1"]);
    expect(await names("db_username not in ('A1', null)")).toEqual([]);
    server.db.createUser("A1");
    server.db.createUser("B1", { locked: true });
    expect(await names("db_username in (select username from dba_users where account_status = 'OPEN')")).toEqual(["A1"]);
    expect(await names("db_username not in (select username from dba_users)")).toEqual(["A2"]);
  });

  it("ORDER BY column/alias/position with DESC and NULLS, OFFSET … FETCH NEXT, COUNT(*)", async () => {
    for (const [u, id] of [["C", "3"], ["A", "1"], ["B", "2"]]) await insert(u, `ocid.${id}`);
    await sql(server, "update iam_adb_sync_accounts set iam_user_name = null where db_username = 'B'");
    const q = async (text: string) => (await rows(server, text)).map((r) => Object.values(r)[0]);
    expect(await q("select db_username from iam_adb_sync_accounts order by db_username desc")).toEqual(["C", "B", "A"]);
    expect(await q("select db_username u from iam_adb_sync_accounts order by u")).toEqual(["A", "B", "C"]);
    expect(await q("select db_username, iam_user_name from iam_adb_sync_accounts order by 2")).toEqual(["A", "C", "B"]);
    expect(await q("select db_username, iam_user_name from iam_adb_sync_accounts order by iam_user_name nulls first")).toEqual(["B", "A", "C"]);
    expect(await q("select db_username from iam_adb_sync_accounts order by db_username offset 1 rows fetch next 1 rows only")).toEqual(["B"]);
    expect(await rows(server, "select count(*) as n from iam_adb_sync_accounts where auth_mode = 'IAM'")).toEqual([{ n: 3 }]);
    expect((await one(server, "select db_username, count(*) from iam_adb_sync_accounts")).errorCode).toBe(937);
    expect((await one(server, "select db_username from iam_adb_sync_accounts order by 5")).errorCode).toBe(1785);
  });

  it("DROP TABLE: ORA-00942 when missing; IF EXISTS is quiet", async () => {
    expect(await one(server, "drop table iam_adb_sync_accounts purge")).toMatchObject({ response: ["\nTable dropped.\n\n"] });
    expect(server.db.table("IAM_ADB_SYNC_ACCOUNTS")).toBeUndefined();
    expect((await one(server, "drop table iam_adb_sync_accounts")).errorCode).toBe(942);
    expect((await one(server, "drop table if exists iam_adb_sync_accounts")).errorCode).toBeUndefined();
  });
});

describe("ORDS server: dictionary views", () => {
  let server: OrdsServer;
  beforeAll(async () => {
    server = await startOrdsServer({
      seed: (db) => {
        db.createUser("JDOE", { externalName: "IAM_PRINCIPAL_NAME=jdoe" });
        db.createUser("LEGACY_APP", { locked: true, expired: true });
        db.createRole("APP_READER");
        db.grant("JDOE", "APP_READER", "CREATE SESSION");
        db.addObjects("LEGACY_APP", 2, "VIEW");
      },
    });
  });
  afterAll(() => server.close());

  it("DBA_USERS", async () => {
    expect(await rows(server, "select username, account_status, authentication_type, external_name, oracle_maintained from dba_users where username in ('JDOE', 'LEGACY_APP', 'SYS') order by username")).toEqual([
      { username: "JDOE", account_status: "OPEN", authentication_type: "GLOBAL", external_name: "IAM_PRINCIPAL_NAME=jdoe", oracle_maintained: "N" },
      { username: "LEGACY_APP", account_status: "EXPIRED & LOCKED", authentication_type: "PASSWORD", external_name: null, oracle_maintained: "N" },
      { username: "SYS", account_status: "OPEN", authentication_type: "PASSWORD", external_name: null, oracle_maintained: "Y" },
    ]);
    expect(await rows(server, "select username from sys.dba_users where oracle_maintained = 'N' and username <> 'ADMIN' order by username")).toEqual([
      { username: "JDOE" },
      { username: "LEGACY_APP" },
    ]);
  });

  it("DBA_ROLES, DBA_ROLE_PRIVS, DBA_SYS_PRIVS, DBA_OBJECTS, ALL_USERS", async () => {
    expect(await rows(server, "select role, oracle_maintained from dba_roles where role in ('APP_READER', 'DBA') order by role")).toEqual([
      { role: "APP_READER", oracle_maintained: "N" },
      { role: "DBA", oracle_maintained: "Y" },
    ]);
    expect(await rows(server, "select granted_role from dba_role_privs where grantee = 'JDOE'")).toEqual([{ granted_role: "APP_READER" }]);
    expect(await rows(server, "select grantee from dba_role_privs where granted_role = 'APP_READER'")).toEqual([{ grantee: "JDOE" }]);
    expect(await rows(server, "select privilege from dba_sys_privs where grantee = 'JDOE'")).toEqual([{ privilege: "CREATE SESSION" }]);
    expect(await rows(server, "select object_name, object_type from dba_objects where owner = 'LEGACY_APP' order by object_name")).toEqual([
      { object_name: "OBJ_1", object_type: "VIEW" },
      { object_name: "OBJ_2", object_type: "VIEW" },
    ]);
    expect(await rows(server, "select count(*) from dba_objects where owner = 'JDOE'")).toEqual([{ "count(*)": 0 }]);
    expect(await rows(server, "select username from all_users where username = 'JDOE'")).toEqual([{ username: "JDOE" }]);
  });

  it("views are read-only and unknown views are ORA-00942", async () => {
    expect((await one(server, "insert into dba_roles (role) values ('X')")).errorCode).toBe(1031);
    expect((await one(server, "select * from dba_nothing")).errorCode).toBe(942);
  });
});

describe("ORDS server: ALTER TABLE … ADD (registry migrations)", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer();
    expect((await one(server, REGISTRY)).errorCode).toBeUndefined();
  });
  afterEach(() => server.close());

  const insert = (user: string, ocid: string) =>
    one(server, {
      statementText: "insert into iam_adb_sync_accounts (db_username, iam_user_id, iam_user_name, auth_mode) values (:u, :id, :u, 'IAM')",
      binds: [
        { name: "u", data_type: "VARCHAR2", value: user },
        { name: "id", data_type: "VARCHAR2", value: ocid },
      ],
    });

  it("ALTER TABLE … ADD: a column with a DEFAULT fills existing rows; ORA-01430 / ORA-01758 / ORA-00054 change nothing", async () => {
    await insert("JDOE", "ocid1.user.oc1..jdoe");
    const added = await one(server, "alter table iam_adb_sync_accounts add (version number default 0 not null)");
    expect(added).toMatchObject({ statementType: "ddl", response: ["\nTable altered.\n\n"] });
    expect(server.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")).toEqual([expect.objectContaining({ DB_USERNAME: "JDOE", VERSION: 0 })]);
    expect(await one(server, "alter table iam_adb_sync_accounts add version number")).toMatchObject({ errorCode: 1430, errorDetails: "ORA-01430: column being added already exists in table" });
    expect(await one(server, "alter table iam_adb_sync_accounts add (note varchar2(10) not null)")).toMatchObject({ errorCode: 1758 });
    expect((await one(server, "alter table iam_adb_sync_accounts add (a number, b number, a number)")).errorCode).toBe(957);
    expect((await one(server, "alter table nowhere add (a number)")).errorCode).toBe(942);
    expect(server.db.table("IAM_ADB_SYNC_ACCOUNTS")?.columns.map((c) => c.name)).not.toContain("NOTE");
    // Another session holds a row: DDL cannot lock the table (Oracle's DDL_LOCK_TIMEOUT defaults to 0).
    const holder = sql(server, "update iam_adb_sync_accounts set status = 'LOCKED';\nselect * from dual;\nselect * from dual;\nselect * from dual");
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    const busy = await one(server, "alter table iam_adb_sync_accounts add (extra number)");
    await holder;
    expect(busy).toMatchObject({ errorCode: 54 });
    expect(server.db.table("IAM_ADB_SYNC_ACCOUNTS")?.columns.map((c) => c.name)).not.toContain("EXTRA");
  });

  it("ALTER TABLE … ADD CONSTRAINT: validated against the rows (ORA-02299, ORA-02437, ORA-01449), ORA-02261 for a key that exists, ORA-02264 for a name in use", async () => {
    expect((await one(server, "create table legacy (db_username varchar2(128), iam_user_id varchar2(255))")).errorCode).toBeUndefined();
    const put = (u: string | null, id: string) =>
      one(server, { statementText: "insert into legacy values (:u, :id)", binds: [{ name: "u", data_type: "VARCHAR2", value: u }, { name: "id", data_type: "VARCHAR2", value: id }] });
    await put("A", "ocid1.user.oc1..a");
    await put("B", "ocid1.user.oc1..a");
    expect(await one(server, "alter table legacy add constraint legacy_uk unique (iam_user_id)")).toMatchObject({ errorCode: 2299, errorDetails: "ORA-02299: cannot validate (ADMIN.LEGACY_UK) - duplicate keys found" });
    await one(server, "update legacy set iam_user_id = 'ocid1.user.oc1..b' where db_username = 'B'");
    expect((await one(server, "alter table legacy add constraint legacy_uk unique (iam_user_id)")).errorCode).toBeUndefined();
    expect((await put("C", "ocid1.user.oc1..b")).errorCode).toBe(1);
    expect((await one(server, "alter table legacy add unique (iam_user_id)")).errorCode).toBe(2261);
    expect((await one(server, "alter table legacy add constraint legacy_uk primary key (db_username)")).errorCode).toBe(2264);
    await put(null, "ocid1.user.oc1..c");
    expect((await one(server, "alter table legacy add primary key (db_username)")).errorCode).toBe(1449);
    await one(server, "delete from legacy where db_username is null");
    await put("A", "ocid1.user.oc1..d");
    expect((await one(server, "alter table legacy add constraint legacy_pk primary key (db_username)")).errorCode).toBe(2437);
    await one(server, "delete from legacy where iam_user_id = 'ocid1.user.oc1..d'");
    expect((await one(server, "alter table legacy add constraint legacy_pk primary key (db_username)")).errorCode).toBeUndefined();
    expect((await one(server, "alter table legacy add primary key (iam_user_id)")).errorCode).toBe(2260);
    expect(await rows(server, "select constraint_name, constraint_type from user_constraints where table_name = 'LEGACY' order by 1")).toEqual([
      { constraint_name: "LEGACY_PK", constraint_type: "P" },
      { constraint_name: "LEGACY_UK", constraint_type: "U" },
    ]);
    expect(await rows(server, "select constraint_name, column_name, position from user_cons_columns where table_name = 'LEGACY' order by 1")).toEqual([
      { constraint_name: "LEGACY_PK", column_name: "DB_USERNAME", position: 1 },
      { constraint_name: "LEGACY_UK", column_name: "IAM_USER_ID", position: 1 },
    ]);
    expect(await rows(server, "select column_name, data_type, nullable from user_tab_columns where table_name = 'LEGACY' order by column_id")).toEqual([
      { column_name: "DB_USERNAME", data_type: "VARCHAR2", nullable: "N" },
      { column_name: "IAM_USER_ID", data_type: "VARCHAR2", nullable: "Y" },
    ]);
  });
});
