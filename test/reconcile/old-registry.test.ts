import { V1_REGISTRY } from "../support/v1-registry";
import { startLandscape, type Landscape } from "./support";

describe("reconcile against a registry an older version made (the CLI path, without the function's start check)", () => {
  let land: Landscape;
  beforeEach(async () => {
    land = await startLandscape();
    await land.sql(V1_REGISTRY);
    land.addUser("ana@example.com", ["DB-Readers"]);
  });
  afterEach(() => land.close());

  it("a dry run changes nothing and names the migration a real run would make", async () => {
    await expect(land.run({ dryRun: true })).rejects.toThrow(/made by an older version.*ALTER TABLE IAM_ADB_SYNC_ACCOUNTS ADD \(VERSION NUMBER DEFAULT 0 NOT NULL\); CREATE TABLE IAM_ADB_SYNC_CHANGES/);
    expect(land.ords.db.table("IAM_ADB_SYNC_ACCOUNTS")?.columns.map((c) => c.name)).not.toContain("VERSION");
    expect(land.registry()).toEqual([]);
  });

  it("a real run migrates the tables first, then provisions as usual", async () => {
    const r = await land.run();
    expect(r.report.outcome).toBe("applied");
    expect(land.registry()).toEqual([expect.objectContaining({ DB_USERNAME: "ANA_EXAMPLE_COM", VERSION: expect.any(Number), STATUS: "OPEN" })]);
    expect(land.rolesOf("ANA_EXAMPLE_COM")).toContain("SALES_READ");
    expect((await land.run()).report.outcome).toBe("unchanged");
  });
});
