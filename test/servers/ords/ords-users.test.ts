import { startOrdsServer, type OrdsServer } from "./index";
import { one, rows, sql } from "./test-client";

const PW = "Str0ng-Passw0rd";

describe("ORDS server: users, roles and grants", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer();
  });
  afterEach(() => server.close());

  const error = async (statement: string) => {
    const item = await one(server, statement);
    return { code: item.errorCode, details: item.errorDetails };
  };

  it("starts with a realistic dictionary", () => {
    const { db } = server;
    expect(db.user("SYS")).toMatchObject({ oracleMaintained: true, authenticationType: "PASSWORD" });
    expect(db.user("SYSTEM")?.oracleMaintained).toBe(true);
    expect(db.user("ADMIN")).toMatchObject({ username: "ADMIN", accountStatus: "OPEN", oracleMaintained: false });
    for (const r of ["CONNECT", "RESOURCE", "DBA", "PDB_DBA", "DWROLE"]) expect(db.role(r)).toBeDefined();
    expect(db.sysPrivsOf("CONNECT")).toContain("CREATE SESSION");
    expect(db.rolesOf("ADMIN")).toEqual(expect.arrayContaining(["PDB_DBA", "DWROLE"]));
  });

  it("creates a global (IAM) user: OPEN, GLOBAL, external name kept verbatim", async () => {
    const item = await one(server, "CREATE USER jdoe IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=jane.doe@example.com'");
    expect(item).toMatchObject({ statementId: 1, statementType: "ddl", response: ["\nUser created.\n\n"], result: 0 });
    expect(item.errorCode).toBeUndefined();
    expect(server.db.user("JDOE")).toMatchObject({
      username: "JDOE",
      accountStatus: "OPEN",
      authenticationType: "GLOBAL",
      externalName: "IAM_PRINCIPAL_NAME=jane.doe@example.com",
      oracleMaintained: false,
    });
  });

  it("creates password users with PASSWORD EXPIRE / ACCOUNT LOCK and keeps only a hash", async () => {
    await one(server, `create user app1 identified by "${PW}" password expire account lock quota unlimited on data`);
    expect(server.db.user("APP1")).toMatchObject({ authenticationType: "PASSWORD", accountStatus: "EXPIRED & LOCKED", externalName: null });
    expect(server.db.checkPassword("APP1", PW)).toBe(true);
    expect(server.db.checkPassword("APP1", PW.toLowerCase())).toBe(false);
    expect(JSON.stringify(server.db.user("APP1"))).not.toContain(PW);
    await one(server, "create user app2 identified by Unquoted1Secret");
    expect(server.db.checkPassword("APP2", "Unquoted1Secret")).toBe(true);
  });

  it("applies identifier case rules: unquoted is upper-cased, quoted keeps its case", async () => {
    await one(server, `create user MixedCase identified by "${PW}"`);
    await one(server, `create user "MixedCase" identified by "${PW}"`);
    await one(server, `create user "with space; and semicolon" identified by "${PW}"`);
    expect(server.db.user("MIXEDCASE")).toBeDefined();
    expect(server.db.user("MixedCase")).toBeDefined();
    expect(server.db.user("with space; and semicolon")).toBeDefined();
    // `""` is no escape inside a quoted identifier: the name ends at the second quote.
    expect((await sql(server, `create user "a""b" identified by "${PW}"`)).body.items[0].errorCode).toBe(922);
    expect(server.db.user("a")).toBeUndefined();
  });

  it("rejects invalid identifiers with Oracle's codes", async () => {
    expect((await error(`create user 1abc identified by "${PW}"`)).code).toBe(1935);
    expect((await error(`create user select identified by "${PW}"`)).code).toBe(1935);
    expect((await error(`create user "" identified by "${PW}"`)).code).toBe(1741);
    expect((await error(`create user ${"A".repeat(129)} identified by "${PW}"`)).code).toBe(972);
    expect((await error(`create user "${"é".repeat(65)}" identified by "${PW}"`)).code).toBe(972);
    expect((await error(`create user jdöe identified by "${PW}"`)).code).toBe(911);
    expect((await error(`create user j@doe identified by "${PW}"`)).code).toBe(911);
    await one(server, `create user ${"A".repeat(128)} identified by "${PW}"`);
    expect(server.db.user("A".repeat(128))).toBeDefined();
  });

  it("ORA-01920 when the name is taken by a user or a role; nothing changes", async () => {
    await one(server, "create user jdoe identified globally as 'IAM_PRINCIPAL_NAME=a'");
    expect(await error("create user JDOE identified globally as 'IAM_PRINCIPAL_NAME=b'")).toEqual({
      code: 1920,
      details: "ORA-01920: user name 'JDOE' conflicts with another user or role name",
    });
    expect((await error(`create user connect2 identified by "${PW}"`)).code).toBeUndefined();
    expect((await error(`create user dwrole identified by "${PW}"`)).code).toBe(1920);
    expect(server.db.user("JDOE")?.externalName).toBe("IAM_PRINCIPAL_NAME=a");
  });

  it("ORA-28026 for a second global user with the same external name", async () => {
    await one(server, "create user jdoe identified globally as 'IAM_PRINCIPAL_NAME=jane'");
    expect(await error("create user jdoe2 identified globally as 'IAM_PRINCIPAL_NAME=jane'")).toEqual({
      code: 28026,
      details: "ORA-28026: user with same external name already exists",
    });
    expect(server.db.user("JDOE2")).toBeUndefined();
    await one(server, "drop user jdoe");
    expect((await error("create user jdoe2 identified globally as 'IAM_PRINCIPAL_NAME=jane'")).code).toBeUndefined();
  });

  it("ORA-28003 for passwords breaking ADB's rules, without echoing the password in the details", async () => {
    const bad = ["Short1Aa", "alllowercase123", "ALLUPPERCASE123", "NoDigitsHereAtAll", "Contains-JDOE-1abc", "A1" + "a".repeat(29)];
    for (const pw of bad) {
      const e = await error(`create user jdoe identified by "${pw}"`);
      expect(e.code).toBe(28003);
      expect(e.details).toMatch(/^ORA-28003: password verification for the specified password failed\nORA-20000: /);
      expect(e.details).not.toContain(pw);
    }
    expect(server.db.user("JDOE")).toBeUndefined();
  });

  it("refuses binds in DDL (ORA-01027) and a missing IDENTIFIED clause (ORA-01938)", async () => {
    const r = await one(server, { statementText: "create user :u identified by :p", binds: [{ name: "u", data_type: "VARCHAR2", value: "X" }] });
    expect(r.errorCode).toBe(1027);
    expect((await error("create user jdoe")).code).toBe(1938);
    expect((await error("create user jdoe identified externally")).code).toBe(3001);
  });

  it("ALTER USER locks, unlocks, expires and re-points a global user; ORA-01918 when missing", async () => {
    await one(server, "create user jdoe identified globally as 'IAM_PRINCIPAL_NAME=a'");
    await one(server, "alter user jdoe account lock");
    expect(server.db.user("JDOE")?.accountStatus).toBe("LOCKED");
    await one(server, "alter user jdoe account unlock");
    expect(server.db.user("JDOE")?.accountStatus).toBe("OPEN");
    await one(server, "alter user jdoe password expire");
    expect(server.db.user("JDOE")?.accountStatus).toBe("EXPIRED");
    await one(server, "alter user jdoe identified globally as 'IAM_PRINCIPAL_NAME=b'");
    expect(server.db.user("JDOE")?.externalName).toBe("IAM_PRINCIPAL_NAME=b");
    expect(await error("alter user nobody account lock")).toEqual({ code: 1918, details: "ORA-01918: user 'NOBODY' does not exist" });
    expect((await error("alter user sys account lock")).code).toBe(1031);
    expect((await error("alter user jdoe")).code).toBe(922);
    await one(server, "alter user jdoe profile ora_stig_profile");
    expect(await rows(server, "select profile from dba_users where username = 'JDOE'")).toEqual([{ profile: "ORA_STIG_PROFILE" }]);
    expect(await error("alter user jdoe profile nope")).toEqual({ code: 2380, details: "ORA-02380: profile NOPE does not exist" });
    expect((await error("alter user jdoe default tablespace nowhere")).code).toBe(959);
  });

  it("DROP USER: ORA-01918 missing, ORA-01922 owns objects, CASCADE drops them, ORA-28014 maintained", async () => {
    expect(await error("drop user ghost")).toEqual({ code: 1918, details: "ORA-01918: user 'GHOST' does not exist" });
    server.db.createUser("APPOWNER");
    server.db.addObjects("APPOWNER", 3);
    server.db.grant("APPOWNER", "CONNECT");
    expect(await error("drop user appowner")).toEqual({ code: 1922, details: "ORA-01922: CASCADE must be specified to drop 'APPOWNER'" });
    expect(server.db.user("APPOWNER")).toBeDefined();
    const dropped = await one(server, "drop user appowner cascade");
    expect(dropped.response).toEqual(["\nUser dropped.\n\n"]);
    expect(server.db.user("APPOWNER")).toBeUndefined();
    expect(server.db.objectsOf("APPOWNER")).toEqual([]);
    expect(server.db.rolesOf("APPOWNER")).toEqual([]);
    expect((await error("drop user sys cascade")).code).toBe(28014);
    expect((await error("drop user if exists ghost")).code).toBeUndefined();
  });

  it("DROP USER of a connected user is ORA-01940 until its sessions end", async () => {
    server.db.createUser("BUSY", { externalName: "IAM_PRINCIPAL_NAME=busy" });
    server.db.openSession("BUSY");
    expect(await error("drop user busy cascade")).toEqual({ code: 1940, details: "ORA-01940: cannot drop a user that is currently connected" });
    expect(server.db.user("BUSY")).toBeDefined();
    server.db.closeSessions("BUSY");
    expect((await error("drop user busy cascade")).code).toBeUndefined();
    expect(() => server.db.openSession("BUSY")).toThrow("ORA-01918: user 'BUSY' does not exist");
  });

  it("CREATE/DROP ROLE with ORA-01921, ORA-01919 and ORA-28014; dropping a role revokes it", async () => {
    await one(server, "create role app_reader");
    await one(server, "create role sales_role identified globally as 'IAM_GROUP_NAME=sales'");
    expect(server.db.role("SALES_ROLE")?.externalName).toBe("IAM_GROUP_NAME=sales");
    expect((await error("create role app_reader")).code).toBe(1921);
    expect((await error("create role admin")).code).toBe(1921);
    server.db.createUser("U1");
    await one(server, "grant app_reader to u1");
    await one(server, "drop role app_reader");
    expect(server.db.role("APP_READER")).toBeUndefined();
    expect(server.db.rolesOf("U1")).toEqual([]);
    expect(await error("drop role app_reader")).toEqual({ code: 1919, details: "ORA-01919: role 'APP_READER' does not exist" });
    expect((await error("drop role dba")).code).toBe(28014);
  });

  it("GRANT roles and system privileges; re-granting succeeds; ORA-01919 / ORA-01917 / ORA-00990 change nothing", async () => {
    server.db.createUser("JDOE");
    const g = await one(server, "grant connect, create session, dwrole to jdoe");
    expect(g.response).toEqual(["\nGrant succeeded.\n\n"]);
    expect(server.db.rolesOf("JDOE")).toEqual(["CONNECT", "DWROLE"]);
    expect(server.db.sysPrivsOf("JDOE")).toEqual(["CREATE SESSION"]);
    expect((await error("grant connect to jdoe")).code).toBeUndefined();
    expect(await error("grant resource, no_such_role to jdoe")).toEqual({ code: 1919, details: "ORA-01919: role 'NO_SUCH_ROLE' does not exist" });
    expect(await error("grant resource to ghost")).toEqual({ code: 1917, details: "ORA-01917: user or role 'GHOST' does not exist" });
    expect((await error("grant create everything to jdoe")).code).toBe(990);
    // ADB: GRANT ANY OBJECT PRIVILEGE cannot be exercised on Oracle-maintained schemas (SYS's dictionary).
    expect((await error("grant select on dba_users to jdoe")).code).toBe(1031);
    expect(server.db.rolesOf("JDOE")).toEqual(["CONNECT", "DWROLE"]);
    await one(server, "grant create table to jdoe with admin option");
    expect(await rows(server, "select privilege, admin_option from dba_sys_privs where grantee = 'JDOE' order by privilege")).toEqual([
      { privilege: "CREATE SESSION", admin_option: "NO" },
      { privilege: "CREATE TABLE", admin_option: "YES" },
    ]);
  });

  it("REVOKE with ORA-01951 / ORA-01952 / ORA-01917 / ORA-01919; a failing revoke revokes nothing", async () => {
    server.db.createUser("JDOE");
    server.db.grant("JDOE", "CONNECT", "RESOURCE", "CREATE SESSION");
    expect(await error("revoke dwrole from jdoe")).toEqual({ code: 1951, details: "ORA-01951: ROLE 'DWROLE' not granted to 'JDOE'" });
    expect(await error("revoke create view from jdoe")).toEqual({ code: 1952, details: "ORA-01952: system privileges not granted to 'JDOE'" });
    expect((await error("revoke connect from ghost")).code).toBe(1917);
    expect((await error("revoke nope from jdoe")).code).toBe(1919);
    expect((await error("revoke connect, dwrole from jdoe")).code).toBe(1951);
    expect(server.db.rolesOf("JDOE")).toEqual(["CONNECT", "RESOURCE"]);
    const r = await one(server, "revoke connect, create session from jdoe");
    expect(r.response).toEqual(["\nRevoke succeeded.\n\n"]);
    expect(server.db.rolesOf("JDOE")).toEqual(["RESOURCE"]);
    expect(server.db.sysPrivsOf("JDOE")).toEqual([]);
  });

  it("grants to quoted (mixed-case) roles and users", async () => {
    await one(server, `create role "Readers"`);
    await one(server, `create user "jdoe" identified by "${PW}"`);
    await one(server, `grant "Readers" to "jdoe"`);
    expect(server.db.rolesOf("jdoe")).toEqual(["Readers"]);
    expect((await error(`grant readers to "jdoe"`)).code).toBe(1919);
  });

  it("without admin privileges every user/role change fails with ORA-01031 and changes nothing", async () => {
    server.db.createUser("JDOE");
    server.db.revokeAdminPrivileges();
    const script = [
      `create user x identified by "${PW}"`,
      "alter user jdoe account lock",
      "drop user jdoe",
      "create role r1",
      "drop role dwrole",
      "grant connect to jdoe",
      "revoke connect from jdoe",
    ].join(";\n");
    const r = await sql(server, script);
    expect(r.body.items.map((i) => i.errorCode)).toEqual([1031, 1031, 1031, 1031, 1031, 1031, 1031]);
    expect(r.body.items[0].errorDetails).toBe("ORA-01031: insufficient privileges");
    expect(server.db.user("X")).toBeUndefined();
    expect(server.db.user("JDOE")?.accountStatus).toBe("OPEN");
    expect((await one(server, "select count(*) from dba_users")).errorCode).toBeUndefined();
    server.db.restoreAdminPrivileges();
    expect((await one(server, "drop user jdoe")).errorCode).toBeUndefined();
  });

  it("CREATE USER IF NOT EXISTS is idempotent (23ai syntax)", async () => {
    await one(server, "create user if not exists jdoe identified globally as 'IAM_PRINCIPAL_NAME=a'");
    const again = await one(server, "create user if not exists jdoe identified globally as 'IAM_PRINCIPAL_NAME=a'");
    expect(again.errorCode).toBeUndefined();
    expect(server.db.user("JDOE")).toBeDefined();
  });
});
