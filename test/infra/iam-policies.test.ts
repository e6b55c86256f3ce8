import { environmentInput, ref, resources, synthCheckedIn, synthEnvironment, tenancyPart, type Synth } from "./synth";

const statementsOf = (s: Synth, nameSuffix: string): string[] => {
  const p = Object.values(resources(s, "oci_identity_policy")).find((r) => (r.name as string).endsWith(nameSuffix));
  if (!p) throw new Error(`no policy named *${nameSuffix}`);
  return p.statements as string[];
};

const dgByName = (s: Synth, name: string) => {
  const [logical, dg] = Object.entries(resources(s, "oci_identity_dynamic_group")).find(([, d]) => d.name === name) ?? [];
  if (!dg) throw new Error(`no dynamic group ${name}`);
  return { ref: `\${oci_identity_dynamic_group.${logical}.id}`, rule: dg.matching_rule as string, dg };
};

describe("IAM construct", () => {
  const example = synthCheckedIn("example");
  const prod = synthCheckedIn("prod-eu");
  const prodTenancy = tenancyPart(prod);

  it("matches each dynamic group to exactly its role's functions by OCID, never the whole compartment", () => {
    const provision = dgByName(example, "iam-adb-sync-example-provision");
    expect(provision.rule).toBe(`ALL {resource.type = 'fnfunc', resource.id = '${ref(example, "oci_functions_function")}'}`);
    expect(provision.dg.compartment_id).toBe("ocid1.tenancy.oc1..aaaaaaaaexampletenancy");
    for (const s of [example, prodTenancy]) {
      for (const dg of Object.values(resources(s, "oci_identity_dynamic_group"))) {
        expect(dg.matching_rule).not.toMatch(/resource\.compartment\.id/);
        expect(dg.matching_rule).toMatch(/resource\.id = /);
      }
    }
    // prod-eu: one group per role; the four template functions share one.
    expect(Object.values(resources(prodTenancy, "oci_identity_dynamic_group")).map((d) => d.name).sort()).toEqual([
      "iam-adb-sync-prod-eu-ag",
      "iam-adb-sync-prod-eu-provision",
      "iam-adb-sync-prod-eu-reconcile",
    ]);
    expect(dgByName(prodTenancy, "iam-adb-sync-prod-eu-ag").rule.match(/resource\.id = /g)).toHaveLength(4);
  });

  it("grants the provision role only its secret, write-once audit records and IAM reads in the configured domain", () => {
    const dg = dgByName(example, "iam-adb-sync-example-provision").ref;
    const secret = ref(example, "oci_vault_secret");
    expect(statementsOf(example, "-function")).toEqual([
      `Allow dynamic-group id ${dg} to read secret-bundles in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment where target.secret.id = '${secret}'`,
      `Allow dynamic-group id ${dg} to manage objects in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment where all {target.bucket.name = 'iam-adb-sync-example-audit', request.permission = 'OBJECT_CREATE'}`,
      `Allow dynamic-group id ${dg} to read users in tenancy where target.resource.domain.name = 'Default'`,
      `Allow dynamic-group id ${dg} to read groups in tenancy where target.resource.domain.name = 'Default'`,
    ]);
  });

  it("gives each role only the secrets it uses", () => {
    const st = statementsOf(prodTenancy, "-function");
    const of = (role: string) => st.filter((s) => s.includes(dgByName(prodTenancy, `iam-adb-sync-prod-eu-${role}`).ref));
    const secretsOf = (role: string) => of(role).filter((s) => s.includes("secret-bundles")).flatMap((s) => s.match(/ocid1\.vaultsecret[^']+/g) ?? []);
    expect(secretsOf("provision")).toEqual(["ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaprodordsclient"]);
    expect(secretsOf("reconcile").sort()).toEqual([
      "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaprodordsclient",
      "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaprodscimclient",
    ]);
    expect(secretsOf("ag")).toEqual(["ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaagordsclient"]);
    // The existing ORDS secret is read in its own compartment; identity reads stay in the configured domain.
    expect(of("provision")[0]).toContain("in compartment id ocid1.compartment.oc1..aaaaaaaaprodsecurity where target.secret.id");
    expect(of("provision").filter((s) => / read (users|groups) /.test(s))).toEqual([
      expect.stringMatching(/read users in tenancy where target.resource.domain.name = 'corp'$/),
      expect.stringMatching(/read groups in tenancy where target.resource.domain.name = 'corp'$/),
    ]);
    expect(of("ag").some((s) => /objects|users|groups/.test(s))).toBe(false);
  });

  it("keeps the IAM read grants (every event's user is read from IAM) and drops the bucket grant when auditing is off", () => {
    const input = environmentInput("example");
    const s = synthEnvironment("quiet", { ...input, audit: { enabled: false } });
    const statements = statementsOf(s, "-function");
    expect(statements).toHaveLength(3);
    expect(statements[0]).toContain("to read secret-bundles");
    expect(statements.slice(1).map((st) => / read (users|groups) /.exec(st)?.[1])).toEqual(["users", "groups"]);
    expect(Object.values(resources(s, "oci_identity_policy")).map((p) => p.name)).not.toContain("iam-adb-sync-example-objectstorage");
  });

  it("gives Events, Functions and the reconcile schedule the service grants they need, scoped to compartments", () => {
    expect(statementsOf(example, "-services")).toEqual([
      "Allow service cloudEvents to use functions-family in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
      "Allow service faas to use virtual-network-family in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
      "Allow service faas to read repos in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment where request.operation = 'ListContainerImageSignatures'",
    ]);
    const services = statementsOf(prodTenancy, "-services");
    expect(services[1]).toBe("Allow service faas to use virtual-network-family in compartment id ocid1.compartment.oc1..aaaaaaaaprodnetwork");
    expect(services[3]).toMatch(
      /^Allow any-user to use functions-family in compartment id ocid1\.compartment\.oc1\.\.aaaaaaaaprodidentitysync where all \{request\.principal\.type = 'resourceschedule', request\.principal\.id = '\$\{data\.terraform_remote_state\.[^}]+resource_scheduler_schedule[^}]+\}'\}$/,
    );
  });

  it("gives Object Storage its own service policy: lifecycle rules, and the bucket's key when there is one", () => {
    expect(statementsOf(example, "-objectstorage")).toEqual([
      "Allow service objectstorage-eu-frankfurt-1 to manage object-family in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
    ]);
    expect(statementsOf(prodTenancy, "-objectstorage")).toEqual([
      "Allow service objectstorage-eu-frankfurt-1 to manage object-family in compartment id ocid1.compartment.oc1..aaaaaaaaprodidentitysync",
      "Allow service objectstorage-eu-frankfurt-1 to use keys in tenancy where target.key.id = 'ocid1.key.oc1.eu-frankfurt-1.bbprodvault.abprodauditkey'",
    ]);
  });

  it("never grants manage all-resources or tenancy-wide manage", () => {
    for (const s of [example, prodTenancy]) {
      for (const p of Object.values(resources(s, "oci_identity_policy"))) {
        for (const st of p.statements as string[]) {
          expect(st).not.toMatch(/all-resources/);
          expect(st).not.toMatch(/to manage \S+ in tenancy/);
        }
      }
    }
  });
});
