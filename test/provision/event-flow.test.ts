import { performance } from "node:perf_hooks";
import { DEFAULT_CLIENT } from "../servers/ords";
import { replyBody } from "../support/fdk-harness";
import { exampleEvent, startLocalStack, type LocalStack } from "../support/local-stack";
import { watchingRequests } from "../support/server-requests";

const JANE = "ocid1.user.oc1..aaaajane";
const BOB = "ocid1.user.oc1..aaaabob";
const READERS = "ocid1.group.oc1..aaaareaders";
const WRITERS = "ocid1.group.oc1..aaaawriters";

/**
 * The bundled function under the real fdk listener, against the loopback ORDS and OCI servers. Events only
 * say which user to look at: every expectation follows from the identity domain's state, not the payload.
 */
describe("IAM events → database accounts (bundled function, fdk socket, loopback ORDS + identity domain)", () => {
  let s: LocalStack;
  beforeAll(async () => {
    s = await startLocalStack();
  });
  afterAll(async () => s?.stop());

  const body = replyBody;

  it("a created user in no mapped group gets no account", async () => {
    const r = await s.send("createuser");
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ eventId: "evt-0001-create-jane", action: "user.created", outcome: "unchanged", reason: "the user is in no mapped group and has no account" });
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")).toBeUndefined();
    // The first invocation's start check created the tables and checked the mapped roles, and said so.
    expect(s.fn.output()).toMatch(/start check: roles may be granted: SALES_READ, SALES_WRITE; registry created: CREATE TABLE IAM_ADB_SYNC_ACCOUNTS; CREATE TABLE IAM_ADB_SYNC_CHANGES/);
  });

  it("joining a mapped group (read from the identity domain) creates an IAM-authenticated account with the group's roles", async () => {
    s.oci.identity.addMember(READERS, JANE);
    const r = await s.send("addusertogroup");
    expect(body(r)).toMatchObject({
      outcome: "applied",
      principal: { iamUserId: JANE, iamUserName: "jane.doe@example.com", dbUsername: "JANE_DOE_EXAMPLE_COM" },
    });
    expect(body(r).steps.map((x: any) => x.step)).toEqual(["read_iam", "read_database", "plan", "execute"]);
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")).toMatchObject({ accountStatus: "OPEN", authenticationType: "GLOBAL", externalName: "IAM_PRINCIPAL_NAME=jane.doe@example.com" });
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual(["SALES_READ"]);
    expect(s.ords.db.sysPrivsOf("JANE_DOE_EXAMPLE_COM")).toEqual(["CREATE SESSION"]);
    expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")).toEqual([
      expect.objectContaining({ DB_USERNAME: "JANE_DOE_EXAMPLE_COM", IAM_USER_ID: JANE, STATUS: "OPEN", MAPPED_GROUPS: '["DB-Readers"]', VERSION: 1 }),
    ]);
  });

  it("re-delivery changes nothing: one identity read and one database read", async () => {
    s.ords.stats.reset();
    s.oci.stats.reset();
    const r = await s.send("addusertogroup");
    expect(body(r)).toMatchObject({ outcome: "unchanged", remoteCalls: { identity: 1, ordsSql: 1 } });
    expect(s.ords.stats.sqlRequests).toBe(1);
  });

  it("a member event reads the account while IAM answers: the look-up reaches ORDS before the identity read's reply is out", async () => {
    const seen: { what: string; at: number }[] = [];
    const r = await watchingRequests(
      (request, response) => {
        const url = request.url ?? "";
        if (url.startsWith("/ords/") && url.endsWith("/sql")) seen.push({ what: "ords request", at: performance.now() });
        if (url.startsWith("/admin/v1/Users")) response.once("finish", () => seen.push({ what: "identity reply", at: performance.now() }));
      },
      () => s.send("addusertogroup"),
    );
    expect(body(r)).toMatchObject({ outcome: "unchanged", remoteCalls: { identity: 1, ordsSql: 1 } });
    expect(seen.sort((a, b) => a.at - b.at).map((e) => e.what)).toEqual(["ords request", "identity reply"]);
  });

  it("membership of an unmapped group changes nothing", async () => {
    s.oci.identity.addMember("ocid1.group.oc1..aaaamarketing", JANE);
    const r = await s.send("addusertogroup-jane-marketing");
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual(["SALES_READ"]);
  });

  it("locks and unlocks as the identity domain's user state says", async () => {
    s.oci.identity.users.get(JANE)!.blocked = true;
    await s.send("updateuserstate-blocked");
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toBe("LOCKED");
    s.oci.identity.users.get(JANE)!.blocked = false;
    await s.send("updateuserstate-unblocked");
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toBe("OPEN");
  });

  it("revokes when the identity domain shows the user left; a repeated removal is a success", async () => {
    s.oci.identity.removeMember(READERS, JANE);
    expect(body(await s.send("removeuserfromgroup"))).toMatchObject({ outcome: "applied" });
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual([]);
    expect(body(await s.send("removeuserfromgroup"))).toMatchObject({ outcome: "unchanged" });
  });

  it("a user deleted in IAM (404 confirmed): locked, roles revoked, schema kept, registry row kept as a tombstone", async () => {
    s.oci.identity.addMember(READERS, JANE);
    await s.send("addusertogroup");
    s.oci.identity.deleteUser(JANE);
    const r = await s.send("deleteuser");
    expect(body(r)).toMatchObject({ outcome: "applied", principal: { dbUsername: "JANE_DOE_EXAMPLE_COM" } });
    expect(s.ords.db.user("JANE_DOE_EXAMPLE_COM")?.accountStatus).toBe("LOCKED");
    expect(s.ords.db.rolesOf("JANE_DOE_EXAMPLE_COM")).toEqual([]);
    expect(s.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS")[0]).toMatchObject({ STATUS: "DELETED" });
    expect(body(await s.send("deleteuser"))).toMatchObject({ outcome: "unchanged" });
  });

  it("an event that carries only ids is enough: the name comes from the identity domain", async () => {
    s.oci.identity.addMember(WRITERS, "ocid1.user.oc1..aaaacarol");
    const r = await s.send("createuser-ids-only");
    expect(body(r)).toMatchObject({ outcome: "applied", principal: { dbUsername: "CAROL_SMITH_EXAMPLE_COM" } });
    expect(s.ords.db.rolesOf("CAROL_SMITH_EXAMPLE_COM")).toEqual(["SALES_READ", "SALES_WRITE"]);
  });

  it("a membership that arrives before its user's create event creates the account; the create then changes nothing", async () => {
    s.oci.identity.addMember(WRITERS, BOB);
    const first = await s.send(exampleEvent("addusertogroup-bob-writers"));
    expect(body(first)).toMatchObject({ outcome: "applied", principal: { dbUsername: "BOB" } });
    expect(s.ords.db.rolesOf("BOB")).toEqual(["SALES_READ", "SALES_WRITE"]);
    expect(body(await s.send("createuser-camelcase-audit"))).toMatchObject({ outcome: "unchanged" });
    expect(s.ords.db.rolesOf("BOB")).toEqual(["SALES_READ", "SALES_WRITE"]);
  });

  it('provision on demand: {"action":"sync","userId":…} syncs one user and returns each step', async () => {
    s.oci.identity.addUser({ id: "ocid1.user.oc1..aaaademand", name: "on.demand" });
    s.oci.identity.addMember(READERS, "ocid1.user.oc1..aaaademand");
    const planned = body(await s.fn.invoke({ action: "sync", userId: "ocid1.user.oc1..aaaademand", dryRun: true }));
    expect(planned).toMatchObject({ action: "sync", outcome: "planned", dryRun: true });
    expect(s.ords.db.user("ON_DEMAND")).toBeUndefined();
    const r = body(await s.fn.invoke({ action: "sync", userId: "ocid1.user.oc1..aaaademand" }));
    expect(r).toMatchObject({ action: "sync", outcome: "applied", principal: { dbUsername: "ON_DEMAND" } });
    expect(r.steps.map((x: any) => x.step)).toEqual(["read_iam", "read_database", "plan", "execute"]);
    expect(r.statements.map((x: any) => x.sql)).toContain(`GRANT "SALES_READ" TO "ON_DEMAND"`);
    const bad = await s.fn.invoke({ action: "sync", userId: "jane" });
    expect(body(bad)).toMatchObject({ outcome: "invalid", error: "invalid_request" });
    expect(body(bad).message).toMatch(/userId is not an OCID/);
  });

  it("refuses a hostile name in the payload and changes nothing", async () => {
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
    const lines = out.split("\n").filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });
});
