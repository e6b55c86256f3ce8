import { startOrdsServer, type OrdsServer } from "./index";
import { one, rows, sql } from "./test-client";

const PW = "Str0ng-Passw0rd";

describe("ORDS server: scripts, hostile statement text and binds", () => {
  let server: OrdsServer;
  beforeEach(async () => {
    server = await startOrdsServer();
  });
  afterEach(() => server.close());

  it("splits a script at `;` outside literals, identifiers and comments, with positions per statement", async () => {
    const script = [
      "-- a comment; with a semicolon",
      `create user "A;B" identified by "${PW}";`,
      "",
      "/* block; comment */ select 'x;y' as v from dual;",
      "select 'it''s; fine'",
      "  as w",
      "from dual;",
      "commit",
    ].join("\n");
    const r = await sql(server, script);
    expect(r.status).toBe(200);
    expect(r.body.env).toEqual({ defaultTimeZone: "UTC" });
    const items = r.body.items;
    expect(items.map((i) => [i.statementId, i.statementType, i.statementPos])).toEqual([
      [1, "ddl", { startLine: 2, endLine: 2 }],
      [2, "query", { startLine: 4, endLine: 4 }],
      [3, "query", { startLine: 5, endLine: 7 }],
      [4, "transaction-control", { startLine: 8, endLine: 8 }],
    ]);
    expect(items[0].statementText).toBe(`create user "A;B" identified by "${PW}"`);
    expect(items[1].resultSet?.items).toEqual([{ v: "x;y" }]);
    expect(items[2].statementText).toBe("select 'it''s; fine'\n  as w\nfrom dual");
    expect(items[2].resultSet?.items).toEqual([{ w: "it's; fine" }]);
    expect(items[3].response).toEqual(["\nCommit complete.\n\n"]);
    expect(server.db.user("A;B")).toBeDefined();
  });

  it("continues after a failing statement (WHENEVER SQLERROR CONTINUE) and reports where it failed", async () => {
    const r = await sql(server, `create user a1 identified by "${PW}";\ncreate user a1 identified by "${PW}";\ncreate user a2 identified by "${PW}";`);
    expect(r.status).toBe(200);
    const [first, second, third] = r.body.items;
    expect(first.errorCode).toBeUndefined();
    expect(second).toMatchObject({ statementId: 2, errorCode: 1920, errorLine: 1, errorColumn: 1 });
    expect(second.response[0]).toContain("Error starting at line : 2 in command -");
    expect(second.response[0]).toContain("ORA-01920");
    expect(second.result).toBeUndefined();
    expect(third.errorCode).toBeUndefined();
    expect(server.db.user("A2")).toBeDefined();
  });

  it("reports an unterminated literal as ORA-01756 and swallows the rest of the script into it", async () => {
    const r = await sql(server, `create user x identified globally as 'IAM_PRINCIPAL_NAME=x;\ncreate user y identified by "${PW}";`);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ errorCode: 1756, errorDetails: "ORA-01756: quoted string not properly terminated", statementType: "ddl" });
    expect(server.db.user("X")).toBeUndefined();
    expect(server.db.user("Y")).toBeUndefined();
  });

  it("reports an unterminated quoted identifier as ORA-01740", async () => {
    const item = await one(server, `create user "abc identified by x`);
    expect(item).toMatchObject({ errorCode: 1740, errorDetails: "ORA-01740: missing double quote in identifier" });
  });

  it("keeps injection attempts inside literals as data", async () => {
    const ext = "IAM_PRINCIPAL_NAME=x'; drop user admin cascade; --";
    const item = await one(server, `create user evil identified globally as '${ext.replace(/'/g, "''")}'`);
    expect(item.errorCode).toBeUndefined();
    expect(server.db.user("EVIL")?.externalName).toBe(ext);
    expect(server.db.user("ADMIN")).toBeDefined();
  });

  it("rejects what it does not support with ORA-00900 / parse errors, never changing state (a block runs as ADMIN would)", async () => {
    const r = await sql(server, [
      "begin\n  execute immediate 'drop user admin';\nend;\n/",
      "merge into t using dual on (1=1) when matched then update set a = 1;",
      "select * from;",
      "create user x identified by;",
      "select username dba_users;",
      "delete from dba_users where username = 'SYS';",
      "grant connect to",
      "",
    ].join("\n"));
    expect(r.body.items.map((i) => [i.statementType, i.errorCode])).toEqual([
      ["plsql", 28014],
      ["dml", 900],
      ["query", 903],
      ["ddl", 988],
      ["query", 923],
      ["dml", 1031],
      ["ddl", 1935],
    ]);
    expect(r.body.items[0].statementText).toBe("begin\n  execute immediate 'drop user admin';\nend;");
    expect(server.db.user("SYS")).toBeDefined();
    expect(server.db.user("ADMIN")).toBeDefined();
  });

  it("parses parenthesised expressions and conditions alike, and refuses absurd nesting without falling over", async () => {
    expect(await rows(server, "select dummy from dual where ((1) = 1 and ('X' = dummy or (dummy) is null))")).toEqual([{ dummy: "X" }]);
    const deep = `select dummy from dual where ${"(".repeat(5000)}1${")".repeat(5000)} = 1`;
    expect(await one(server, deep)).toMatchObject({ errorCode: 3001, errorDetails: "ORA-03001: unimplemented feature" });
    const subqueries = `select dummy from dual where dummy in ${"(select dummy from dual where dummy in ".repeat(2000)}('X')${")".repeat(2000)}`;
    expect((await one(server, subqueries)).errorCode).toBe(3001);
    expect(await rows(server, "select dummy from dual")).toEqual([{ dummy: "X" }]);
  });

  it("answers ORA-00911 for stray characters and ORA-00933 for trailing tokens", async () => {
    expect((await one(server, "select 1 from dual ?")).errorCode).toBe(911);
    expect((await one(server, `create user x identified by "${PW}" extra`)).errorCode).toBe(922);
    expect((await one(server, "commit now")).errorCode).toBe(933);
  });

  it("binds by name (case-insensitive) and by index; every statement naming a bind gets it", async () => {
    server.db.createUser("JDOE", { externalName: "IAM_PRINCIPAL_NAME=jdoe" });
    server.db.createUser("ANN");
    const r = await sql(server, {
      statementText: "select username from dba_users where username = :U;\nselect account_status s from dba_users where username = :u and oracle_maintained = :2",
      binds: [
        { name: "u", data_type: "VARCHAR2", value: "JDOE" },
        { index: 2, data_type: "VARCHAR2", value: "N" },
      ],
    });
    expect(r.body.items[0].resultSet?.items).toEqual([{ username: "JDOE" }]);
    expect(r.body.items[1].resultSet?.items).toEqual([{ s: "OPEN" }]);
  });

  it("treats bind values as data, converts NUMBER binds, and reports ORA-01008 / ORA-01722", async () => {
    const hostile = "x' or '1'='1";
    expect(await rows(server, { statementText: "select username from dba_users where username = :u", binds: [{ name: "u", value: hostile }] })).toEqual([]);
    expect(await rows(server, { statementText: "select 1 n from dual where 5 > :n", binds: [{ name: "n", data_type: "NUMBER", value: "4" }] })).toHaveLength(1);
    expect((await one(server, { statementText: "select username from dba_users where username = :missing" })).errorCode).toBe(1008);
    expect((await one(server, { statementText: "select 1 from dual where 1 = :n", binds: [{ name: "n", data_type: "NUMBER", value: "abc" }] })).errorCode).toBe(1722);
  });

  it("pages query results with offset/limit and hasMore (default limit 10000)", async () => {
    for (let i = 1; i <= 25; i++) server.db.createUser(`PAGE_${String(i).padStart(2, "0")}`);
    const q = "select username from dba_users where username like 'PAGE\\_%' escape '\\' order by username";
    const first = await one(server, { statementText: q, offset: 0, limit: 10 });
    expect(first.resultSet).toMatchObject({ hasMore: true, limit: 10, offset: 0, count: 10 });
    expect(first.resultSet?.items[0]).toEqual({ username: "PAGE_01" });
    const last = await one(server, { statementText: q, offset: 20, limit: 10 });
    expect(last.resultSet).toMatchObject({ hasMore: false, limit: 10, offset: 20, count: 5 });
    expect(last.resultSet?.items.map((i) => i.username)).toEqual(["PAGE_21", "PAGE_22", "PAGE_23", "PAGE_24", "PAGE_25"]);
    const all = await one(server, q);
    expect(all.resultSet).toMatchObject({ hasMore: false, limit: 10000, offset: 0, count: 25 });
  });

  it("describes result columns as ORDS does (metadata, lower-case jsonColumnName)", async () => {
    const item = await one(server, "select username, created, oracle_maintained as om, count_me from dba_users where 1 = 0");
    expect(item.errorCode).toBe(904);
    expect(item.errorDetails).toBe('ORA-00904: "COUNT_ME": invalid identifier');
    const ok = await one(server, "select username, created, oracle_maintained as om from dba_users where username = 'ADMIN'");
    expect(ok.resultSet?.metadata).toEqual([
      { columnName: "USERNAME", jsonColumnName: "username", columnTypeName: "VARCHAR2", precision: 128, scale: 0, isNullable: 0 },
      { columnName: "CREATED", jsonColumnName: "created", columnTypeName: "DATE", precision: 0, scale: 0, isNullable: 0 },
      { columnName: "OM", jsonColumnName: "om", columnTypeName: "VARCHAR2", precision: 1, scale: 0, isNullable: 1 },
    ]);
    expect(ok.resultSet?.items[0]).toEqual({ username: "ADMIN", created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), om: "N" });
  });
});
