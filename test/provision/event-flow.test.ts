import { DEFAULT_CLIENT } from "../servers/ords";
import { replyBody } from "../support/fdk-harness";
import { exampleEvent, startLocalStack, type LocalStack } from "../support/local-stack";

/** The bundled function under the real fdk listener, against the loopback ORDS and OCI servers. */
describe("IAM events → database accounts (bundled function, fdk socket, loopback ORDS + OCI)", () => {
  let s: LocalStack;
  beforeAll(async () => {
    s = await startLocalStack();
  });
  afterAll(async () => s?.stop());

  const body = replyBody;

  it("creates an IAM-authenticated account for a created user, and registers it", async () => {
    const r = await s.send("createuser");
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({
      eventId: "evt-0001-create-jane",
      action: "user.created",
      outcome: "applied",
      principal: { iamUserId: "ocid1.user.oc1..aaaajane", iamUserName: "jane.doe@example.com", dbUsername: "JANE_DOE_EXAMPLE_COM" },
    });
    const user = s.ords.db.user("JANE_DOE_EXAMPLE_COM");
    expect(user).toMatchObject({ accountStatus: "OPEN", authenticationType: "GLOBAL", externalName: "IAM_PRINCIPAL_NAME=jane.doe@example.com" });
    expect(s.ords.db.sysPrivsOf("JANE_DOE_EXAMPLE_COM")).toEqual(["CREATE SESSION"]);
    expect(body(r).notes).toEqual(["created the registry table IAM_ADB_SYNC_ACCOUNTS"]);
    expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")).toEqual([
      expect.objectContaining({ DB_USERNAME: "JANE_DOE_EXAMPLE_COM", IAM_USER_ID: "ocid1.user.oc1..aaaajane", STATUS: "OPEN", MAPPED_GROUPS: "[]" }),
    ]);
  });

  it("re-delivery of the same create changes nothing", async () => {
    s.ords.stats.reset();
    const r = await s.send("createuser");
    expect(body(r)).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.stats.statements).toBe(2); // the two look-up queries only
  });

  it("grants the mapped roles when the user joins a mapped group (group name looked up by OCID)", async () => {
    const r = await s.send("addusertogroup");
    expect(body(r)).toMatchObject({ outcome: "applied", principal: { group: "DB-Readers" } });
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual(["SALES_READ"]);
  });

  it("ignores membership of an unmapped group, saying why", async () => {
    const ev = exampleEvent("addusertogroup") as Record<string, any>;
    ev.eventID = "evt-marketing";
    ev.data.additionalDetails.groupId = "ocid1.group.oc1..aaaamarketing";
    const r = await s.send(ev);
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ outcome: "ignored", reason: 'group "Marketing" is not in GROUP_ROLE_MAP' });
  });

  it("locks and unlocks on user state changes", async () => {
    await s.send("updateuserstate-blocked");
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toBe("LOCKED");
    await s.send("updateuserstate-unblocked");
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toBe("OPEN");
  });

  it("revokes on removal, and a repeated removal is a success", async () => {
    expect(body(await s.send("removeuserfromgroup"))).toMatchObject({ outcome: "applied" });
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual([]);
    expect(body(await s.send("removeuserfromgroup"))).toMatchObject({ outcome: "unchanged" });
  });

  it("a deleted IAM user (no name in the event) reaches the right account through the registry: locked, roles revoked, schema kept", async () => {
    await s.send("addusertogroup");
    const r = await s.send("deleteuser");
    expect(body(r)).toMatchObject({ outcome: "applied", principal: { dbUsername: "JANE_DOE_EXAMPLE_COM" } });
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toBe("LOCKED");
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual([]);
    expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")[0]).toMatchObject({ STATUS: "DELETED" });
    expect(body(await s.send("deleteuser"))).toMatchObject({ outcome: "unchanged" });
  });

  it("looks the name up when the event carries only ids", async () => {
    const r = await s.send("createuser-ids-only");
    expect(body(r)).toMatchObject({ outcome: "applied", principal: { dbUsername: "CAROL_SMITH_EXAMPLE_COM" } });
    expect(s.ords.db.user("CAROL_SMITH_EXAMPLE_COM")).toBeDefined();
  });

  it("a membership that arrives before its user's create event creates the account; the create then changes nothing", async () => {
    const add = exampleEvent("addusertogroup-bob-writers") as Record<string, any>;
    const first = await s.send(add);
    expect(body(first)).toMatchObject({ outcome: "applied", principal: { dbUsername: "BOB", group: "DB-Writers" } });
    expect(s.ords.db.rolesOf("BOB")).toEqual(["SALES_READ", "SALES_WRITE"]);
    expect(body(await s.send("createuser-camelcase-audit"))).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.db.rolesOf("BOB")).toEqual(["SALES_READ", "SALES_WRITE"]);
  });

  it("refuses a hostile name with a 400 and changes nothing", async () => {
    const before = s.ords.stats.sqlRequests;
    const r = await s.send("hostile-name");
    // A permanent refusal: 200 so a retrying caller stops, the 400 in Fn-Http-Status, the reason in the body.
    expect([r.status, r.headers["fn-http-status"]]).toEqual([200, "400"]);
    const detail = replyBody(r);
    expect(detail).toMatchObject({ outcome: "invalid", error: "invalid_event", retryable: false });
    expect(detail.message).toMatch(/user name at \$\.data\.resourceName may only contain/);
    expect(s.ords.stats.sqlRequests).toBe(before);
  });

  it("acknowledges unrelated events as ignored", async () => {
    const r = await s.send("unrelated-createbucket");
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ outcome: "ignored" });
  });

  it("writes one audit record per event, none overwritten, without secrets", async () => {
    const names = s.oci.objects.list("iam-adb-sync-audit");
    expect(names.length).toBeGreaterThanOrEqual(9);
    expect(new Set(names).size).toBe(names.length);
    const all = JSON.stringify(s.oci.objects.json("iam-adb-sync-audit"));
    expect(all).not.toContain(DEFAULT_CLIENT.clientSecret);
    expect(all).toContain("evt-0001-create-jane");
  });

  it("never logs a secret or token", () => {
    const out = s.fn.output();
    expect(out).not.toContain(DEFAULT_CLIENT.clientSecret);
    expect(out).not.toMatch(/Bearer [A-Za-z0-9]/);
    // every line the function writes is a JSON object (OCI Logging ingests them)
    const lines = out.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });
});
