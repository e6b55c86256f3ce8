import { DEFAULT_ADMIN, DEFAULT_CLIENT } from "../servers/ords";
import { replyBody } from "../support/fdk-harness";
import { exampleEvent, ORDS_SECRET_OCID, startLocalStack, type LocalStack } from "../support/local-stack";

const failure = replyBody;
const READERS = "ocid1.group.oc1..aaaareaders";
/** IAM users these tests create are in DB-Readers: the identity domain, not the event, says so. */
let iam: LocalStack["oci"]["identity"] | undefined;
const created = (id: string, name: string, eventId = `evt-${name}`) => {
  if (iam && !iam.users.has(id)) {
    iam.addUser({ id, name });
    iam.addMember(READERS, id);
  }
  const e = exampleEvent("createuser") as Record<string, any>;
  e.eventID = eventId;
  e.data.resourceName = name;
  e.data.resourceId = id;
  e.data.additionalDetails.userId = id;
  return e;
};

describe("retries, credentials and remote calls", () => {
  let s: LocalStack;
  beforeAll(async () => {
    s = await startLocalStack();
    iam = s.oci.identity;
  });
  afterAll(async () => s?.stop());

  const calls = () => ({
    vault: s.oci.stats.count("secrets.getSecretBundle"),
    token: s.ords.stats.tokenRequests,
    sql: s.ords.stats.sqlRequests,
    identity: s.oci.stats.count("domains.listUsers"),
    audit: s.oci.stats.count("objectstorage.putObject") + s.oci.stats.count("objectstorage.getNamespace"),
  });
  const reset = () => {
    s.ords.stats.reset();
    s.oci.stats.reset();
  };

  it("remote calls per event: first ever (creates the registry, checks the role), warm (1 identity read + 2 ORDS calls), and cold", async () => {
    reset();
    await s.send(created("ocid1.user.oc1..aaaau1", "u1"));
    // start check (registry dictionary read ∥ role check) + create tables + look-up + the change
    expect(calls()).toEqual({ vault: 1, token: 1, sql: 5, identity: 1, audit: 2 });
    reset();
    await s.send(created("ocid1.user.oc1..aaaau2", "u2"));
    expect(calls()).toEqual({ vault: 0, token: 0, sql: 2, identity: 1, audit: 1 });
    await s.restart();
    reset();
    await s.send(created("ocid1.user.oc1..aaaau2b", "u2b"));
    // a fresh process: start check (registry dictionary read ∥ role check) + look-up + the change
    expect(calls()).toEqual({ vault: 1, token: 1, sql: 4, identity: 1, audit: 2 });
  });

  it("retries 429/503 and a dropped connection, then succeeds", async () => {
    s.ords.faults.next({ path: "sql", status: 503, times: 2 }).next({ path: "sql", status: 429, retryAfterSeconds: 0 }).next({ path: "sql", drop: true });
    const r = await s.send(created("ocid1.user.oc1..aaaau3", "u3"));
    expect(r.status).toBe(200);
    expect(s.ords.db.user("U3")).toBeDefined();
    expect(s.fn.output()).toMatch(/retrying ORDS call/);
  });

  it("gets a new token once when ORDS says 401 (expired token)", async () => {
    s.ords.expireAllTokens();
    s.ords.stats.reset();
    const r = await s.send(created("ocid1.user.oc1..aaaau4", "u4"));
    expect(r.status).toBe(200);
    expect(s.ords.stats.tokenRequests).toBe(1);
  });

  it("stops retrying at the invocation deadline and says so", async () => {
    s.ords.faults.next({ path: "sql", status: 503, times: 50 });
    const r = await s.send(created("ocid1.user.oc1..aaaau5", "u5"), { deadline: new Date(Date.now() + 1500) });
    s.ords.faults.clear();
    expect(failure(r)).toMatchObject({ outcome: "failed", error: "unavailable", retryable: true });
    expect(failure(r).message).toMatch(/503|deadline/);
    expect(s.ords.db.user("U5")).toBeUndefined();
  });

  it("reports ORA-01031 (insufficient privileges) without retrying, and leaves no account behind", async () => {
    s.ords.db.revokeAdminPrivileges();
    s.ords.stats.reset();
    const r = await s.send(created("ocid1.user.oc1..aaaau6", "u6"));
    s.ords.db.restoreAdminPrivileges();
    const f = failure(r);
    expect(f.outcome).toBe("failed");
    expect(f.reason).toMatch(/ORA-01031/);
    expect(s.ords.stats.sqlRequests).toBe(2);
    expect(s.ords.db.user("U6")).toBeUndefined();
    // the PENDING row makes the retry know the account is ours
    const again = await s.send(created("ocid1.user.oc1..aaaau6", "u6"));
    expect((again.json as any).outcome).toBe("applied");
    expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").find((r) => r.DB_USERNAME === "U6")).toMatchObject({ STATUS: "OPEN" });
  });

  it("fails a grant of a role missing in the database as permanent, naming it", async () => {
    await s.send(created("ocid1.user.oc1..aaaau7", "u7"));
    s.ords.db.ddlDropRole("SALES_READ");
    const e = exampleEvent("addusertogroup") as Record<string, any>;
    e.eventID = "evt-u7-readers";
    e.data.additionalDetails.userId = "ocid1.user.oc1..aaaau7";
    const f = failure(await s.send(e));
    s.ords.db.createRole("SALES_READ");
    expect(f.reason).toMatch(/grant U7: ORA-01919/);
    // The failed unit left registry and change log agreeing: the next delivery claims the next version and applies.
    expect(failure(await s.send({ ...e, eventID: "evt-u7-readers-again" }))).toMatchObject({ outcome: "applied" });
    expect(s.ords.db.rolesOf("U7")).toContain("SALES_READ");
  });

  it("never touches an account it did not create, and refuses name collisions", async () => {
    const hr = failure(await s.send(created("ocid1.user.oc1..aaaahr", "hr")));
    expect(hr).toMatchObject({ outcome: "refused" });
    expect(hr.reason).toMatch(/HR exists and was not created by iam-adb-sync/);
    expect(s.ords.db.objectsOf("HR")).toHaveLength(7);

    await s.send(created("ocid1.user.oc1..aaaaja", "j.a"));
    const clash = failure(await s.send(created("ocid1.user.oc1..aaaajb", "j_a")));
    expect(clash.reason).toMatch(/J_A already belongs to IAM user ocid1.user.oc1..aaaaja/);

    const admin = failure(await s.send(created("ocid1.user.oc1..aaaaad", "admin")));
    expect(admin).toMatchObject({ error: "name_refused" });
    expect(s.ords.db.user("ADMIN")?.accountStatus).toBe("OPEN");
  });
});

describe("configuration and secrets", () => {
  it("a missing config key stops the invocation with an error naming it", async () => {
    const s = await startLocalStack({ config: { ORDS_URL: "" } });
    try {
      const f = failure(await s.send("createuser"));
      expect(f).toEqual({ error: "config_invalid", message: "config ORDS_URL: is required", retryable: false });
    } finally {
      await s.stop();
    }
  });

  it("a deny-listed role in the mapping is refused at load", async () => {
    const s = await startLocalStack({ config: { GROUP_ROLE_MAP: '{"DB-Readers":["PDB_DBA"]}' } });
    try {
      expect(failure(await s.send("createuser")).message).toBe("config GROUP_ROLE_MAP.DB-Readers: PDB_DBA is on the deny-list and may not be granted by this product");
    } finally {
      await s.stop();
    }
  });

  it("a malformed secret is reported without its content, and wrong credentials as a 401", async () => {
    const s = await startLocalStack();
    try {
      s.oci.secrets.set(ORDS_SECRET_OCID, JSON.stringify({ clientId: "x", clientSecrt: "hunter2-value" }));
      const bad = failure(await s.send("createuser"));
      expect(JSON.stringify(bad)).not.toContain("hunter2-value");
      expect(bad.message).toMatch(/clientSecret/);
      expect(s.fn.output()).not.toContain("hunter2-value");
    } finally {
      await s.stop();
    }
    const t = await startLocalStack();
    try {
      t.oci.secrets.set(ORDS_SECRET_OCID, JSON.stringify({ clientId: DEFAULT_CLIENT.clientId, clientSecret: "wrong-secret-value" }));
      const refused = failure(await t.send("createuser"));
      expect(refused.message).toMatch(/refused \(401\)/);
      expect(t.fn.output()).not.toContain("wrong-secret-value");
    } finally {
      await t.stop();
    }
  });

  it("ORDS down: a specific, retryable error", async () => {
    const s = await startLocalStack();
    try {
      await s.ords.close();
      const f = failure(await s.send("createuser", { deadline: new Date(Date.now() + 2000) }));
      expect(f).toMatchObject({ error: "unavailable", retryable: true });
      expect(f.message).toMatch(/unreachable/);
    } finally {
      await s.fn.stop();
      await s.oci.close();
    }
  });
});

describe("modes", () => {
  it("database basic auth, password accounts (random, expired, never shown), drop policy", async () => {
    const s = await startLocalStack({ auth: "basic", config: { ACCOUNT_AUTH: "password", DELETE_POLICY: "drop" } });
    try {
      s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaajane");
      s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaabob");
      const r = await s.send("createuser");
      const body = r.json as any;
      expect(body.outcome).toBe("applied");
      const create = body.statements.find((x: any) => x.op === "create_user");
      expect(create.sql).toBe('CREATE USER "JANE_DOE_EXAMPLE_COM" IDENTIFIED BY "********" PASSWORD EXPIRE');
      expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")).toMatchObject({ authenticationType: "PASSWORD", accountStatus: "EXPIRED" });
      expect(s.fn.output()).not.toContain(DEFAULT_ADMIN.password);
      expect(s.ords.stats.tokenRequests).toBe(0);

      // owns objects → kept (locked), never dropped silently
      s.ords.db.addObjects("JANE_DOE_EXAMPLE_COM", 3);
      s.oci.identity.deleteUser("ocid1.user.oc1..aaaajane");
      const kept = (await s.send("deleteuser")).json as any;
      expect(kept.notes.join()).toMatch(/kept JANE_DOE_EXAMPLE_COM locked .* owns 3 objects/);
      expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toMatch(/LOCKED/);

      // an empty schema is dropped; its registry row stays as a tombstone
      await s.send("createuser-camelcase-audit");
      s.oci.identity.deleteUser("ocid1.user.oc1..aaaabob");
      const del = exampleEvent("deleteuser") as any;
      del.eventID = "evt-del-bob";
      del.data.resourceId = del.data.additionalDetails.userId = "ocid1.user.oc1..aaaabob";
      expect(((await s.send(del)).json as any).outcome).toBe("applied");
      expect(s.ords.db.user("BOB")).toBeUndefined();
      expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").map((r) => [r.DB_USERNAME, r.STATUS]).sort()).toEqual([
        ["BOB", "DROPPED"],
        ["JANE_DOE_EXAMPLE_COM", "DELETED"],
      ]);
    } finally {
      await s.stop();
    }
  });

  it("dry run plans and reports the SQL without executing it", async () => {
    const s = await startLocalStack({ config: { DRY_RUN: "true" } });
    try {
      s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaajane");
      const body = (await s.send("createuser")).json as any;
      expect(body).toMatchObject({ outcome: "planned", dryRun: true });
      expect(body.statements.map((x: any) => x.sql)).toContain(`CREATE USER "JANE_DOE_EXAMPLE_COM" IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=jane.doe@example.com'`);
      expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")).toBeUndefined();
      expect(s.ords.db.table("IAM_ADB_SYNC_ACCOUNTS")).toBeUndefined();
    } finally {
      await s.stop();
    }
  });
});
