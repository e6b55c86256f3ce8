import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";

const run = promisify(execFile);
const CLI = join(__dirname, "../../function/cli/sync.ts");
const cli = (...args: string[]) => run(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, LOG_LEVEL: "silent" } });

describe("npm run sync (provision on demand)", () => {
  it("--env sandbox --user <name> reads IAM, plans, runs and prints every step", async () => {
    const out = stripVTControlCharacters((await cli("--env", "sandbox", "--user", "bob@example.com")).stdout);
    // The start check comes first: every role the configuration may grant, then the registry.
    expect(out).toMatch(/^check roles +may be granted: SALES_READ, SALES_WRITE\ncheck registry created: CREATE TABLE IAM_ADB_SYNC_ACCOUNTS; CREATE TABLE IAM_ADB_SYNC_CHANGES\nread from IAM /m);
    expect(out).toMatch(/^read from IAM +bob@example.com: active, groups \[DB-Readers, DB-Writers\]$/m);
    expect(out).toMatch(/^plan +6 statements$/m);
    expect(out).toMatch(/^ {2}GRANT "SALES_WRITE" TO "BOB_EXAMPLE_COM";$/m);
    expect(out).toMatch(/^outcome +applied: 6 statements$/m);
  });

  it("--json by OCID; a refused user exits 2 with the reason; an unknown name is a clear error", async () => {
    const r = JSON.parse((await cli("--env", "sandbox", "--user", "ocid1.user.oc1..aaaasandboxcarl", "--json")).stdout) as Record<string, unknown>;
    expect(r).toMatchObject({ outcome: "unchanged", reason: "the user is in no mapped group and has no account", startCheck: { roles: ["SALES_READ", "SALES_WRITE"], refusedRoles: {} } });
    await expect(cli("--env", "sandbox", "--user", "hr")).rejects.toMatchObject({ code: 2, stdout: expect.stringMatching(/HR exists and was not created by iam-adb-sync/) });
    await expect(cli("--env", "sandbox", "--user", "nobody")).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/IAM has no user named "nobody"/) });
  });
});
