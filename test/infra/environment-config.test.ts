import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_BASE_IMAGE } from "../../infra/config/environment-schema";
import {
  EnvironmentsError,
  loadAllEnvironments,
  loadEnvironmentFile,
  parseEnvironment,
} from "../../infra/config/load-environment";
import { problemsOf } from "./environment-problems";
import { ENV_DIR } from "./synth";

const example = () => JSON.parse(JSON.stringify(loadEnvironmentFile(join(ENV_DIR, "example.json")).config)) as Record<string, unknown>;

describe("environment config", () => {
  it("accepts every checked-in environment and names stacks after the files", () => {
    const envs = loadAllEnvironments();
    expect(envs.map((e) => e.name)).toEqual(["example", "prod-eu"]);
    const prod = envs[1].config;
    expect(prod.database.autonomousDatabaseOcid).toMatch(/^ocid1\.autonomousdatabase\./);
    expect(prod.state).toMatchObject({ backend: "oci", bucket: "tfstate-iam-adb-sync" });
    // Defaults fill what a file leaves out: the Node 22 runtime, by tag and digest.
    expect(envs[0].config.function.baseImage).toBe(DEFAULT_BASE_IMAGE);
    expect(DEFAULT_BASE_IMAGE).toMatch(/^docker\.io\/fnproject\/node:22@sha256:[0-9a-f]{64}$/);
    expect(envs[0].config.function.baseRegistryAuth).toBe("none");
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

  it("names a key earlier versions took and says why it is gone (provisioning.nameLookup)", () => {
    const c = example();
    (c.provisioning as Record<string, unknown>).nameLookup = true;
    expect(problemsOf("x.json", c)).toEqual(["provisioning.nameLookup was removed: the function always reads the event's user from the identity domain; delete the key"]);
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
      "network.create.subnetCidr: must be an IPv4 CIDR such as 10.20.0.0/16",
      "provisioning.defaultGrants[1]: must be an upper-case role or privilege name",
    ]);
  });

  it("keeps shell metacharacters out of values that reach the deploy-time push command", () => {
    const c = example();
    c.function = { baseImage: "fnproject/node:22; curl evil" };
    expect(problemsOf("x.json", c)).toEqual([
      "function.baseImage: must be an image reference such as docker.io/fnproject/node:22@sha256:<digest>",
      "function.baseImage: must name a tag and pin its digest: <repository>:<tag>@sha256:<64 hex> (npm run image:pin -- <env> writes it)",
    ]);
  });

  it("wants the base image pinned by digest with its tag shown", () => {
    const c = example();
    for (const ref of ["docker.io/fnproject/node:22", `docker.io/fnproject/node@sha256:${"a".repeat(64)}`]) {
      c.function = { baseImage: ref };
      expect(problemsOf("x.json", c)).toEqual([
        "function.baseImage: must name a tag and pin its digest: <repository>:<tag>@sha256:<64 hex> (npm run image:pin -- <env> writes it)",
      ]);
    }
    c.function = { baseImage: `ocir.eu-frankfurt-1.oci.oraclecloud.com/ns/mirror/node:22@sha256:${"a".repeat(64)}`, baseRegistryAuth: "token" };
    expect(() => parseEnvironment("x.json", JSON.stringify(c))).not.toThrow();
  });

  it.each([
    ["10.20.1.0/33", "/33 is not an IPv4 prefix length (0-32)"],
    ["999.20.1.0/24", "999.20.1.0 is not an IPv4 address (octets are 0-255)"],
    ["10.20.1.7/24", "has host bits set: the block starts at 10.20.1.0/24"],
    ["10.30.1.0/24", "10.30.1.0/24 is not inside the VCN's 10.20.0.0/16"],
    ["10.20.0.0/15", "10.20.0.0/15 is not inside the VCN's 10.20.0.0/16"],
  ])("checks the subnet CIDR by arithmetic: %s", (subnetCidr, problem) => {
    const c = example();
    c.network = { create: { vcnCidr: "10.20.0.0/16", subnetCidr } };
    expect(problemsOf("x.json", c)).toEqual([`network.create.subnetCidr: ${problem}`]);
  });

  it("checks the VCN CIDR and its OCI size limits", () => {
    const c = example();
    c.network = { create: { vcnCidr: "10.0.0.0/8", subnetCidr: "10.20.1.0/24" } };
    expect(problemsOf("x.json", c)).toEqual(["network.create.vcnCidr: an OCI VCN must be /16 to /30"]);
    c.network = { create: { vcnCidr: "256.0.0.0/16", subnetCidr: "10.20.1.0/24" } };
    expect(problemsOf("x.json", c)).toEqual(["network.create.vcnCidr: 256.0.0.0 is not an IPv4 address (octets are 0-255)"]);
  });

  it("keeps the audit retention rule within the lifecycle expiry", () => {
    const c = example();
    c.audit = { enabled: true, retentionDays: 90, retentionRuleDays: 365 };
    expect(problemsOf("x.json", c)).toEqual([
      "audit.retentionRuleDays: must not exceed retentionDays (90): the lifecycle rule could never delete a record",
    ]);
  });

  it("fails on JSON syntax errors and on file names that cannot name a stack", () => {
    expect(problemsOf("broken.json", "{ tenancyOcid: ")[0]).toMatch(/^not valid JSON: /);
    expect(problemsOf("Prod EU.json", example())).toEqual([
      'file name: "Prod EU" must be a lower-case stack name (a-z, 0-9, -)',
    ]);
  });

  it("reports every broken file at once, and still loads one good environment alone", () => {
    const dir = mkdtempSync(join(tmpdir(), "envs-"));
    writeFileSync(join(dir, "good.json"), JSON.stringify(example()));
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ ...example(), tenancyOcid: "tenancy" }));
    writeFileSync(join(dir, "worse.json"), JSON.stringify({ ...example(), network: { create: { subnetCidr: "10.20.1.0/33" } } }));
    let error: unknown;
    try {
      loadAllEnvironments(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EnvironmentsError);
    const e = error as EnvironmentsError;
    expect(e.errors.map((x) => x.file)).toEqual([join(dir, "bad.json"), join(dir, "worse.json")]);
    expect(e.message).toContain("tenancyOcid: must be an OCID of type tenancy");
    expect(e.message).toContain("network.create.subnetCidr: /33 is not an IPv4 prefix length (0-32)");
    expect(loadAllEnvironments(dir, "good").map((x) => x.name)).toEqual(["good"]);
    expect(() => loadAllEnvironments(dir, "staging")).toThrow(`no environment "staging" in ${dir}; known environments: bad, good, worse`);
  });
});
