import { join } from "node:path";
import { runPreview, type PreviewOptions } from "../../function/cli/templates/preview";
import type { RunningFunction } from "../support/fdk-harness";
import { startGraphServer, type GraphServer } from "../servers/graph/server";
import { DEFAULT_ADMIN } from "../servers/ords";
import { seedDirectory } from "../servers/scim";
import { startLandscape, startRole, TEMPLATES, type Landscape } from "./support/landscape";

/**
 * The shipped read templates, run the way the Access Governance connector runs them (the template tooling's
 * connector emulation: <EL>, <JP>, paging, sub-requests) against the loopback targets, with the
 * Authorization value the bundled request function hands out. Proves the templates read what is there.
 */

let l: Landscape;
let fn: RunningFunction;
beforeAll(async () => {
  l = await startLandscape();
  fn = await startRole(l, "ag-request");
});
afterAll(async () => {
  await fn?.stop();
  await l?.close();
});

async function authorizationFor(system: string, entityName: string): Promise<string> {
  const r = await fn.invoke({ connectedSystemName: system, entityName, operationName: "SEARCH" });
  const headers = (r.json as { headers: { name: string; value: string }[] }).headers;
  return headers.find((h) => h.name === "Authorization")?.value ?? "";
}

function read(app: string, entity: string, system: string, authorization: string, extra: Partial<PreviewOptions> = {}) {
  const s = l.systems.find((x) => x.name === system) as { scheme: string; host: string; basePath?: string };
  return runPreview({ templatesRoot: TEMPLATES, app, entity, operation: "SEARCH", target: s, authorization, pageSize: 4, ...extra });
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("identity domain templates on the SCIM server", () => {
  it("UserAsAccount SEARCH pages through every user with status, lock and group memberships", async () => {
    const { userIds } = seedDirectory(l.scim.store, { users: 10, groups: 4, groupsPerUser: 2, lockedEvery: 3, inactiveEvery: 4 });
    const auth = await authorizationFor("IdentityDomain", "UserAsAccount");
    const out = await read("idcs", "UserAsAccount", "IdentityDomain", auth);
    expect(out.records).toHaveLength(10);
    expect(out.pages).toBeGreaterThanOrEqual(3);
    for (const [i, rec] of out.records.entries()) {
      const u = l.scim.store.users.get(userIds[i])!;
      expect(rec).toMatchObject({ uid: [u.id], name: [u.userName], email: [u.email], userType: ["Employee"], status: [String(u.active)], locked: [String(u.locked)] });
      const groups = (rec.groups as Record<string, string[]>[]).map((g) => g.uid[0]);
      expect(sorted(groups)).toEqual(sorted(l.scim.store.memberOf.get(u.id) ?? []));
    }
    expect(out.masked).toEqual([]);
  });

  it("UserAsAccount GET reads one user; GroupAsEntitlement SEARCH reads every group", async () => {
    const auth = await authorizationFor("IdentityDomain", "UserAsAccount");
    const [id] = l.scim.store.users.keys();
    const one = await read("idcs", "UserAsAccount", "IdentityDomain", auth, { operation: "GET", id });
    expect(one.records).toHaveLength(1);
    expect(one.records[0].uid).toEqual([id]);
    const groups = await read("idcs", "GroupAsEntitlement", "IdentityDomain", auth);
    expect(sorted(groups.records.map((r) => (r.name as string[])[0]))).toEqual(sorted([...l.scim.store.groups.values()].map((g) => g.displayName)));
  });

  it("UserAsIdentity SEARCH maps the core identity attributes", async () => {
    const auth = await authorizationFor("IdentityDomain", "UserAsIdentity");
    const out = await read("idcs", "UserAsIdentity", "IdentityDomain", auth, { limit: 1 });
    expect(out.records[0]).toMatchObject({ firstName: ["Given"], lastName: ["Family1"], empNo: ["100001"], displayName: ["Given Family1"] });
  });
});

describe("Autonomous Database templates on the ORDS server", () => {
  beforeAll(async () => {
    const basic = `Basic ${Buffer.from(`${DEFAULT_ADMIN.username}:${DEFAULT_ADMIN.password}`).toString("base64")}`;
    const script = [
      // The registry table and Access Governance's schema are set up by the landscape (ag:setup-sql).
      "CREATE ROLE APP_READER;",
      "CREATE ROLE APP_WRITER;",
      ...[1, 2, 3, 4, 5].flatMap((i) => [
        `CREATE USER U${i} IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=u${i}';`,
        "GRANT APP_READER TO U" + i + ";",
        ...(i % 2 ? [`GRANT APP_WRITER TO U${i};`] : []),
        `INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, STATUS) VALUES ('U${i}', 'ocid1.user.oc1..u${i}', 'u${i}@example.com', 'IAM', '${i === 4 ? "LOCKED" : "OPEN"}');`,
      ]),
      // A database user the product does not manage: never listed as an account.
      "CREATE USER SOMEONE IDENTIFIED BY \"Xy#Unrelated2024\";",
    ].join("\n");
    const res = await fetch(`${l.ords.url}/_/sql`, { method: "POST", headers: { Authorization: basic, "Content-Type": "application/sql" }, body: script });
    const items = ((await res.json()) as { items: { errorCode?: number }[] }).items;
    expect(items.filter((i) => i.errorCode)).toEqual([]);
  });

  it("DatabaseAccount SEARCH pages on the server and lists each managed account with its roles", async () => {
    const auth = await authorizationFor("AutonomousDB", "DatabaseAccount");
    const out = await read("adb", "DatabaseAccount", "AutonomousDB", auth, { pageSize: 2 });
    expect(out.records.map((r) => r.uid[0])).toEqual(["U1", "U2", "U3", "U4", "U5"]);
    expect(out.pages).toBeGreaterThanOrEqual(3);
    const u4 = out.records[3];
    expect(u4).toMatchObject({ iamUserId: ["ocid1.user.oc1..u4"], accountStatus: ["LOCKED"], status: ["false"] });
    expect((out.records[0].roles as Record<string, string[]>[]).map((r) => r.uid[0])).toEqual(["APP_READER", "APP_WRITER"]);
    expect((u4.roles as Record<string, string[]>[]).map((r) => r.uid[0])).toEqual(["APP_READER"]);
  });

  it("GET binds the uid (a quote in it stays data)", async () => {
    const auth = await authorizationFor("AutonomousDB", "DatabaseAccount");
    const one = await read("adb", "DatabaseAccount", "AutonomousDB", auth, { operation: "GET", id: "U3" });
    expect(one.records[0]).toMatchObject({ uid: ["U3"], iamUserName: ["u3@example.com"] });
    const injected = await read("adb", "DatabaseAccount", "AutonomousDB", auth, { operation: "GET", id: "U3' OR '1'='1" });
    // Bound as a value, the text matches no user name: the query finds nothing instead of every row.
    expect(injected.records.map((r) => r.uid)).toEqual([[]]);
  });

  it("DatabaseRole SEARCH lists the database's roles", async () => {
    const auth = await authorizationFor("AutonomousDB", "DatabaseRole");
    const out = await read("adb", "DatabaseRole", "AutonomousDB", auth);
    const names = out.records.map((r) => r.uid[0]);
    expect(names).toEqual(expect.arrayContaining(["APP_READER", "APP_WRITER", "DBA"]));
    expect(out.records.find((r) => r.uid[0] === "DBA")?.oracleMaintained).toEqual(["true"]);
  });
});

describe("Entra ID templates on a Graph-like server", () => {
  let graph: GraphServer;
  afterAll(() => graph?.close());

  it("Account SEARCH follows PAGE_TOKEN paging and reads group memberships", async () => {
    const auth = await authorizationFor("EntraID", "Account");
    graph = await startGraphServer({ token: auth.replace(/^Bearer /, "") });
    const users = Array.from({ length: 7 }, (_, i) => graph.addUser({ userPrincipalName: `u${i}@contoso.test`, displayName: `U ${i}`, givenName: "U", surname: String(i) }));
    graph.addGroup("Finance", [users[0].id, users[3].id]);
    graph.addGroup("Sales", [users[3].id]);
    const target = { scheme: "http", host: graph.host };
    const out = await runPreview({ templatesRoot: TEMPLATES, app: "azuread", entity: "Account", operation: "SEARCH", target, authorization: auth, pageSize: 3 });
    expect(out.records.map((r) => r.name[0])).toEqual(users.map((u) => u.userPrincipalName));
    expect(out.pages).toBeGreaterThanOrEqual(3);
    expect((out.records[3].securityGroups as Record<string, string[]>[]).length).toBe(2);
    expect(out.records[1].securityGroups).toEqual([]);
    const groups = await runPreview({ templatesRoot: TEMPLATES, app: "azuread", entity: "SecurityGroup", operation: "SEARCH", target, authorization: auth, pageSize: 1 });
    expect(groups.records.map((r) => r.name[0])).toEqual(["Finance", "Sales"]);
  });
});

it("templates root used here is the shipped tree", () => {
  expect(TEMPLATES).toBe(join(__dirname, "..", "..", "templates"));
});
