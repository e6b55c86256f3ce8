import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
/** As cdktf.json runs the app. */
const TSX = "tsx";

/** Synthesizes the whole app (as `cdktf synth` does) into a fresh folder, optionally with cdktn in place of cdktf. */
function synthApp(withCdktn: boolean): string {
  const out = mkdtempSync(join(tmpdir(), withCdktn ? "cdktn-out-" : "cdktf-out-"));
  const preload = withCdktn ? ["--require", join(__dirname, "fixtures/cdktn-alias.cjs")] : [];
  execFileSync(process.execPath, [...preload, "--import", TSX, "infra/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, IAM_ADB_SYNC_SKIP_BUNDLE: "1", CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: out },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return out;
}

const pkg = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string; peerDependencies: Record<string, string> };

const stackJson = (out: string, stack: string) =>
  JSON.parse(readFileSync(join(out, "stacks", stack, "cdk.tf.json"), "utf8")) as { "//": { metadata: { version: string } } };

describe("CDK Terrain (cdktn) compatibility", () => {
  it("synthesizes the same Terraform JSON with cdktn as with cdktf, apart from the recorded library version", () => {
    const tf = synthApp(false);
    const tn = synthApp(true);
    const stacks = readdirSync(join(tf, "stacks")).sort();
    expect(readdirSync(join(tn, "stacks")).sort()).toEqual(stacks);
    expect(stacks).toEqual(["example", "prod-eu", "prod-eu-tenancy"]);
    for (const stack of stacks) {
      const [a, b] = [stackJson(tf, stack), stackJson(tn, stack)];
      expect([a["//"].metadata.version, b["//"].metadata.version]).toEqual([
        pkg("cdktf").version,
        pkg("cdktn").version,
      ]);
      b["//"].metadata.version = a["//"].metadata.version;
      expect(b).toEqual(a);
    }
  });

  it("keeps constructs in the range both libraries accept", () => {
    const constructs = pkg("constructs").version;
    const [major, minor] = constructs.split(".").map(Number);
    // cdktf 0.21: ^10.4.2; cdktn 0.24: >=10.6.0 <10.8.0.
    expect(pkg("cdktf").peerDependencies.constructs).toBe("^10.4.2");
    expect(pkg("cdktn").peerDependencies.constructs).toBe(">=10.6.0 <10.8.0");
    expect(major === 10 && minor >= 6 && minor < 8).toBe(true);
  });
});
