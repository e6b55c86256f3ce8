import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startOrdsServer, type OrdsServer } from "../servers/ords";
import { basicAuth, sql, type SqlReply } from "../servers/ords/test-client";
import { AG_ALIAS, AG_CLIENT, AG_SCHEMA, applySetupScript, setUpAgSchema } from "../support/ag-schema";
import { TEMPLATES } from "./support/landscape";

/**
 * `npm run ag:setup-sql` applied to the loopback ORDS, then everything Access Governance's schema could send
 * through its own REST-enabled SQL endpoint: only the three views answer; every other object is ORA-00942,
 * every change ORA-01031, and nothing in the database changes.
 */

let ords: OrdsServer;
let agAuth: string;
const agUrl = () => ords.urlFor(AG_ALIAS);

async function token(base: string, client: { clientId: string; clientSecret: string }): Promise<Response> {
  return fetch(`${base}/oauth/token`, {
    method: "POST",
    headers: { Authorization: basicAuth(client.clientId, client.clientSecret), "Content-Type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
}

/** POSTs to the AG schema's /_/sql (JSON body when an object is given). */
async function asAg(body: string | Record<string, unknown>, auth = agAuth): Promise<SqlReply> {
  const json = typeof body !== "string";
  const r = await fetch(`${agUrl()}/_/sql`, {
    method: "POST",
    headers: { Authorization: auth, "Content-Type": json ? "application/json" : "application/sql" },
    body: json ? JSON.stringify(body) : body,
  });
  return { status: r.status, body: (await r.json()) as SqlReply["body"] };
}

const rowsOf = (r: SqlReply, i = 0) => r.body.items[i].resultSet?.items ?? [];

/** What the database holds: objects, grants, users, registry rows (object ids included, so a re-create shows). */
async function snapshot(): Promise<string> {
  const queries = [
    "SELECT OWNER, OBJECT_NAME, OBJECT_TYPE, OBJECT_ID FROM DBA_OBJECTS ORDER BY OWNER, OBJECT_NAME",
    "SELECT GRANTEE, OWNER, TABLE_NAME, PRIVILEGE, GRANTABLE FROM DBA_TAB_PRIVS ORDER BY GRANTEE, TABLE_NAME, PRIVILEGE",
    "SELECT GRANTEE, PRIVILEGE FROM DBA_SYS_PRIVS ORDER BY GRANTEE, PRIVILEGE",
    "SELECT GRANTEE, GRANTED_ROLE FROM DBA_ROLE_PRIVS ORDER BY GRANTEE, GRANTED_ROLE",
    "SELECT USERNAME, USER_ID, ACCOUNT_STATUS, AUTHENTICATION_TYPE FROM DBA_USERS ORDER BY USERNAME",
    "SELECT OWNER, SYNONYM_NAME, TABLE_OWNER, TABLE_NAME FROM DBA_SYNONYMS ORDER BY OWNER, SYNONYM_NAME",
    "SELECT * FROM IAM_ADB_SYNC_ACCOUNTS ORDER BY DB_USERNAME",
  ];
  const r = await sql(ords, queries.map((q) => `${q};`).join("\n"));
  return JSON.stringify(r.body.items.map((i) => i.resultSet?.items ?? i.errorDetails));
}

beforeAll(async () => {
  ords = await startOrdsServer({
    seed: (db) => {
      db.createRole("APP_READ");
      for (const u of ["ALICE", "BOB", "OUTSIDER"]) {
        db.createUser(u);
        db.grant(u, "CREATE SESSION", "APP_READ");
      }
    },
  });
  await setUpAgSchema(ords);
  const insert = ["ALICE", "BOB"].map((u, i) => `INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, STATUS) VALUES ('${u}', 'ocid1.user.oc1..u${i}', '${u.toLowerCase()}@example.com', 'IAM', 'OPEN');`);
  expect((await sql(ords, insert.join("\n"))).body.items.filter((i) => i.errorCode)).toEqual([]);
  const t = await token(agUrl(), AG_CLIENT);
  expect(t.status).toBe(200);
  agAuth = `Bearer ${((await t.json()) as { access_token: string }).access_token}`;
});
afterAll(() => ords?.close());

describe("the set-up script on the loopback ORDS", () => {
  it("creates the password-less schema with CREATE SESSION, READ on the three views, three synonyms, REST-enabled", () => {
    const db = ords.db;
    expect(db.user(AG_SCHEMA)).toMatchObject({ authenticationType: "NONE", accountStatus: "OPEN", externalName: null });
    expect(db.sysPrivsOf(AG_SCHEMA)).toEqual(["CREATE SESSION"]);
    expect(db.rolesOf(AG_SCHEMA)).toEqual([]);
    const grants = [...db.objects.allGrants()].filter((g) => g.grantee === AG_SCHEMA).map((g) => `${g.privilege} ${g.owner}.${g.object}${g.grantable ? " WITH GRANT OPTION" : ""}`);
    expect(grants.sort()).toEqual(["READ ADMIN.IAM_ADB_SYNC_AG_ACCOUNTS", "READ ADMIN.IAM_ADB_SYNC_AG_GRANTS", "READ ADMIN.IAM_ADB_SYNC_AG_ROLES"]);
    expect(db.objectsOf(AG_SCHEMA).map((o) => `${o.type} ${o.name}`).sort()).toEqual(["SYNONYM AG_ACCOUNTS", "SYNONYM AG_GRANTS", "SYNONYM AG_ROLES"]);
    expect(db.restAlias(AG_SCHEMA)).toBe(AG_ALIAS);
  });

  it("is a no-op the second time: every statement succeeds and the dictionary is unchanged (object ids too)", async () => {
    const before = await snapshot();
    const again = await applySetupScript(ords);
    expect(again.body.items.filter((i) => i.errorCode !== undefined)).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it("stops at the first failure (WHENEVER SQLERROR EXIT) when the registry table is missing", async () => {
    const fresh = await startOrdsServer();
    try {
      const r = await applySetupScript(fresh);
      const last = r.body.items[r.body.items.length - 1];
      expect(last.errorCode).toBe(942);
      expect(fresh.db.user(AG_SCHEMA)).toBeUndefined();
    } finally {
      await fresh.close();
    }
  });
});

describe("the schema's own OAuth client and endpoint", () => {
  it("tokens are per schema: the AG client gets none at /ords/admin, ADMIN's client none at the AG alias", async () => {
    expect((await token(ords.url, AG_CLIENT)).status).toBe(401);
    const adminClient = await token(agUrl(), { clientId: "iam-adb-sync-test", clientSecret: "test-client-secret-0123456789" });
    expect(adminClient.status).toBe(401);
    const onAdmin = await fetch(`${ords.url}/_/sql`, { method: "POST", headers: { Authorization: agAuth, "Content-Type": "application/sql" }, body: "SELECT 1 FROM DUAL" });
    expect(onAdmin.status).toBe(401);
  });

  it("the schema has no password, so Basic auth never opens it", async () => {
    expect((await asAg("SELECT 1 FROM DUAL", basicAuth(AG_SCHEMA, ""))).status).toBe(401);
    expect((await asAg("SELECT 1 FROM DUAL", basicAuth(AG_SCHEMA, "anything"))).status).toBe(401);
  });
});

describe("what Access Governance's schema can do", () => {
  it("reads the three views through the synonyms: managed accounts, their grants, the roles", async () => {
    const r = await asAg("SELECT DB_USERNAME, STATUS FROM AG_ACCOUNTS ORDER BY DB_USERNAME;\nSELECT GRANTEE, GRANTED_ROLE FROM AG_GRANTS ORDER BY GRANTEE;\nSELECT COUNT(*) AS N FROM AG_ROLES WHERE ROLE = 'APP_READ';");
    expect(r.status).toBe(200);
    expect(rowsOf(r, 0)).toEqual([{ db_username: "ALICE", status: "OPEN" }, { db_username: "BOB", status: "OPEN" }]);
    // OUTSIDER holds APP_READ too, but the product does not manage it: not in the grants view.
    expect(rowsOf(r, 1)).toEqual([{ grantee: "ALICE", granted_role: "APP_READ" }, { grantee: "BOB", granted_role: "APP_READ" }]);
    expect(rowsOf(r, 2)).toEqual([{ n: 1 }]);
  });

  const hidden = [
    "SELECT * FROM IAM_ADB_SYNC_ACCOUNTS",
    "SELECT * FROM ADMIN.IAM_ADB_SYNC_ACCOUNTS",
    "SELECT USERNAME FROM DBA_USERS",
    "SELECT USERNAME FROM SYS.DBA_USERS",
    "SELECT GRANTEE FROM DBA_ROLE_PRIVS",
    "SELECT GRANTEE FROM DBA_SYS_PRIVS",
    "SELECT GRANTEE FROM DBA_TAB_PRIVS",
    "SELECT OWNER FROM DBA_OBJECTS",
    "SELECT ROLE FROM DBA_ROLES",
    "SELECT * FROM ADMIN.NO_SUCH_TABLE",
    "DELETE FROM IAM_ADB_SYNC_ACCOUNTS",
    "DELETE FROM ADMIN.IAM_ADB_SYNC_ACCOUNTS",
    "UPDATE ADMIN.IAM_ADB_SYNC_ACCOUNTS SET STATUS = 'LOCKED'",
    "INSERT INTO ADMIN.IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME) VALUES ('X')",
    "DROP TABLE ADMIN.IAM_ADB_SYNC_ACCOUNTS",
    "GRANT READ ON ADMIN.IAM_ADB_SYNC_ACCOUNTS TO IAM_ADB_SYNC_AG",
  ];

  const refused = [
    "INSERT INTO AG_ACCOUNTS (DB_USERNAME) VALUES ('X')",
    "UPDATE AG_ACCOUNTS SET STATUS = 'LOCKED'",
    "DELETE FROM AG_GRANTS",
    "DELETE FROM ADMIN.IAM_ADB_SYNC_AG_ACCOUNTS",
    // READ, not SELECT: no row locks on the registry through the view.
    "SELECT DB_USERNAME FROM AG_ACCOUNTS FOR UPDATE",
    "CREATE TABLE T (X NUMBER)",
    "CREATE TABLE ADMIN.T (X NUMBER)",
    "CREATE OR REPLACE VIEW V AS SELECT DB_USERNAME FROM AG_ACCOUNTS",
    "CREATE OR REPLACE SYNONYM S FOR AG_ACCOUNTS",
    "CREATE PUBLIC SYNONYM S FOR AG_ACCOUNTS",
    "GRANT READ ON AG_ACCOUNTS TO PUBLIC",
    "CREATE USER X NO AUTHENTICATION",
    "ALTER USER ADMIN ACCOUNT LOCK",
    "DROP USER ALICE CASCADE",
    "CREATE ROLE R",
    "GRANT DBA TO IAM_ADB_SYNC_AG",
    "GRANT CREATE TABLE TO IAM_ADB_SYNC_AG",
    "REVOKE APP_READ FROM ALICE",
  ];
  const attempts = [...hidden.map((st) => [942, st] as const), ...refused.map((st) => [1031, st] as const)];
  it.each(attempts)("ORA-%i for %s, and nothing changes", async (code, statement) => {
    const before = await snapshot();
    const r = await asAg(statement);
    expect(r.body.items.map((i) => i.errorCode)).toEqual([code]);
    expect(await snapshot()).toBe(before);
  });

  it("PL/SQL gets no further: EXECUTE IMMEDIATE is checked the same way, ORDS_ADMIN is not visible", async () => {
    const before = await snapshot();
    const r = await asAg(
      [
        "BEGIN\n  EXECUTE IMMEDIATE 'DROP USER ADMIN CASCADE';\nEND;\n/",
        "BEGIN\n  DELETE FROM ADMIN.IAM_ADB_SYNC_ACCOUNTS;\nEND;\n/",
        "BEGIN\n  ORDS_ADMIN.ENABLE_SCHEMA(p_enabled => TRUE, p_schema => 'ADMIN', p_url_mapping_pattern => 'iam_adb_sync_ag');\nEND;\n/",
        "BEGIN\n  ORDS.ENABLE_SCHEMA(p_enabled => TRUE, p_schema => 'ADMIN', p_url_mapping_pattern => 'x');\nEND;\n/",
      ].join("\n"),
    );
    expect(r.body.items.map((i) => i.errorCode)).toEqual([1031, 942, 6550, 1031]);
    expect(r.body.items[2].errorDetails).toContain("PLS-00201: identifier 'ORDS_ADMIN.ENABLE_SCHEMA' must be declared");
    expect(await snapshot()).toBe(before);
  });

  it("a value spliced unescaped into the JSON body can add a second statementText, and still only reads", async () => {
    // What a connector that does not escape would send for a GET whose uid closes the binds and adds keys:
    // the later statementText key wins (as in JSON.parse). On the AG schema that statement is refused like any other.
    const uid = 'x"}],"statementText":"DROP USER ADMIN CASCADE","binds":[{"name":"u","value":"y';
    const body = `{"statementText":"SELECT DB_USERNAME FROM AG_ACCOUNTS WHERE DB_USERNAME = :u","binds":[{"name":"u","data_type":"VARCHAR2","value":"${uid}"}]}`;
    const before = await snapshot();
    const res = await fetch(`${agUrl()}/_/sql`, { method: "POST", headers: { Authorization: agAuth, "Content-Type": "application/json" }, body });
    const items = ((await res.json()) as SqlReply["body"]).items;
    expect(items.map((i) => [i.statementText, i.errorCode])).toEqual([["DROP USER ADMIN CASCADE", 1031]]);
    expect(await snapshot()).toBe(before);
  });
});

describe("the shipped adb templates", () => {
  const files = (kind: string): string[] => {
    const dir = join(TEMPLATES, kind, "applications", "adb");
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith(".json")).map((f) => join(f.parentPath, f.name));
  };
  const statements = (file: string): string[] => [...readFileSync(file, "utf8").matchAll(/"statementText":\s*"([^"]*)"/g)].map((m) => m[1]);
  const all = [...files("request"), ...files("test")];

  it("never name ADMIN or anything but the AG_* synonyms", () => {
    expect(all.length).toBeGreaterThan(0);
    for (const file of [...all, ...files("response"), ...files("schema")]) expect(readFileSync(file, "utf8")).not.toMatch(/\bADMIN\b|IAM_ADB_SYNC_|DBA_/i);
    const sources = new Set(all.flatMap(statements).flatMap((s) => [...s.matchAll(/\bFROM\s+([A-Z0-9_$#.]+)/gi)].map((m) => m[1].toUpperCase())));
    expect([...sources].sort()).toEqual(["AG_ACCOUNTS", "AG_GRANTS", "AG_ROLES"]);
  });

  it.each(all.map((f) => [f.slice(TEMPLATES.length + 1), f]))("%s: every statement runs as the AG schema, every value is a bind", async (_rel, file) => {
    for (const statementText of statements(file)) {
      expect(statementText).not.toMatch(/<EL>|<JP>|'/);
      const binds = [...new Set([...statementText.matchAll(/:([a-z_]+)/gi)].map((m) => m[1]))].map((name) => ({ name, data_type: "VARCHAR2", value: "ALICE" }));
      const r = await asAg({ statementText, binds, offset: 0, limit: 5 });
      expect(r.body.items.map((i) => i.errorCode)).toEqual([undefined]);
    }
  });
});
