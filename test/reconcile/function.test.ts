import { startOciServer, type OciServer } from "../servers/oci/server";
import { replyBody, startFunction, type FnReply, type RunningFunction } from "../support/fdk-harness";
import { ORDS_SECRET_OCID } from "../support/local-stack";
import { DEFAULT_CLIENT } from "../servers/ords";
import { ROLE_MAP, SCIM_CLIENT, startLandscape, type Landscape } from "./support";

/** A reply's socket status and our JSON (a refusal answers 200 with Fn-Http-Status; a failure 502 with our JSON in `detail`). */
const failure = (r: FnReply): { status: number; body: Record<string, unknown> } => ({
  status: r.status,
  body: replyBody(r),
});

const SCIM_SECRET_OCID = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaascimclient";

describe("reconcile through the bundled function (fdk listener)", () => {
  let land: Landscape;
  let oci: OciServer;
  let fn: RunningFunction;
  const fnConfig = () => ({
    ORDS_URL: land.ords.url,
    ORDS_SECRET_OCID,
    GROUP_ROLE_MAP: JSON.stringify(ROLE_MAP),
    OCI_SECRETS_ENDPOINT: oci.url,
    IDENTITY_DOMAIN_URL: land.scim.url,
    RECONCILE_SECRET_OCID: SCIM_SECRET_OCID,
    OCI_OBJECTSTORAGE_ENDPOINT: oci.url,
    AUDIT_BUCKET: "iam-adb-sync-audit",
    LOG_LEVEL: "info",
  });
  beforeAll(async () => {
    land = await startLandscape();
    oci = await startOciServer();
    oci.secrets.set(ORDS_SECRET_OCID, JSON.stringify(DEFAULT_CLIENT));
    oci.secrets.set(SCIM_SECRET_OCID, JSON.stringify(SCIM_CLIENT));
    land.addUser("alice@example.com", ["DB-Readers"]);
    land.addUser("bob@example.com", ["DB-Writers"]);
    fn = await startFunction({ ...oci.env, ...fnConfig() });
  });
  afterAll(async () => {
    await fn.stop();
    await oci.close();
    await land.close();
  });

  it("plans with dryRun, applies, then finds nothing to do; secrets stay out of replies and logs", async () => {
    const dry = await fn.invoke({ action: "reconcile", dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ action: "reconcile", outcome: "planned", dryRun: true, accountsToChange: 2, ops: { create_user: 2, grant: 5 } });
    const statements = (dry.json as { statements: { items: { sql: string }[]; omitted: number } }).statements;
    expect(statements.items.map((s) => s.sql)).toContain('GRANT "SALES_WRITE" TO "BOB_EXAMPLE_COM"');
    expect(land.ords.db.user("ALICE_EXAMPLE_COM")).toBeUndefined();

    const applied = await fn.invoke({ action: "reconcile" }, { deadline: new Date(Date.now() + 120_000) });
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ outcome: "applied", dryRun: false, applied: { accounts: 2, failures: { items: [], omitted: 0 } } });
    expect((applied.json as { remoteCalls: { scim: number; ordsSql: number } }).remoteCalls.scim).toBeGreaterThan(0);
    expect(land.rolesOf("BOB_EXAMPLE_COM")).toEqual(["SALES_READ", "SALES_WRITE"]);

    const again = await fn.invoke({ action: "reconcile", dryRun: false, force: false });
    expect(again.json).toMatchObject({ outcome: "unchanged", accountsToChange: 0, unchanged: 2 });

    const audit = oci.objects.json("iam-adb-sync-audit") as Record<string, unknown>[];
    expect(audit.map((r) => [r.action, r.outcome])).toEqual([
      ["reconcile", "planned"],
      ["reconcile", "applied"],
      ["reconcile", "unchanged"],
    ]);
    const text = fn.output() + dry.body + applied.body + JSON.stringify(audit);
    for (const secret of [SCIM_CLIENT.clientSecret, DEFAULT_CLIENT.clientSecret]) expect(text).not.toContain(secret);
    expect(fn.output()).toMatch(/"msg":"reconcile applied"/);
  });

  it("fails a malformed reconcile request with a specific message and changes nothing", async () => {
    const before = land.ords.stats.sqlRequests;
    const r = failure(await fn.invoke({ action: "reconcile", dryRun: "yes" }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ retryable: false });
    expect(r.body).toMatchObject({ error: "invalid_request", message: "dryRun must be a JSON boolean" });
    const extra = failure(await fn.invoke({ action: "reconcile", everything: true }));
    expect(extra.body).toMatchObject({ message: expect.stringMatching(/unknown field\(s\) everything/) });
    expect(land.ords.stats.sqlRequests).toBe(before);
  });

  it("fails on a tripped guard and reports a SCIM outage as retryable, changing nothing", async () => {
    land.scim.store.deleteUser(land.user("alice@example.com").id);
    land.scim.store.deleteUser(land.user("bob@example.com").id);
    const guarded = failure(await fn.invoke({ action: "reconcile" }));
    expect(guarded.status).toBe(200);
    expect(guarded.body).toMatchObject({ outcome: "guard_tripped", guard: { tripped: true, affected: 2, managed: 2 } });
    expect(land.status("ALICE_EXAMPLE_COM")).toBe("OPEN");

    land.scim.faults.inject({ method: "GET", path: "/admin/v1/Users", status: 503, times: 20 });
    const down = failure(await fn.invoke({ action: "reconcile", force: true }, { deadline: new Date(Date.now() + 3_000) }));
    land.scim.faults.clear();
    expect(down.status).toBe(502);
    expect(down.body).toMatchObject({ outcome: "failed", error: "unavailable", retryable: true });
    expect(land.status("ALICE_EXAMPLE_COM")).toBe("OPEN");
  });

  it("a FUNCTION_ROLE=reconcile deployment reconciles on an empty body (what a scheduler sends), guard included, and refuses events", async () => {
    const config = { ...oci.env, ...fnConfig(), FUNCTION_ROLE: "reconcile", DRY_RUN: "true" };
    const scheduled = await startFunction(config);
    try {
      // The previous test removed both IAM users: a scheduled run still stops at the deletion guard…
      expect(replyBody(await scheduled.invoke(""))).toMatchObject({ action: "reconcile", outcome: "guard_tripped", dryRun: true });
      // …and an explicit request body is still honoured.
      const forced = await scheduled.invoke({ action: "reconcile", force: true });
      expect(forced.status).toBe(200);
      expect(forced.json).toMatchObject({ action: "reconcile", outcome: "planned", dryRun: true });
      const event = replyBody(await scheduled.invoke({ cloudEventsVersion: "0.1", eventType: "x", eventID: "e1", data: {} }));
      expect(event).toMatchObject({ error: "invalid_request", message: expect.stringMatching(/this function only reconciles/) });
    } finally {
      await scheduled.stop();
    }
  });
});
