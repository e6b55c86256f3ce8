import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EnvironmentConfigError,
  loadAllEnvironments,
  loadEnvironmentFile,
  parseEnvironment,
} from "../../infra/config/load-environment";
import { ENV_DIR } from "./synth";

const example = () => JSON.parse(JSON.stringify(loadEnvironmentFile(join(ENV_DIR, "example.json")).config)) as Record<string, unknown>;

function problemsOf(file: string, config: unknown): string[] {
  try {
    parseEnvironment(file, typeof config === "string" ? config : JSON.stringify(config));
  } catch (err) {
    expect(err).toBeInstanceOf(EnvironmentConfigError);
    const e = err as EnvironmentConfigError;
    expect(e.message.startsWith(`${file}: invalid environment config`)).toBe(true);
    return e.problems;
  }
  throw new Error("config was accepted");
}

describe("environment config", () => {
  it("accepts every checked-in environment and names stacks after the files", () => {
    const envs = loadAllEnvironments();
    expect(envs.map((e) => e.name)).toEqual(["example", "prod-eu"]);
    const prod = envs[1].config;
    expect(prod.database.autonomousDatabaseOcid).toMatch(/^ocid1\.autonomousdatabase\./);
    expect(prod.state).toMatchObject({ backend: "s3", bucket: "tfstate-iam-adb-sync" });
    // Defaults fill what a file leaves out.
    expect(envs[0].config.function.baseImage).toBe("docker.io/fnproject/node:20");
    expect(envs[0].config.provisioning.logLevel).toBe("info");
  });

  it("names the file and the key path of a bad value", () => {
    const c = example();
    c.region = "Frankfurt";
    expect(problemsOf("infra/environments/bad.json", c)).toEqual([
      "region: must be an OCI region identifier such as eu-frankfurt-1",
    ]);
  });

  it("reports a missing required key", () => {
    const c = example();
    delete c.compartmentOcid;
    expect(problemsOf("x.json", c)).toEqual(["compartmentOcid: Required"]);
  });

  it("rejects unknown keys instead of ignoring a typo", () => {
    const c = example();
    (c.function as Record<string, unknown>).memoryMB = 512;
    expect(problemsOf("x.json", c)).toEqual(["function: unknown key(s) memoryMB"]);
  });

  it("wants exactly one of ordsUrl and autonomousDatabaseOcid", () => {
    const c = example();
    (c.database as Record<string, unknown>).autonomousDatabaseOcid = "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.abc";
    expect(problemsOf("x.json", c)).toEqual(["database: set exactly one of ordsUrl and autonomousDatabaseOcid"]);
  });

  it("checks Functions limits (memory sizes, timeout) with the allowed values in the message", () => {
    const c = example();
    c.function = { memoryMb: 300, timeoutSeconds: 900 };
    expect(problemsOf("x.json", c)).toEqual([
      "function.memoryMb: must be one of 128, 256, 512, 1024, 2048, 3072",
      "function.timeoutSeconds: Number must be less than or equal to 300",
    ]);
  });

  it("needs a vault when the secret is created", () => {
    const c = example();
    delete c.vault;
    expect(problemsOf("x.json", c)).toEqual([
      'vault: secrets.ords is "create", so a vault is needed: "create" or {vaultOcid, keyOcid}',
    ]);
  });

  it("needs an e-mail when alarms are on, and an instance and systems when Access Governance is on", () => {
    const c = example();
    c.alarms = { enabled: true };
    c.accessGovernance = { enabled: true, systems: [] };
    expect(problemsOf("x.json", c)).toEqual([
      "alarms.email: Required",
      "accessGovernance.instanceOcid: Required",
      "accessGovernance.systems: Array must contain at least 1 element(s)",
    ]);
  });

  it("reports nested paths inside unions and arrays", () => {
    const c = example();
    c.network = { create: { vcnCidr: "10.0.0.0/16", subnetCidr: "everything" } };
    (c.provisioning as Record<string, unknown>).defaultGrants = ["CREATE SESSION", "drop; --"];
    expect(problemsOf("x.json", c)).toEqual([
      "network.create.subnetCidr: must be an IPv4 CIDR",
      "provisioning.defaultGrants[1]: must be an upper-case role or privilege name",
    ]);
  });

  it("keeps shell metacharacters out of values that reach the deploy-time push command", () => {
    const c = example();
    c.function = { baseImage: "fnproject/node:20; curl evil" };
    expect(problemsOf("x.json", c)).toEqual(["function.baseImage: must be an image reference such as docker.io/fnproject/node:20"]);
  });

  it("fails on JSON syntax errors and on file names that cannot name a stack", () => {
    expect(problemsOf("broken.json", "{ tenancyOcid: ")[0]).toMatch(/^not valid JSON: /);
    expect(problemsOf("Prod EU.json", example())).toEqual([
      'file name: "Prod EU" must be a lower-case stack name (a-z, 0-9, -)',
    ]);
  });

  it("refuses the whole app when one file is bad, naming that file", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    writeFileSync(join(dir, "good.json"), JSON.stringify(example()));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...example(), tenancyOcid: "tenancy" }));
    expect(() => loadAllEnvironments(dir)).toThrow(`${join(dir, "bad.json")}: invalid environment config`);
    expect(() => loadAllEnvironments(dir)).toThrow("tenancyOcid: must be an OCID of type tenancy");
  });
});
