import { startLandscape, type Landscape } from "./support";

const NAMES = ["amy", "ben", "cat", "dov", "eve", "fay", "gus", "hal"];
const dbName = (n: string) => `${n.toUpperCase()}_EXAMPLE_COM`;

describe("reconcile runs: failures, deadline and checkpoint, deletion guard, dry run", () => {
  let land: Landscape;
  beforeEach(async () => {
    land = await startLandscape({ pageSize: 2 });
    for (const n of NAMES) land.addUser(`${n}@example.com`, ["DB-Readers"]);
  });
  afterEach(() => land.close());

  it("a SCIM page that fails mid-run stops the run with a clear error before any change; the next run completes", async () => {
    land.scim.faults.inject({ method: "GET", path: "/admin/v1/Users", query: { startIndex: "5" }, status: 500, times: 1 });
    const statementsBefore = land.ords.stats.statements;
    await expect(land.run()).rejects.toThrow(/identity domain 127\.0\.0\.1:\d+ answered 500 for the Users page startIndex=5/);
    expect(land.ords.db.table("IAM_ADB_SYNC_ACCOUNTS")).toBeUndefined();
    expect(NAMES.map((n) => land.ords.db.user(dbName(n)))).toEqual(NAMES.map(() => undefined));
    expect(land.ords.stats.statements - statementsBefore).toBeGreaterThan(0); // reads only
    const r = await land.run();
    expect(r.report.outcome).toBe("applied");
    expect(NAMES.every((n) => land.rolesOf(dbName(n)).includes("SALES_READ"))).toBe(true);
  });

  it("retries a transient SCIM page (503) and goes on", async () => {
    const fault = land.scim.faults.inject({ method: "GET", path: "/admin/v1/Users", query: { startIndex: "3" }, status: 503, times: 1 });
    const r = await land.run();
    expect(fault.fired).toBe(1);
    expect(r.report.outcome).toBe("applied");
    expect(r.report.iamUsers).toBe(NAMES.length);
  });

  it("a run cut by the deadline saves its checkpoint; the next run continues after it and finishes", async () => {
    // A clock that moves 10 s per ORDS call once applying starts: the deadline (35 s away, 5 s reserve)
    // admits two one-account batches and the checkpoint write between them.
    const start = Date.now();
    const stats = land.ords.stats;
    let applyFrom: number | undefined;
    const now = () => start + (applyFrom === undefined ? 0 : (stats.sqlRequests - applyFrom) * 10_000);
    const onPhase = (phase: string) => {
      if (phase === "apply") applyFrom = stats.sqlRequests;
    };
    const first = await land.run({ now, onPhase, deadline: new Date(start + 35_000) });
    expect(first.report.applied?.accounts).toBe(2);
    expect(first.report.outcome).toBe("incomplete");
    const doneFirst = first.report.applied?.accounts ?? 0;
    expect(doneFirst).toBeGreaterThan(0);
    expect(doneFirst).toBeLessThan(NAMES.length);
    const created = NAMES.filter((n) => land.ords.db.user(dbName(n)));
    expect(created).toHaveLength(doneFirst);
    const [cp] = land.ords.db.tableRows("IAM_ADB_SYNC_RECONCILE");
    expect(cp).toMatchObject({ STATUS: "RUNNING", LAST_ACCOUNT: first.report.resumeAfter, RUN_ID: first.report.runId });

    const second = await land.run();
    expect(second.report).toMatchObject({ outcome: "applied", resumed: true, runId: first.report.runId, accountsToChange: NAMES.length - doneFirst });
    expect(second.report.applied?.accounts).toBe(NAMES.length - doneFirst);
    expect(NAMES.every((n) => land.rolesOf(dbName(n)).includes("SALES_READ"))).toBe(true);
    const [closed] = land.ords.db.tableRows("IAM_ADB_SYNC_RECONCILE");
    expect(closed?.STATUS).toBe("DONE");
    expect(JSON.parse(String(closed?.PROGRESS))).toMatchObject({ invocations: 2, accountsDone: NAMES.length });
    expect((await land.run()).report).toMatchObject({ outcome: "unchanged", resumed: false });
  });

  it("an ORDS failure while applying keeps the checkpoint of what went through; the next run resumes", async () => {
    let applying = false;
    const failed = land.run({
      onPhase: (phase) => (applying = phase === "apply"),
      // After the first batch went through, the next ORDS call fails for good (500 is not retried).
      onProgress: (done) => {
        if (applying && done > 0 && land.ords.faults.pending === 0) land.ords.faults.next({ path: "sql", status: 500 });
      },
    });
    await expect(failed).rejects.toThrow(/ORDS at 127\.0\.0\.1:\d+ answered 500/);
    const [cp] = land.ords.db.tableRows("IAM_ADB_SYNC_RECONCILE");
    expect(cp?.STATUS).toBe("RUNNING");
    // The cursor is the IAM user OCID of the last account that went through (the merge's key order).
    const done = NAMES.filter((n) => land.ords.db.user(dbName(n)));
    expect(done.length).toBeGreaterThan(0);
    expect(cp?.LAST_ACCOUNT).toBe(land.user(`${done[done.length - 1]}@example.com`).ocid);

    const r = await land.run();
    expect(r.report).toMatchObject({ outcome: "applied", resumed: true, runId: cp?.RUN_ID, skippedByCheckpoint: 0 });
    expect(r.report.applied?.accounts).toBe(NAMES.length - done.length);
    expect(NAMES.every((n) => land.rolesOf(dbName(n)).includes("SALES_READ"))).toBe(true);
  });

  it("the deletion guard stops a run that would lock too many accounts, changes nothing, and force overrides it", async () => {
    await land.run();
    for (const n of NAMES.slice(0, 5)) land.scim.store.deleteUser(land.user(`${n}@example.com`).id);
    const guard = { RECONCILE_GUARD_SHARE: "0.5", RECONCILE_GUARD_MAX: "4" };
    const statementsBefore = land.ords.stats.statements;
    const tripped = await land.run({}, guard);
    expect(tripped.report.outcome).toBe("guard_tripped");
    expect(tripped.report.guard).toMatchObject({ tripped: true, affected: 5, managed: 8 });
    expect(tripped.report.reason).toMatch(/would remove or lock 5 of 8 managed accounts \(more than RECONCILE_GUARD_MAX=4; 62\.5% is more than RECONCILE_GUARD_SHARE=0\.5\); nothing was changed/);
    expect(NAMES.map((n) => land.status(dbName(n)))).toEqual(NAMES.map(() => "OPEN"));
    expect(land.ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").every((r) => r.STATUS === "OPEN")).toBe(true);
    expect(land.ords.stats.statements - statementsBefore).toBeLessThan(13); // reads only: the registry shape (3), the checkpoint, the registry and dictionary pages

    const forced = await land.run({ force: true }, guard);
    expect(forced.report).toMatchObject({ outcome: "applied", forced: true });
    expect(NAMES.map((n) => land.status(dbName(n)))).toEqual([...NAMES.slice(0, 5).map(() => "LOCKED"), "OPEN", "OPEN", "OPEN"]);
  });

  it("a dry run reports counts and statements and changes nothing (not even the registry or checkpoint tables)", async () => {
    const r = await land.run({ dryRun: true }, { ACCOUNT_AUTH: "password" });
    expect(r.report).toMatchObject({ outcome: "planned", dryRun: true, accountsToChange: NAMES.length });
    expect(r.report.ops).toMatchObject({ create_user: 8, grant: 16, registry_insert: 8, registry_update: 8 });
    const { planStatements } = await import("../../function/src/reconcile/run");
    const sql = planStatements(r.plan.work).map((s) => s.sql);
    expect(sql).toContain(`GRANT "SALES_READ" TO "${dbName("amy")}"`);
    expect(sql.find((s) => s.startsWith(`CREATE USER "${dbName("amy")}"`))).toBe(`CREATE USER "${dbName("amy")}" IDENTIFIED BY "********" PASSWORD EXPIRE`);
    expect(land.ords.db.table("IAM_ADB_SYNC_ACCOUNTS")).toBeUndefined();
    expect(land.ords.db.table("IAM_ADB_SYNC_RECONCILE")).toBeUndefined();
    expect(NAMES.map((n) => land.ords.db.user(dbName(n)))).toEqual(NAMES.map(() => undefined));
  });
});
