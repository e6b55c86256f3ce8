import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";

const run = promisify(execFile);
const CLI = join(__dirname, "../../function/cli/reconcile.ts");
/** The table's border colours are ANSI codes; the assertions read the text. */
const plain = stripVTControlCharacters;
const cli = (...args: string[]) => run(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, LOG_LEVEL: "silent" }, maxBuffer: 1 << 24 });

describe("npm run reconcile (CLI)", () => {
  it("--env sandbox --dry-run prints every planned statement and the summary, against a seeded drift", async () => {
    const out = await cli("--env", "sandbox", "--dry-run", "--users", "100");
    const [stdout, stderr] = [plain(out.stdout), plain(out.stderr)];
    expect(stderr).toMatch(/sandbox drift:\n {2}IAM user user1@example.com deleted/);
    expect(stdout).toMatch(/^ALTER USER "USER1_EXAMPLE_COM" ACCOUNT LOCK;$/m);
    expect(stdout).toMatch(/^CREATE USER "NEW_HIRE_EXAMPLE_COM" IDENTIFIED GLOBALLY AS 'IAM_PRINCIPAL_NAME=new.hire@example.com';$/m);
    expect(stdout).toMatch(/outcome\s+│ planned/);
    expect(stdout).toMatch(/PAT_SMITH\s+│ database user PAT_SMITH exists and was not created by iam-adb-sync/);
  });

  it("--env sandbox --json applies and reports counts; an unknown environment is a clear error", async () => {
    const { stdout } = await cli("--env", "sandbox", "--json", "--users", "100");
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ outcome: "applied", dryRun: false, guard: { tripped: false }, ops: { create_user: 3, lock: 3, unlock: 1 } });
    expect((report.refused as unknown[]).length).toBe(2);
    await expect(cli("--env", "nowhere")).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/reconcile: no environment nowhere: expected .*nowhere\.json \(known: sandbox, /) });
  });
});
