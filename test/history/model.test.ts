import { startOrdsServer, type OrdsServer } from "../servers/ords";
import { generateHistory, type History } from "./generator";
import { dbName, divergences, finalTruth, snapshot } from "./model";

/** The checker's own parts: determinism of the generator, and a model that catches what it must. */
describe("history checker parts", () => {
  it("a seed always gives the same history, with every delivery kind appearing across seeds", () => {
    expect(JSON.stringify(generateHistory(42))).toBe(JSON.stringify(generateHistory(42)));
    const kinds = new Set(Array.from({ length: 200 }, (_, i) => generateHistory(i + 1)).flatMap((h) => h.deliveries.map((d) => d.kind)));
    expect([...kinds].sort()).toEqual(["duplicate", "forged", "normal", "reordered", "stale"]);
    expect(Array.from({ length: 200 }, (_, i) => generateHistory(i + 1)).some((h) => h.dropped.length > 0)).toBe(true);
  });

  describe("the model against hand-made database states", () => {
    let ords: OrdsServer;
    const h: History = {
      seed: 0,
      users: [
        { id: "ocid1.user.oc1..a", name: "ana" },
        { id: "ocid1.user.oc1..b", name: "ben.k" },
        { id: "ocid1.user.oc1..c", name: "sales_read" },
      ],
      changes: [
        { k: "create", user: 0 },
        { k: "add", user: 0, group: "writers" },
        { k: "create", user: 1 },
        { k: "add", user: 1, group: "readers" },
        { k: "delete", user: 1 },
        { k: "create", user: 2 },
        { k: "add", user: 2, group: "readers" },
      ],
      deliveries: [],
      dropped: [],
      lagReads: 0,
    };
    beforeEach(async () => {
      ords = await startOrdsServer({ seed: (db) => ["SALES_READ", "SALES_WRITE"].forEach((r) => db.createRole(r)) });
    });
    afterEach(() => ords.close());
    const check = () => divergences(h, snapshot(ords, new Set(["ADMIN"])), new Map(), new Map([["SALES_READ", []], ["SALES_WRITE", []]]));

    it("accepts the database the rules describe", () => {
      expect(finalTruth(h).map((t) => [dbName(t.name), t.exists, t.deleted])).toEqual([["ANA", true, false], ["BEN_K", false, true], ["SALES_READ", true, false]]);
      ords.db.createUser("ANA", { externalName: "IAM_PRINCIPAL_NAME=ana" });
      ords.db.grant("ANA", "CREATE SESSION", "SALES_READ", "SALES_WRITE");
      ords.db.createUser("BEN_K", { externalName: "IAM_PRINCIPAL_NAME=ben.k", locked: true });
      expect(check()).toEqual([]);
    });

    it("reports a reopened deleted user, missing roles, a grant that landed on a role, and an unexplained account", () => {
      ords.db.createUser("ANA", { externalName: "IAM_PRINCIPAL_NAME=ana" });
      ords.db.grant("ANA", "CREATE SESSION", "SALES_READ");
      ords.db.createUser("BEN_K", { externalName: "IAM_PRINCIPAL_NAME=ben.k" });
      ords.db.grant("SALES_READ", "CREATE SESSION");
      ords.db.createUser("MALLORY", { externalName: "IAM_PRINCIPAL_NAME=mallory" });
      expect(check()).toEqual([
        expect.stringMatching(/^ANA: roles \[SALES_READ\] \(want \[SALES_READ,SALES_WRITE\]\)/),
        expect.stringMatching(/^BEN_K: OPEN although the IAM user is deleted/),
        expect.stringMatching(/^MALLORY: an account no IAM user accounts for/),
        'role SALES_READ changed: [] → ["CREATE SESSION"]',
      ]);
    });
  });
});
