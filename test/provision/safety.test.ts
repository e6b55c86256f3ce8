import { createLogger } from "../../function/src/log/logger";
import { OrdsClient } from "../../function/src/ords/client";
import { DEFAULT_ADMIN } from "../servers/ords";
import { loadConfig } from "../../function/src/config/load";
import { parseRegistryRow } from "../../function/src/registry/lookup";
import { replyBody, type FnReply } from "../support/fdk-harness";
import { exampleEvent, startLocalStack, type LocalStack } from "../support/local-stack";

/**
 * One regression test per symptom of issue 9, through the bundled function under the fdk listener. Events
 * are triggers: the identity domain (loopback OCI server) is the truth the database must end up matching.
 */
const READERS = "ocid1.group.oc1..aaaareaders";
const WRITERS = "ocid1.group.oc1..aaaawriters";
let seq = 0;

function membership(userId: string, groupId: string, o: { removed?: boolean; now?: boolean; name?: string } = {}) {
  const e = exampleEvent(o.removed ? "removeuserfromgroup" : "addusertogroup") as Record<string, any>;
  e.eventID = `evt-safety-${++seq}`;
  if (o.now) e.eventTime = new Date().toISOString();
  e.data.additionalDetails.userId = userId;
  e.data.additionalDetails.groupId = groupId;
  if (o.name) e.data.additionalDetails.userName = o.name;
  return e;
}

function userEvent(kind: "createuser" | "deleteuser", userId: string, o: { now?: boolean; name?: string } = {}) {
  const e = exampleEvent(kind) as Record<string, any>;
  e.eventID = `evt-safety-${++seq}`;
  if (o.now) e.eventTime = new Date().toISOString();
  e.data.resourceId = e.data.additionalDetails.userId = userId;
  if (o.name) e.data.resourceName = o.name;
  return e;
}

const body = (r: FnReply) => replyBody(r);

describe("issue 9: the provisioning core a DBA would sign off", () => {
  let s: LocalStack;
  const user = (id: string, name: string, groups: string[] = []) => {
    s.oci.identity.addUser({ id, name });
    for (const g of groups) s.oci.identity.addMember(g, id);
  };
  beforeAll(async () => {
    s = await startLocalStack();
  });
  afterAll(async () => s?.stop());

  it("1. a forged membership (the identity domain knows no such membership) grants nothing; a fresh one is retried, not applied", async () => {
    user("ocid1.user.oc1..aaaaforger", "forger");
    const stale = await s.send(membership("ocid1.user.oc1..aaaaforger", WRITERS, { name: "forger" }));
    expect(body(stale)).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.db.user("FORGER")).toBeUndefined();
    const fresh = await s.send(membership("ocid1.user.oc1..aaaaforger", WRITERS, { now: true }));
    expect(body(fresh)).toMatchObject({ outcome: "failed", error: "unavailable", retryable: true });
    expect(body(fresh).message).toMatch(/IAM does not show the user in group/);
    expect(s.ords.db.user("FORGER")).toBeUndefined();
    // Nobody can provision a user IAM does not know at all.
    const ghost = await s.send(membership("ocid1.user.oc1..aaaaghost", WRITERS, { name: "ghost" }));
    expect(body(ghost)).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.db.user("GHOST")).toBeUndefined();
  });

  it("1. eventual consistency: a user not yet visible is read again; still invisible right after its event, it is retried, not deleted", async () => {
    // Visible from the 2nd read: the sync's own re-read sees it.
    s.oci.identity.lag = { reads: 1 };
    s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaalag1", name: "lag1" });
    s.oci.identity.lag = undefined;
    s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaalag1");
    expect(body(await s.send(membership("ocid1.user.oc1..aaaalag1", READERS, { now: true })))).toMatchObject({ outcome: "applied" });
    // Invisible for longer than the sync's re-reads: a retryable answer, nothing changed, then applied on redelivery.
    s.oci.identity.lag = { reads: 3 };
    s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaalagging", name: "lagging" });
    s.oci.identity.lag = undefined;
    s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaalagging");
    const first = body(await s.send(membership("ocid1.user.oc1..aaaalagging", READERS, { now: true })));
    expect(first).toMatchObject({ outcome: "failed", error: "unavailable", retryable: true });
    expect(first.message).toMatch(/IAM does not show the user the event is about/);
    expect(s.ords.db.user("LAGGING")).toBeUndefined();
    const again = body(await s.send(membership("ocid1.user.oc1..aaaalagging", READERS, { now: true })));
    expect(again).toMatchObject({ outcome: "applied" });
    expect(s.ords.db.rolesOf("LAGGING")).toEqual(["SALES_READ"]);
  });

  it("1. the account is named from IAM's user name, never from the payload's", async () => {
    user("ocid1.user.oc1..aaaarealname", "real.name", [READERS]);
    const r = body(await s.send(userEvent("createuser", "ocid1.user.oc1..aaaarealname", { name: "keep" })));
    expect(r).toMatchObject({ outcome: "applied", principal: { iamUserName: "real.name", dbUsername: "REAL_NAME" } });
    expect(s.ords.db.user("REAL_NAME")).toBeDefined();
  });

  it("1. a delete event for a user who still exists in IAM locks nothing", async () => {
    user("ocid1.user.oc1..aaaakeep", "keep", [READERS]);
    await s.send(membership("ocid1.user.oc1..aaaakeep", READERS));
    expect(s.ords.db.user("KEEP")?.accountStatus).toBe("OPEN");
    const fresh = await s.send(userEvent("deleteuser", "ocid1.user.oc1..aaaakeep", { now: true }));
    expect(body(fresh)).toMatchObject({ retryable: true });
    const old = await s.send(userEvent("deleteuser", "ocid1.user.oc1..aaaakeep"));
    expect(body(old)).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.db.user("KEEP")?.accountStatus).toBe("OPEN");
    expect(s.ords.db.rolesOf("KEEP")).toEqual(["SALES_READ"]);
  });

  it("2. after a delete, stale membership/create events never reopen or grant, even if IAM still answers for the user", async () => {
    user("ocid1.user.oc1..aaaagone", "gone", [READERS]);
    await s.send(membership("ocid1.user.oc1..aaaagone", READERS));
    s.oci.identity.deleteUser("ocid1.user.oc1..aaaagone");
    expect(body(await s.send(userEvent("deleteuser", "ocid1.user.oc1..aaaagone")))).toMatchObject({ outcome: "applied" });
    expect(body(await s.send(membership("ocid1.user.oc1..aaaagone", WRITERS)))).toMatchObject({ outcome: "unchanged" });
    // A lagging read that still shows the user: the tombstone holds.
    user("ocid1.user.oc1..aaaagone", "gone", [READERS, WRITERS]);
    const late = body(await s.send(userEvent("createuser", "ocid1.user.oc1..aaaagone")));
    expect(late).toMatchObject({ outcome: "unchanged" });
    expect(late.notes.join()).toMatch(/never reopened or granted again/);
    expect(s.ords.db.user("GONE")?.accountStatus).toBe("LOCKED");
    expect(s.ords.db.rolesOf("GONE")).toEqual([]);
  });

  it("3. a user named like a role is refused, naming it; the role's holders are untouched", async () => {
    s.ords.db.createRole("OPS_TEAM");
    user("ocid1.user.oc1..aaaaops", "ops_team", [WRITERS]);
    const r = await s.send(membership("ocid1.user.oc1..aaaaops", WRITERS));
    expect(body(r)).toMatchObject({ outcome: "refused" });
    expect(body(r).reason).toMatch(/OPS_TEAM exists as a database role/);
    expect(s.ords.db.rolesOf("OPS_TEAM")).toEqual([]);
    expect(s.ords.db.user("OPS_TEAM")).toBeUndefined();
  });

  it("4. concurrent membership events for one user, and two colliding users, leave registry and database in agreement", async () => {
    user("ocid1.user.oc1..aaaaconc", "conc", [READERS, WRITERS]);
    const replies = await Promise.all([
      s.send(membership("ocid1.user.oc1..aaaaconc", READERS)),
      s.send(membership("ocid1.user.oc1..aaaaconc", WRITERS)),
      s.send(membership("ocid1.user.oc1..aaaaconc", WRITERS)),
    ]);
    for (const r of replies) expect(["applied", "unchanged"]).toContain(body(r).outcome);
    expect(s.ords.db.rolesOf("CONC")).toEqual(["SALES_READ", "SALES_WRITE"]);
    const row = s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").find((x) => x.DB_USERNAME === "CONC");
    expect(JSON.parse(String(row?.MAPPED_GROUPS)).sort()).toEqual(["DB-Readers", "DB-Writers"]);
    // removal later still revokes (the registry agrees with the database)
    s.oci.identity.removeMember(WRITERS, "ocid1.user.oc1..aaaaconc");
    await s.send(membership("ocid1.user.oc1..aaaaconc", WRITERS, { removed: true }));
    expect(s.ords.db.rolesOf("CONC")).toEqual(["SALES_READ"]);

    user("ocid1.user.oc1..aaaacol1", "k.l", [READERS]);
    user("ocid1.user.oc1..aaaacol2", "k_l", [READERS]);
    const both = await Promise.all([s.send(membership("ocid1.user.oc1..aaaacol1", READERS)), s.send(membership("ocid1.user.oc1..aaaacol2", READERS))]);
    expect(both.map((r) => body(r).outcome).sort()).toEqual(["applied", "refused"]);
    const rows = s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").filter((x) => x.DB_USERNAME === "K_L");
    expect(rows).toHaveLength(1);
    expect(body(both.find((r) => body(r).outcome === "refused") as FnReply).reason).toMatch(/K_L already belongs to IAM user/);
  });

  it("5. a PENDING registry row naming an existing schema is no proof: the schema is refused and left untouched", async () => {
    await s.send(membership("ocid1.user.oc1..aaaakeep", READERS)); // the registry table exists
    const sql = [
      `INSERT INTO IAM_ADB_SYNC_ACCOUNTS (DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS, VERSION) VALUES ('HR', 'ocid1.user.oc1..aaaahr', 'hr', 'PASSWORD', '[]', 'PENDING', 0)`,
    ];
    const [out] = await new OrdsClient({ url: s.ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log: createLogger("silent") }).script(sql, null);
    expect(out).toEqual({ ok: true });
    user("ocid1.user.oc1..aaaahr", "hr", [WRITERS]);
    const r = await s.send(membership("ocid1.user.oc1..aaaahr", WRITERS));
    expect(body(r)).toMatchObject({ outcome: "refused" });
    expect(body(r).reason).toMatch(/HR .*(not a password account|created before its registry row)/);
    expect(s.ords.db.rolesOf("HR")).toEqual([]);
    expect(s.ords.db.objectsOf("HR")).toHaveLength(7);
  });

  it("8. a lost reply after the commit: the retry re-reads and reports applied, never a false failure", async () => {
    user("ocid1.user.oc1..aaaalost", "lost", [READERS]);
    s.ords.faults.next({ path: "sql" }).next({ path: "sql", dropReply: true });
    const r = await s.send(membership("ocid1.user.oc1..aaaalost", READERS));
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ outcome: "applied" });
    expect(s.ords.db.rolesOf("LOST")).toEqual(["SALES_READ"]);
    expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").find((x) => x.DB_USERNAME === "LOST")).toMatchObject({ STATUS: "OPEN" });
  });
});

describe("issue 9: privilege policy and the name boundary", () => {
  const base = { ORDS_URL: "https://db.example.com/ords/admin", ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1..aaaa" };
  const map = (roles: string[]) => ({ ...base, GROUP_ROLE_MAP: JSON.stringify({ G: roles }) });

  it("6. system privileges come from an allow-list; extras must pass the refusal rule", () => {
    for (const bad of ["ALL PRIVILEGES", "SELECT ANY TABLE", "SALES_READ WITH ADMIN OPTION", "EXECUTE_CATALOG_ROLE", "ALTER SYSTEM", "CREATE MATERIALIZED VIEW"]) {
      expect(() => loadConfig(map([bad]))).toThrow(/GROUP_ROLE_MAP\.G: .*(refused|deny-list|allow-list)/);
    }
    expect(() => loadConfig({ ...map(["CREATE SESSION"]), EXTRA_PRIVILEGES: "ALTER DATABASE" })).toThrow(/EXTRA_PRIVILEGES: ALTER DATABASE is refused/);
    expect(() => loadConfig({ ...map(["CREATE MATERIALIZED VIEW"]), EXTRA_PRIVILEGES: "CREATE MATERIALIZED VIEW" })).not.toThrow();
  });

  it("7. names read back from the registry pass the same boundary as event names", () => {
    const row = { db_username: "X", iam_user_id: "ocid1.user.oc1..aaaax", auth_mode: "IAM", mapped_groups: "[]", status: "OPEN", version: 1 };
    expect(() => parseRegistryRow({ ...row, iam_user_name: "x'; DROP USER ADMIN --" })).toThrow(/may only contain/);
    expect(parseRegistryRow({ ...row, iam_user_name: "x@example.com" }).iamUserName).toBe("x@example.com");
  });

  describe("against the loopback database", () => {
    let s: LocalStack;
    beforeAll(async () => {
      s = await startLocalStack({ config: { GROUP_ROLE_MAP: JSON.stringify({ "DB-Readers": ["SHADOW_ADMIN"], "DB-Writers": ["SODA_LIKE"], "R&D": ["SALES_READ"] }) } });
      s.ords.db.createRole("SHADOW_ADMIN");
      s.ords.db.createRole("MIDDLE");
      s.ords.db.grant("MIDDLE", "DBA");
      s.ords.db.grant("SHADOW_ADMIN", "MIDDLE");
      s.ords.db.createRole("SODA_LIKE", { oracleMaintained: true });
      s.oci.identity.addGroup({ id: "ocid1.group.oc1..aaaarandd", name: "R&D" });
    });
    afterAll(async () => s?.stop());

    it("6. a mapped role that holds DBA through another role is refused and reported, nothing granted", async () => {
      s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaar1", name: "r1" });
      s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaar1");
      const r = body(await s.send(membership("ocid1.user.oc1..aaaar1", READERS)));
      expect(r).toMatchObject({ outcome: "refused" });
      expect(r.reason).toBe("role SHADOW_ADMIN is refused: it holds SHADOW_ADMIN → MIDDLE → DBA, which is denied");
      expect(s.ords.db.user("R1")).toBeUndefined();
    });

    it("6. an Oracle-maintained role not explicitly allowed is refused", async () => {
      s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaar2", name: "r2" });
      s.oci.identity.addMember(WRITERS, "ocid1.user.oc1..aaaar2");
      const r = body(await s.send(membership("ocid1.user.oc1..aaaar2", WRITERS)));
      expect(r.reason).toMatch(/SODA_LIKE is Oracle-maintained and not in ALLOW_ORACLE_ROLES/);
      expect(s.ords.db.user("R2")).toBeUndefined();
    });

    it("6. the deployment says so at start: its first invocation logs every refused mapped role and why, once, before any grant", async () => {
      const log = s.fn.output();
      const lines = log.split("\n").filter((l) => l.includes('"check":"start"'));
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0]) as { level: string; msg: string; refusedRoles: Record<string, string>; roles: string[] };
      expect(line.level).toBe("warn");
      expect(line.roles).toEqual(["SALES_READ", "SHADOW_ADMIN", "SODA_LIKE"]);
      expect(line.refusedRoles).toEqual({
        SHADOW_ADMIN: "role SHADOW_ADMIN is refused: it holds SHADOW_ADMIN → MIDDLE → DBA, which is denied",
        SODA_LIKE: "role SODA_LIKE is refused: SODA_LIKE is Oracle-maintained and not in ALLOW_ORACLE_ROLES",
      });
      expect(line.msg).toMatch(/^start check: roles may be granted: SALES_READ; SHADOW_ADMIN refused, never granted: .*DBA.*; SODA_LIKE refused, never granted: .*Oracle-maintained/);
      // Logged before the first event was handled.
      expect(log.indexOf('"check":"start"')).toBeLessThan(log.indexOf("event not applied"));
    });

    it("7. a name read from the identity domain outside the IAM alphabet is refused before any SQL", async () => {
      s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaar3", name: "o'brien&co" });
      s.oci.identity.addMember("ocid1.group.oc1..aaaarandd", "ocid1.user.oc1..aaaar3");
      const r = body(await s.send(membership("ocid1.user.oc1..aaaar3", "ocid1.group.oc1..aaaarandd")));
      expect(r).toMatchObject({ outcome: "failed", error: "identity_failed" });
      expect(r.message).toMatch(/userName may only contain/);
    });

    it("7. a group name with & is kept as text: scripts run with SET DEFINE OFF and literals hold no &", async () => {
      s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaar4", name: "r4" });
      s.oci.identity.addMember("ocid1.group.oc1..aaaarandd", "ocid1.user.oc1..aaaar4");
      const r = body(await s.send(membership("ocid1.user.oc1..aaaar4", "ocid1.group.oc1..aaaarandd")));
      expect(r).toMatchObject({ outcome: "applied" });
      expect(s.ords.db.rolesOf("R4")).toEqual(["SALES_READ"]);
      const row = s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").find((x) => x.DB_USERNAME === "R4");
      expect(JSON.parse(String(row?.MAPPED_GROUPS))).toEqual(["R&D"]);
    });
  });
});
