import { startOrdsServer, type OrdsServer } from "./index";
import { one, rows, sql } from "./test-client";

const N = 100_000;
const name = (i: number) => `IAM_USER_${String(i).padStart(6, "0")}`;

describe("ORDS server: 100,000 users", () => {
  let server: OrdsServer;
  beforeAll(async () => {
    server = await startOrdsServer({
      seed: (db) => {
        db.createRole("APP_READER");
        for (let i = 1; i <= N; i++) {
          db.createUser(name(i), { externalName: `IAM_PRINCIPAL_NAME=user${i}` });
          if (i % 10 === 0) db.grant(name(i), "APP_READER");
        }
      },
    });
  });
  afterAll(() => server.close());

  it("holds every seeded user, grant and external name", async () => {
    expect(server.db.userCount).toBeGreaterThanOrEqual(N);
    expect(server.db.user(name(N))).toMatchObject({ authenticationType: "GLOBAL", externalName: `IAM_PRINCIPAL_NAME=user${N}` });
    expect(await rows(server, "select count(*) n from dba_users where oracle_maintained = 'N' and username like 'IAM\\_USER\\_%' escape '\\'")).toEqual([{ n: N }]);
    expect(await rows(server, "select count(*) n from dba_role_privs where granted_role = 'APP_READER'")).toEqual([{ n: N / 10 }]);
  });

  it("answers key look-ups and pages through the full list", async () => {
    expect(await rows(server, `select username, account_status from dba_users where username = '${name(54321)}'`)).toEqual([
      { username: name(54321), account_status: "OPEN" },
    ]);
    const page = await one(server, { statementText: "select username from dba_users where username like 'IAM%' order by username desc", offset: 5000, limit: 1000 });
    expect(page.resultSet).toMatchObject({ count: 1000, hasMore: true, offset: 5000 });
    expect(page.resultSet?.items[0]).toEqual({ username: name(N - 5000) });
  });

  it("keeps uniqueness at scale: ORA-01920 and ORA-28026 among 100k users", async () => {
    const r = await sql(server, `create user ${name(77777)} identified globally as 'IAM_PRINCIPAL_NAME=fresh';\ncreate user brand_new identified globally as 'IAM_PRINCIPAL_NAME=user77777'`);
    expect(r.body.items.map((i) => i.errorCode)).toEqual([1920, 28026]);
  });

  it("drops and re-creates users among 100k without disturbing the rest", async () => {
    const script = Array.from({ length: 100 }, (_, k) => `drop user ${name(k + 1)}`).join(";\n");
    const dropped = await sql(server, script);
    expect(dropped.body.items.every((i) => i.errorCode === undefined)).toBe(true);
    expect(server.db.user(name(1))).toBeUndefined();
    expect(server.db.rolesOf(name(10))).toEqual([]);
    expect(server.db.user(name(101))).toBeDefined();
    expect((await one(server, `create user ${name(1)} identified globally as 'IAM_PRINCIPAL_NAME=user1'`)).errorCode).toBeUndefined();
  });

  it("keeps key-guarded registry writes exact with 20,000 registry rows among 100k users", async () => {
    const ddl = await one(server, "create table registry (db_username varchar2(128) primary key, iam_user_id varchar2(255) not null unique, status varchar2(16) not null)");
    expect(ddl.errorCode).toBeUndefined();
    const ROWS = 20_000;
    for (let start = 200; start < 200 + ROWS; start += 1000) {
      const script = Array.from({ length: 1000 }, (_, k) => `insert into registry values ('${name(start + k)}', 'ocid.${start + k}', 'OPEN')`).join(";\n");
      const r = await sql(server, script);
      expect(r.body.items.filter((i) => i.errorCode !== undefined)).toEqual([]);
    }
    expect(await rows(server, "select count(*) n from registry")).toEqual([{ n: ROWS }]);
    server.db.createUser("NOT_REGISTERED");
    const guarded = await sql(server, [
      `update registry set status = 'LOCKED' where db_username = '${name(300)}' and db_username in (select username from dba_users)`,
      `drop user ${name(301)}`,
      `update registry set status = 'LOCKED' where db_username = '${name(301)}' and db_username in (select username from dba_users)`,
      `delete from registry where db_username = '${name(301)}' and db_username not in (select username from dba_users)`,
      `delete from registry where db_username = '${name(302)}' and db_username not in (select username from dba_users)`,
    ].join(";\n"));
    expect(guarded.body.items.map((i) => [i.errorCode, i.result])).toEqual([
      [undefined, 1],
      [undefined, 0],
      [undefined, 0],
      [undefined, 1],
      [undefined, 0],
    ]);
    expect(await rows(server, `select db_username, status from registry where db_username in ('${name(300)}', '${name(301)}', '${name(302)}') order by 1`)).toEqual([
      { db_username: name(300), status: "LOCKED" },
      { db_username: name(302), status: "OPEN" },
    ]);
    expect(await rows(server, "select count(*) n from registry where db_username not in (select username from dba_users)")).toEqual([{ n: 0 }]);
  });

  // The shapes of the function's one-account look-up (registry/lookup.ts): an OR of a key and an IN
  // subquery, an OR of two keys of one table, an IN subquery on a grants view. They go through the indexes;
  // the same conditions on an expression (`col || ''`, which no index serves) scan, and must agree.
  it("answers OR-ed and IN-subquery key conditions through the indexes exactly as a scan does", async () => {
    const sub = `(select db_username from registry where iam_user_id = 'ocid.500')`;
    const pairs: [string, string][] = [
      [`select username from dba_users where username = '${name(400)}' or username in ${sub}`, `select username from dba_users where username || '' = '${name(400)}' or username || '' in ${sub}`],
      [`select username from dba_users where username = '${name(500)}' or username in ${sub}`, `select username from dba_users where username || '' = '${name(500)}' or username || '' in ${sub}`],
      [`select role from dba_roles where role = 'APP_READER' or role in ${sub}`, `select role from dba_roles where role || '' = 'APP_READER' or role || '' in ${sub}`],
      [`select db_username, iam_user_id from registry where iam_user_id = 'ocid.500' or db_username = '${name(600)}'`, `select db_username, iam_user_id from registry where iam_user_id || '' = 'ocid.500' or db_username || '' = '${name(600)}'`],
      [`select db_username from registry where iam_user_id = 'ocid.500' or db_username = '${name(500)}'`, `select db_username from registry where iam_user_id || '' = 'ocid.500' or db_username || '' = '${name(500)}'`],
      [`select grantee, granted_role from dba_role_privs where grantee in (select db_username from registry where iam_user_id in ('ocid.510', 'ocid.511'))`, `select grantee, granted_role from dba_role_privs where grantee || '' in (select db_username from registry where iam_user_id in ('ocid.510', 'ocid.511'))`],
      [`select grantee from dba_sys_privs where grantee in ${sub}`, `select grantee from dba_sys_privs where grantee || '' in ${sub}`],
      [`select username from dba_users where username in (select db_username from registry where iam_user_id = 'no such user')`, `select username from dba_users where username || '' in (select db_username from registry where iam_user_id = 'no such user')`],
    ];
    const sorted = (r: Array<Record<string, unknown>>) => r.map((x) => JSON.stringify(x)).sort();
    for (const [viaIndex, viaScan] of pairs) expect(sorted(await rows(server, viaIndex))).toEqual(sorted(await rows(server, viaScan)));
    // A row both sides find is listed once.
    expect(await rows(server, `select username from dba_users where username = '${name(500)}' or username in ${sub}`)).toEqual([{ username: name(500) }]);
    expect(await rows(server, `select db_username from registry where iam_user_id = 'ocid.500' or db_username = '${name(500)}'`)).toEqual([{ db_username: name(500) }]);
    expect(await rows(server, `select grantee, granted_role from dba_role_privs where grantee in (select db_username from registry where iam_user_id in ('ocid.510', 'ocid.511'))`)).toEqual([
      { grantee: name(510), granted_role: "APP_READER" },
    ]);
  });
});
