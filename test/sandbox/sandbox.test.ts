import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../support/paths";

/** `npm start` is the product's main local job: run it as a person would and read what it prints. */
describe("npm start (sandbox)", () => {
  it("replays the story, reconciles, serves a template and ends with a passing verdict", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "function/cli/sandbox.ts", "--no-synth"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/1\/12 Jane is created in IAM, in no mapped group yet/);
    expect(out).toMatch(/10\/12 A late membership event for Jane arrives after her deletion: nothing is reopened\n {4}unchanged/);
    expect(out).toMatch(/JANE_DOE_EXAMPLE_COM\s*│ created/);
    expect(out).toMatch(/invalid\s+com\.oraclecloud\.identitycontrolplane\.createuser: user name/);
    expect(out).toMatch(/CAROL_SMITH_EXAMPLE_COM\s*│ revoked │ SALES_WRITE/);
    expect(out).toMatch(/DAVE_EXAMPLE_COM\s*│ created/);
    expect(out).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/ords\/iam_adb_sync_ag\/_\/sql +paging OFFSET +Authorization Bearer \*{8}/);
    expect(out).toMatch(/✔ sandbox OK: 12 events \(4 unchanged, 6 applied, 1 invalid, 1 ignored\)/);
  });
});
