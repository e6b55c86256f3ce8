import { isLockedStatus } from "../../function/src/plan/planner";
import { checkGuard } from "../../function/src/reconcile/guard";
import { parseReconcileRequest } from "../../function/src/reconcile/request";
import { batches, type AccountWork } from "../../function/src/reconcile/work";

const work = (name: string, size: number, removesOrLocks = false): AccountWork => ({
  dbUsername: name,
  iamUserId: `ocid1.user.oc1..${name.toLowerCase()}`,
  size,
  removesOrLocks,
  inputs: {},
});

describe("reconcile parts", () => {
  it("batches whole accounts up to the statement budget; an oversized account goes alone", () => {
    const sizes = [...batches([work("A", 3), work("B", 3), work("C", 9), work("D", 1), work("E", 2)], 6)].map((b) => b.map((w) => w.dbUsername));
    expect(sizes).toEqual([["A", "B"], ["C"], ["D", "E"]]);
  });

  it("trips the deletion guard on the number or on the share, and says which", () => {
    const w = [work("A", 1, true), work("B", 1, true), work("C", 1, false)];
    expect(checkGuard(w, 10, { share: 0.2, max: 2 })).toEqual({ tripped: false, affected: 2, managed: 10 });
    expect(checkGuard(w, 10, { share: 0.2, max: 1 }).reason).toMatch(/^the run would remove or lock 2 of 10 managed accounts \(more than RECONCILE_GUARD_MAX=1\)/);
    expect(checkGuard(w, 4, { share: 0.2, max: 5 }).reason).toMatch(/\(50\.0% is more than RECONCILE_GUARD_SHARE=0\.2\)/);
    expect(checkGuard([], 0, { share: 0, max: 0 }).tripped).toBe(false);
  });

  it("counts administrator locks as locked, not the timed lock after failed logins", () => {
    expect(["OPEN", "LOCKED", "EXPIRED & LOCKED", "EXPIRED(GRACE) & LOCKED", "LOCKED(TIMED)", "EXPIRED"].map(isLockedStatus)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it("recognises a reconcile request and nothing else, with specific errors", () => {
    expect(parseReconcileRequest('{"action":"reconcile"}')).toEqual({ kind: "ok", request: { action: "reconcile" } });
    expect(parseReconcileRequest('{"action":"reconcile","dryRun":true,"force":false}')).toEqual({
      kind: "ok",
      request: { action: "reconcile", dryRun: true, force: false },
    });
    expect(parseReconcileRequest('{"eventType":"com.oraclecloud.identitycontrolplane.createuser"}').kind).toBe("other");
    expect(parseReconcileRequest("not json").kind).toBe("other");
    expect(parseReconcileRequest('{"action":"reconcile","force":1}')).toEqual({ kind: "invalid", error: "force must be a JSON boolean" });
  });
});
