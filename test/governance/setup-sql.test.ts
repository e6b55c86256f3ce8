import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SETUP_SQL_FILE } from "../../function/cli/ag-setup-sql";

const ROOT = join(__dirname, "../..");

describe("npm run ag:setup-sql", () => {
  const sql = readFileSync(SETUP_SQL_FILE, "utf8");

  it("prints the set-up script unchanged", () => {
    const out = execFileSync("npx", ["tsx", "function/cli/ag-setup-sql.ts"], { cwd: ROOT, encoding: "utf8" });
    expect(out).toBe(sql);
  });

  it("is written to run again: every CREATE is OR REPLACE or guarded by a dictionary check", () => {
    const creates = [...sql.matchAll(/^\s*(?:EXECUTE IMMEDIATE ')?CREATE\b[^\n]*/gim)].map((m) => m[0].trim());
    expect(creates.length).toBeGreaterThan(0);
    for (const c of creates) expect(c).toMatch(/CREATE OR REPLACE|CREATE USER IAM_ADB_SYNC_AG NO AUTHENTICATION/);
    expect(sql).toMatch(/IF n = 0 THEN\s+EXECUTE IMMEDIATE 'CREATE USER/);
  });

  it("grants the Access Governance schema nothing but CREATE SESSION and READ on the three views", () => {
    const grants = [...sql.matchAll(/^GRANT [^;]+;/gm)].map((m) => m[0]);
    expect(grants).toEqual([
      "GRANT CREATE SESSION TO IAM_ADB_SYNC_AG;",
      "GRANT READ ON IAM_ADB_SYNC_AG_ACCOUNTS TO IAM_ADB_SYNC_AG;",
      "GRANT READ ON IAM_ADB_SYNC_AG_GRANTS TO IAM_ADB_SYNC_AG;",
      "GRANT READ ON IAM_ADB_SYNC_AG_ROLES TO IAM_ADB_SYNC_AG;",
    ]);
  });
});
