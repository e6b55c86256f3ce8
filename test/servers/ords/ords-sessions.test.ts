import { startOrdsServer, type OrdsServer } from "./index";
import { one, rows, sql } from "./test-client";

const REG = "CREATE TABLE REG (NAME VARCHAR2(30) PRIMARY KEY, VERSION NUMBER NOT NULL, NOTE VARCHAR2(100))";

/** The version-checked unit an account change is: bump the row's version or stop before any DDL. */
const unit = (expect: number, grant: string) =>
  [
    "SET DEFINE OFF",
    "WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK",
    "BEGIN",
    `  UPDATE REG SET VERSION = VERSION + 1 WHERE NAME = 'JDOE' AND VERSION = ${expect};`,
    "  IF SQL%ROWCOUNT <> 1 THEN",
    "    RAISE_APPLICATION_ERROR(-20001, 'registry row changed since the plan');",
    "  END IF;",
    "END;",
    "/",
    `GRANT ${grant} TO JDOE;`,
  ].join("\n");

describe("ORDS server: sessions, locks and SQL*Plus script control", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer({
      seed: (db) => {
        db.createUser("JDOE");
        db.createRole("SALES_READ");
        db.createRole("SALES_WRITE");
      },
    });
    await sql(server, `${REG};\nINSERT INTO REG (NAME, VERSION) VALUES ('JDOE', 1);`);
  });
  afterEach(() => server.close());

  it("concurrent scripts interleave statement by statement (no request runs alone)", async () => {
    const script = (tag: string) => Array.from({ length: 5 }, (_, i) => `INSERT INTO LOG_T (SEQ, TAG) VALUES (${i}, '${tag}');`).join("\n");
    await sql(server, "CREATE TABLE LOG_T (SEQ NUMBER, TAG VARCHAR2(1), AT_ID NUMBER)");
    await Promise.all([sql(server, script("A")), sql(server, script("B"))]);
    const order = server.db.tableRows("LOG_T").map((r) => r.TAG).join("");
    expect(order).not.toMatch(/^(AAAAABBBBB|BBBBBAAAAA)$/);
    expect(order.length).toBe(10);
  });

  it("two version-checked units from one plan: the loser waits for the winner's row lock, re-checks, and stops before its GRANT", async () => {
    const [a, b] = await Promise.all([sql(server, unit(1, "SALES_READ")), sql(server, unit(1, "SALES_WRITE"))]);
    const outcomes = [a, b].map((r) => r.body.items.map((i) => i.errorCode ?? 0));
    // Each reply: SET, WHENEVER, the block, then the GRANT only for the winner.
    expect(outcomes.sort()).toEqual([[0, 0, 0, 0], [0, 0, 20001]]);
    const loser = [a, b].find((r) => r.body.items.length === 3);
    expect(loser?.body.items[2].errorDetails).toBe("ORA-20001: registry row changed since the plan\nORA-06512: at line 4");
    expect(server.db.rolesOf("JDOE")).toHaveLength(1);
    expect(server.db.tableRows("REG")[0].VERSION).toBe(2);
  });

  it("a writer waits for another session's uncommitted row; readers see the last committed value meanwhile", async () => {
    // Every statement waits 200 ms: the slow script holds the row from t≈200 to its COMMIT at t≈600 ms.
    server = await restartWithPause(server, 200);
    const slow = sql(server, "UPDATE REG SET NOTE = 'first' WHERE NAME = 'JDOE';\nUPDATE REG SET VERSION = 5 WHERE NAME = 'JDOE';\nCOMMIT;");
    await new Promise((r) => setTimeout(r, 250));
    const [read, nowait] = await Promise.all([
      rows(server, "SELECT VERSION, NOTE FROM REG WHERE NAME = 'JDOE'"),
      one(server, "SELECT NAME FROM REG WHERE NAME = 'JDOE' FOR UPDATE NOWAIT"),
    ]);
    expect(read).toEqual([{ version: 1, note: null }]);
    expect(nowait.errorCode).toBe(54);
    const second = await one(server, "UPDATE REG SET NOTE = 'second' WHERE NAME = 'JDOE' AND VERSION = 5");
    expect(second.result).toBe(1);
    await slow;
    expect(server.db.tableRows("REG")[0]).toMatchObject({ VERSION: 5, NOTE: "second" });
  });

  it("WHENEVER SQLERROR EXIT stops at the first error (ROLLBACK undoes the open DML); without it the script goes on", async () => {
    const exit = await sql(server, [
      "WHENEVER SQLERROR EXIT FAILURE ROLLBACK",
      "UPDATE REG SET NOTE = 'half done' WHERE NAME = 'JDOE';",
      "GRANT NO_SUCH_ROLE TO JDOE;",
      "GRANT SALES_READ TO JDOE;",
    ].join("\n"));
    expect(exit.body.items.map((i) => [i.statementType, i.errorCode ?? 0])).toEqual([["sqlplus", 0], ["dml", 0], ["ddl", 1919]]);
    expect(server.db.rolesOf("JDOE")).toEqual([]);
    // The GRANT's implicit commit came first (DDL commits before it runs), as in Oracle.
    expect(server.db.tableRows("REG")[0].NOTE).toBe("half done");

    const dml = await sql(server, "WHENEVER SQLERROR EXIT SQL.SQLCODE ROLLBACK\nUPDATE REG SET NOTE = 'lost' WHERE NAME = 'JDOE';\nINSERT INTO REG (NAME) VALUES ('X');\nGRANT SALES_READ TO JDOE;");
    expect(dml.body.items.map((i) => i.errorCode ?? 0)).toEqual([0, 0, 1400]);
    expect(server.db.tableRows("REG")[0].NOTE).toBe("half done");

    const goOn = await sql(server, "GRANT NO_SUCH_ROLE TO JDOE;\nGRANT SALES_READ TO JDOE;");
    expect(goOn.body.items.map((i) => i.errorCode ?? 0)).toEqual([1919, 0]);
    expect(server.db.rolesOf("JDOE")).toEqual(["SALES_READ"]);
  });

  it("a failing PL/SQL block undoes its own DML; EXECUTE IMMEDIATE runs DDL; unsupported PL/SQL is ORA-06550", async () => {
    const block = await one(server, [
      "BEGIN",
      "  EXECUTE IMMEDIATE 'GRANT SALES_READ TO ' || :grantee;",
      "  UPDATE REG SET NOTE = 'in block' WHERE NAME = 'JDOE';",
      "  INSERT INTO REG (NAME, VERSION) VALUES ('JDOE', 9);",
      "END;",
      "/",
    ].join("\n").replace(":grantee", "'JDOE'"));
    expect(block.errorCode).toBe(1);
    expect(block.errorDetails).toMatch(/ORA-06512: at line 4$/);
    // The grant committed (DDL), the update after it was undone with the block.
    expect(server.db.rolesOf("JDOE")).toEqual(["SALES_READ"]);
    expect(server.db.tableRows("REG")[0].NOTE).toBeNull();

    const ok = await one(server, { statementText: "BEGIN\n  EXECUTE IMMEDIATE 'REVOKE SALES_READ FROM ' || :g;\n  IF SQL%FOUND THEN NULL; ELSE NULL; END IF;\nEND;", binds: [{ name: "g", data_type: "VARCHAR2", value: "JDOE" }] });
    expect([ok.statementType, ok.errorCode, ok.response]).toEqual(["plsql", undefined, ["\nPL/SQL procedure successfully completed.\n\n"]]);
    expect(server.db.rolesOf("JDOE")).toEqual([]);

    const unsupported = await one(server, "BEGIN LOOP NULL; END LOOP; END;\n/");
    expect(unsupported.errorCode).toBe(6550);
  });

  it("substitution is on by default (an undefined &name becomes empty; DEFINE sets it) and SET DEFINE OFF keeps & literally", async () => {
    const on = await sql(server, "UPDATE REG SET NOTE = 'R&D dept' WHERE NAME = 'JDOE';");
    expect(on.body.items[0].statementText).toBe("UPDATE REG SET NOTE = 'R dept' WHERE NAME = 'JDOE'");
    expect(server.db.tableRows("REG")[0].NOTE).toBe("R dept");

    await sql(server, "DEFINE who = Jane\nUPDATE REG SET NOTE = 'hi &who.!' WHERE NAME = 'JDOE';");
    expect(server.db.tableRows("REG")[0].NOTE).toBe("hi Jane!");

    const off = await sql(server, "SET DEFINE OFF\nUPDATE REG SET NOTE = 'R&D dept' WHERE NAME = 'JDOE';");
    expect(off.body.items.map((i) => i.statementType)).toEqual(["sqlplus", "dml"]);
    expect(server.db.tableRows("REG")[0].NOTE).toBe("R&D dept");
  });

  it("users and roles share one namespace: CREATE USER on a role is ORA-01920, CREATE ROLE on a user ORA-01921", async () => {
    expect((await one(server, "CREATE USER SALES_READ IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=sales_read'")).errorCode).toBe(1920);
    expect((await one(server, "CREATE ROLE JDOE")).errorCode).toBe(1921);
    expect((await one(server, "CREATE USER JDOE IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=jdoe'")).errorCode).toBe(1920);
    // A GRANT on a name that is a role lands on the role: a role cannot hold itself (ORA-01934), others it can.
    expect((await one(server, "GRANT SALES_READ TO SALES_READ")).errorCode).toBe(1934);
    expect((await one(server, "GRANT SALES_WRITE TO SALES_READ")).errorCode).toBeUndefined();
    expect((await one(server, "GRANT SALES_READ TO SALES_WRITE")).errorCode).toBe(1934);
  });

  it("the dictionary shows how an account was made and what roles hold, transitively through ROLE_ROLE_PRIVS / ROLE_SYS_PRIVS", async () => {
    await sql(server, "CREATE USER JANE IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=dom/jane';\nCREATE ROLE SNEAKY;\nGRANT DBA TO SNEAKY;\nGRANT ALL PRIVILEGES TO SALES_WRITE;");
    const [jane] = await rows(server, "SELECT USERNAME, AUTHENTICATION_TYPE, EXTERNAL_NAME, ORACLE_MAINTAINED, CREATED FROM DBA_USERS WHERE USERNAME = 'JANE'");
    expect(jane).toMatchObject({ username: "JANE", authentication_type: "GLOBAL", external_name: "IAM_PRINCIPAL_NAME=dom/jane", oracle_maintained: "N" });
    expect(Date.now() - Date.parse(String(jane.created))).toBeLessThan(60_000);
    expect(await rows(server, "SELECT ORACLE_MAINTAINED, AUTHENTICATION_TYPE FROM DBA_USERS WHERE USERNAME = 'SYS'")).toEqual([{ oracle_maintained: "Y", authentication_type: "PASSWORD" }]);

    expect(await rows(server, "SELECT GRANTED_ROLE, ADMIN_OPTION FROM ROLE_ROLE_PRIVS WHERE ROLE = 'SNEAKY'")).toEqual([{ granted_role: "DBA", admin_option: "NO" }]);
    const dbaRoles = (await rows(server, "SELECT GRANTED_ROLE FROM ROLE_ROLE_PRIVS WHERE ROLE = 'DBA'")).map((r) => r.granted_role);
    expect(dbaRoles).toEqual(expect.arrayContaining(["EXECUTE_CATALOG_ROLE", "SELECT_CATALOG_ROLE", "IMP_FULL_DATABASE"]));
    const dbaPrivs = (await rows(server, "SELECT PRIVILEGE FROM ROLE_SYS_PRIVS WHERE ROLE = 'DBA'")).map((r) => r.privilege);
    expect(dbaPrivs).toEqual(expect.arrayContaining(["ALTER SYSTEM", "BECOME USER", "GRANT ANY PRIVILEGE", "SELECT ANY TABLE"]));
    expect(await rows(server, "SELECT COUNT(*) AS N FROM ROLE_SYS_PRIVS WHERE ROLE = 'SALES_WRITE' AND PRIVILEGE LIKE '%ANY%'")).not.toEqual([{ n: 0 }]);
    // Grants to users are not in the ROLE_* views.
    expect(await rows(server, "SELECT ROLE FROM ROLE_ROLE_PRIVS WHERE ROLE = 'JANE'")).toEqual([]);
    expect(await rows(server, "SELECT ROLE FROM DBA_ROLES WHERE ROLE = 'EXECUTE_CATALOG_ROLE' AND ORACLE_MAINTAINED = 'Y'")).toEqual([{ role: "EXECUTE_CATALOG_ROLE" }]);
  });

  it("dropReply fault: the script commits, then the connection drops before the answer (an ambiguous commit)", async () => {
    server.faults.next({ path: "sql", dropReply: true });
    await expect(sql(server, "GRANT SALES_READ TO JDOE")).rejects.toThrow();
    expect(server.db.rolesOf("JDOE")).toEqual(["SALES_READ"]);
    expect((await one(server, "GRANT SALES_READ TO JDOE")).errorCode).toBeUndefined();
  });
});

async function restartWithPause(old: OrdsServer, statementPauseMs: number): Promise<OrdsServer> {
  await old.close();
  const s = await startOrdsServer({ statementPauseMs, seed: (db) => db.createUser("JDOE") });
  await sql(s, `${REG};\nINSERT INTO REG (NAME, VERSION) VALUES ('JDOE', 1);`);
  return s;
}
