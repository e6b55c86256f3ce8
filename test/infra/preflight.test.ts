import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEFAULT_BASE_IMAGE } from "../../infra/config/environment-schema";
import { environmentSchema } from "../../infra/config/environment-schema";
import { auditAddresses } from "../../infra/scripts/run";
import { preflight, requiredVariables, type PreflightInput } from "../../infra/scripts/preflight";
import { ENV_DIR, environmentInput, synthEnvironment, tenancyPart } from "./synth";

const ROOT = resolve(__dirname, "../..");
const PINNED = `docker.io/fnproject/node:22@sha256:${"ab".repeat(32)}`;
const TF = (v: string) => JSON.stringify({ terraform_version: v, platform: "linux_amd64" });

/** A folder of environments plus an OCI config whose profiles match them. */
function workspace(): { dir: string; config: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  for (const name of ["example", "prod-eu"]) {
    const raw = JSON.parse(readFileSync(join(ENV_DIR, `${name}.json`), "utf8")) as Record<string, Record<string, unknown>>;
    raw.function = { ...raw.function, baseImage: PINNED };
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(raw));
  }
  const keyFile = join(dir, "key.pem");
  writeFileSync(keyFile, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }));
  const profile = (name: string, tenancy: string) =>
    `[${name}]\nuser=ocid1.user.oc1..aaaaaaaadeployer\nfingerprint=12:34\ntenancy=${tenancy}\nregion=eu-frankfurt-1\nkey_file=${keyFile}\n`;
  const config = join(dir, "oci-config");
  writeFileSync(config, profile("DEFAULT", "ocid1.tenancy.oc1..aaaaaaaaexampletenancy") + profile("PROD_EU", "ocid1.tenancy.oc1..aaaaaaaaprodtenancyeu"));
  return { dir, config, keyFile };
}

describe("preflight (offline, before Terraform starts)", () => {
  const ws = workspace();
  const secrets = { TF_VAR_ords_client_id: "id", TF_VAR_ords_client_secret: "s", TF_VAR_ocir_username: "ns/u", TF_VAR_ocir_auth_token: "t" };
  const run = (over: Partial<PreflightInput> = {}) =>
    preflight({
      action: "deploy",
      stack: "example",
      environmentsDir: ws.dir,
      env: { OCI_CLI_CONFIG_FILE: ws.config, ...secrets },
      terraformVersion: TF("1.12.2"),
      ...over,
    }).problems;

  it("passes a ready deploy and a destroy that has no secrets at all", () => {
    expect(run()).toEqual([]);
    expect(run({ action: "destroy", env: { OCI_CLI_CONFIG_FILE: ws.config } })).toEqual([]);
    expect(run({ stack: "prod-eu" })).toEqual([]);
    expect(run({ stack: "prod-eu-tenancy" })).toEqual([]);
  });

  it("lists the known environments when the name is unknown", () => {
    expect(run({ stack: "prod" })).toEqual([`no environment "prod": known environments are example, prod-eu (files in ${ws.dir})`]);
    expect(run({ stack: "example-tenancy" })).toEqual([
      'example keeps its tenancy resources in its own stack: deploy "example", or set tenancyResources to "separate"',
    ]);
  });

  it("names each missing TF_VAR_* for deploy", () => {
    expect(run({ env: { OCI_CLI_CONFIG_FILE: ws.config, TF_VAR_ords_client_id: "id" } })).toEqual([
      "TF_VAR_ords_client_secret is not set: export it (deploy needs it; destroy does not)",
      "TF_VAR_ocir_username is not set: export it (deploy needs it; destroy does not)",
      "TF_VAR_ocir_auth_token is not set: export it (deploy needs it; destroy does not)",
    ]);
  });

  it("checks the OCI config file, the profile, its key file and its tenancy", () => {
    expect(run({ env: { ...secrets, OCI_CLI_CONFIG_FILE: join(ws.dir, "nope") } })).toEqual([
      `OCI config file ${join(ws.dir, "nope")} does not exist: create it with \`oci setup config\` (or set OCI_CLI_CONFIG_FILE)`,
    ]);
    const other = join(ws.dir, "other-config");
    writeFileSync(other, `[DEFAULT]\nuser=u\nfingerprint=f\ntenancy=ocid1.tenancy.oc1..someoneelse\nkey_file=${join(ws.dir, "missing.pem")}\n`);
    expect(run({ env: { ...secrets, OCI_CLI_CONFIG_FILE: other } })).toEqual([
      `key_file ${join(ws.dir, "missing.pem")} of profile [DEFAULT] does not exist: point key_file at the API signing key`,
      "profile [DEFAULT] signs for tenancy ocid1.tenancy.oc1..someoneelse, but the environment's tenancyOcid is ocid1.tenancy.oc1..aaaaaaaaexampletenancy: use a profile of that tenancy",
    ]);
    expect(run({ stack: "prod-eu", env: { ...secrets, OCI_CLI_CONFIG_FILE: other } })).toEqual([
      `OCI config file ${other} has no [PROD_EU] profile: add it, or set ociConfigProfile in the environment file`,
    ]);
  });

  it("checks the terraform version against what the stack needs", () => {
    expect(run({ terraformVersion: undefined })).toEqual(["terraform is not on PATH: install Terraform >= 1.4.0"]);
    expect(run({ terraformVersion: TF("1.3.9") })).toEqual(["terraform 1.3.9 is too old for terraform_data: install Terraform >= 1.4.0"]);
    expect(run({ stack: "prod-eu", terraformVersion: TF("1.11.4") })).toEqual([
      "terraform 1.11.4 is too old for the native oci state backend: install Terraform >= 1.12.0",
    ]);
  });

  it("refuses to deploy an unpinned base image, and reports a broken environment file by key", () => {
    const raw = JSON.parse(readFileSync(join(ws.dir, "example.json"), "utf8")) as Record<string, Record<string, unknown>>;
    const dir = mkdtempSync(join(tmpdir(), "preflight-"));
    writeFileSync(join(dir, "example.json"), JSON.stringify({ ...raw, function: { ...raw.function, baseImage: DEFAULT_BASE_IMAGE } }));
    writeFileSync(join(dir, "broken.json"), JSON.stringify({ ...raw, homeRegion: "us-ashburn-1" }));
    expect(run({ environmentsDir: dir })).toEqual([
      `function.baseImage ${DEFAULT_BASE_IMAGE} has no digest yet: run npm run image:pin -- example (needs the registry once)`,
    ]);
    expect(run({ environmentsDir: dir, stack: "broken" })).toEqual([
      `${join(dir, "broken.json")}: region: must be the home region us-ashburn-1: IAM events are delivered only there and an Events rule invokes functions only in its own region`,
    ]);
  });

  it("asks for exactly the sensitive variables the synthesized stack declares", () => {
    const variants = [
      environmentInput("example"),
      environmentInput("prod-eu"),
      { ...environmentInput("example"), provisioning: { ...environmentInput("example").provisioning, authMode: "basic" as const } },
      { ...environmentInput("example"), function: { ...environmentInput("example").function, registryAuth: "profile" as const, baseRegistryAuth: "token" as const } },
    ];
    for (const input of variants) {
      const s = synthEnvironment("v", input);
      const declared = Object.entries(s.doc.variable ?? {}).filter(([, v]) => v.sensitive).map(([k]) => k).sort();
      expect(requiredVariables(environmentSchema.parse(input), false).sort()).toEqual(declared);
      // The tenancy stack of a separate environment asks for no secret.
      if (s.tenancy) expect(Object.keys(tenancyPart(s).doc.variable ?? {})).toEqual([]);
    }
  });
});

describe("npm run deploy|destroy|preflight (infra/scripts/run.ts)", () => {
  const ws = workspace();
  const cli = (args: string[], env: Record<string, string> = {}) => {
    try {
      const out = execFileSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "infra/scripts/run.ts", ...args], {
        cwd: ROOT,
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: ws.dir, IAM_ADB_SYNC_ENVIRONMENTS_DIR: ws.dir, OCI_CLI_CONFIG_FILE: ws.config, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      return { status: 0, out };
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string };
      return { status: e.status, out: e.stdout + e.stderr };
    }
  };

  it("stops before Terraform with every problem and its fix, and lists environments for an unknown name", () => {
    const r = cli(["deploy", "example"]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("preflight for deploy of example found");
    expect(r.out).toContain("TF_VAR_ords_client_id is not set");
    expect(cli(["destroy", "staging"]).out).toContain('no environment "staging": known environments are example, prod-eu');
    expect(cli(["deploy"]).status).toBe(2);
  });

  it("runs the checks alone for `npm run preflight`, finding a missing terraform offline", () => {
    const d = cli(["preflight", "prod-eu"], { PATH: "" });
    expect(d.status).toBe(1);
    expect(d.out).toContain("terraform is not on PATH: install Terraform >= 1.12.0");
  });
});

describe("--keep-audit", () => {
  it("forgets exactly the audit bucket, its lifecycle, its emptier and Object Storage's grant", () => {
    const s = synthEnvironment("example", environmentInput("example"));
    const addresses = auditAddresses(s.doc);
    expect(addresses.map((a) => a.split(".")[0]).sort()).toEqual([
      "oci_identity_policy",
      "oci_objectstorage_bucket",
      "oci_objectstorage_object_lifecycle_policy",
      "terraform_data",
    ]);
    expect(addresses.find((a) => a.startsWith("terraform_data."))).toMatch(/empty-on-destroy/);
    const policy = addresses.find((a) => a.startsWith("oci_identity_policy."))?.split(".")[1] as string;
    expect(s.doc.resource.oci_identity_policy[policy].name).toBe("iam-adb-sync-example-objectstorage");
  });
});
