import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadVendoredSchema } from "../../infra/conformance/check";
import { checkStack } from "../../infra/conformance/check-schema";

const ROOT = resolve(__dirname, "../..");
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");

/** Runs the CDKTF app as `cdktf synth` does (CDKTF_OUTDIR), on the bundle jest's global setup built. */
function runApp(env: Record<string, string>): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [TSX, "infra/main.ts"], {
      cwd: ROOT,
      env: { ...process.env, IAM_ADB_SYNC_SKIP_BUNDLE: "1", CHECKPOINT_DISABLE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { status: 0, stderr: "" };
  } catch (err) {
    const e = err as { status: number; stderr: Buffer };
    return { status: e.status, stderr: e.stderr.toString() };
  }
}

describe("CDKTF app (infra/main.ts)", () => {
  it("synthesizes one conforming stack per environment file", () => {
    const out = mkdtempSync(join(tmpdir(), "cdktf-out-"));
    expect(runApp({ CDKTF_OUTDIR: out })).toEqual({ status: 0, stderr: "" });
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["example", "prod-eu", "prod-eu-tenancy"]);
    const schema = loadVendoredSchema();
    for (const stack of ["example", "prod-eu", "prod-eu-tenancy"]) {
      const synth = JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as object;
      expect(checkStack(synth, schema).findings).toEqual([]);
    }
  });

  it("reports every invalid environment file at once, synthesizing nothing, yet synthesizes a good one alone", () => {
    const envs = mkdtempSync(join(tmpdir(), "envs-"));
    const out = mkdtempSync(join(tmpdir(), "cdktf-out-"));
    copyFileSync(join(ROOT, "infra/environments/example.json"), join(envs, "example.json"));
    const bad = JSON.parse(readFileSync(join(ROOT, "infra/environments/example.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(envs, "staging.json"), JSON.stringify({ ...bad, logging: { retentionDays: 45 } }));
    writeFileSync(join(envs, "test.json"), JSON.stringify({ ...bad, network: { create: { vcnCidr: "999.20.0.0/16" } } }));
    const r = runApp({ CDKTF_OUTDIR: out, IAM_ADB_SYNC_ENVIRONMENTS_DIR: envs });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(envs, "staging.json")}: invalid environment config`);
    expect(r.stderr).toContain("logging.retentionDays: must be 30, 60, 90, 120, 150 or 180");
    expect(r.stderr).toContain(`${join(envs, "test.json")}: invalid environment config`);
    expect(r.stderr).toContain("network.create.vcnCidr: 999.20.0.0 is not an IPv4 address (octets are 0-255)");
    expect(readdirSync(out)).toEqual([]);

    expect(runApp({ CDKTF_OUTDIR: out, IAM_ADB_SYNC_ENVIRONMENTS_DIR: envs, IAM_ADB_SYNC_ENVIRONMENT: "example" })).toEqual({ status: 0, stderr: "" });
    expect(readdirSync(join(out, "stacks"))).toEqual(["example"]);
    const unknown = runApp({ CDKTF_OUTDIR: out, IAM_ADB_SYNC_ENVIRONMENTS_DIR: envs, IAM_ADB_SYNC_ENVIRONMENT: "prod" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no environment "prod"');
    expect(unknown.stderr).toContain("known environments: example, staging, test");
  });
});
