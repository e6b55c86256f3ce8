import { ref, resources, single, synthCheckedIn, synthEnvironment, environmentInput } from "./synth";

const statementsOf = (s: ReturnType<typeof synthCheckedIn>, nameSuffix: string): string[] => {
  const p = Object.values(resources(s, "oci_identity_policy")).find((r) => (r.name as string).endsWith(nameSuffix));
  if (!p) throw new Error(`no policy named *${nameSuffix}`);
  return p.statements as string[];
};

describe("IAM construct", () => {
  const example = synthCheckedIn("example");
  const prod = synthCheckedIn("prod-eu");

  it("puts the functions of the environment's compartment in one dynamic group, in the tenancy", () => {
    const dg = single(example, "oci_identity_dynamic_group");
    expect(dg.matching_rule).toBe(
      "ALL {resource.type = 'fnfunc', resource.compartment.id = 'ocid1.compartment.oc1..aaaaaaaaexamplecompartment'}",
    );
    expect(dg.compartment_id).toBe("ocid1.tenancy.oc1..aaaaaaaaexampletenancy");
    expect(dg.name).toBe("iam-adb-sync-example-functions");
  });

  it("grants the function principal only the named secret, the audit bucket and (with look-up) IAM reads", () => {
    const dg = ref(example, "oci_identity_dynamic_group", "name");
    const secret = ref(example, "oci_vault_secret");
    expect(statementsOf(example, "-function")).toEqual([
      `Allow dynamic-group ${dg} to read secret-bundles in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment where target.secret.id = '${secret}'`,
      `Allow dynamic-group ${dg} to manage objects in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment where all {target.bucket.name = 'iam-adb-sync-example-audit', request.permission = 'OBJECT_CREATE'}`,
      `Allow dynamic-group ${dg} to read users in tenancy`,
      `Allow dynamic-group ${dg} to read groups in tenancy`,
    ]);
  });

  it("scopes an existing secret's read to its own compartment and id", () => {
    const dg = ref(prod, "oci_identity_dynamic_group", "name");
    expect(statementsOf(prod, "-function")[0]).toBe(
      `Allow dynamic-group ${dg} to read secret-bundles in compartment id ocid1.compartment.oc1..aaaaaaaaprodsecurity where target.secret.id = 'ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaprodordsclient'`,
    );
  });

  it("drops the IAM read grants when name look-up is off and the bucket grant when auditing is off", () => {
    const input = environmentInput("example");
    const s = synthEnvironment("quiet", {
      ...input,
      provisioning: { ...input.provisioning, nameLookup: false },
      audit: { enabled: false },
    });
    const statements = statementsOf(s, "-function");
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain("to read secret-bundles");
  });

  it("gives Events and Functions the service grants they need, scoped to compartments", () => {
    expect(statementsOf(example, "-services")).toEqual([
      "Allow service cloudEvents to use functions-family in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
      "Allow service faas to use virtual-network-family in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment",
      "Allow service faas to read repos in compartment id ocid1.compartment.oc1..aaaaaaaaexamplecompartment where request.operation = 'ListContainerImageSignatures'",
    ]);
    // prod-eu: subnet in a network compartment, audit bucket with a customer-managed key.
    expect(statementsOf(prod, "-services")).toEqual([
      "Allow service cloudEvents to use functions-family in compartment id ocid1.compartment.oc1..aaaaaaaaprodidentitysync",
      "Allow service faas to use virtual-network-family in compartment id ocid1.compartment.oc1..aaaaaaaaprodnetwork",
      "Allow service faas to read repos in compartment id ocid1.compartment.oc1..aaaaaaaaprodidentitysync where request.operation = 'ListContainerImageSignatures'",
      "Allow service objectstorage-eu-frankfurt-1 to use keys in tenancy where target.key.id = 'ocid1.key.oc1.eu-frankfurt-1.bbprodvault.abprodauditkey'",
    ]);
  });

  it("never grants manage all-resources or tenancy-wide manage", () => {
    for (const s of [example, prod]) {
      for (const p of Object.values(resources(s, "oci_identity_policy"))) {
        for (const st of p.statements as string[]) {
          expect(st).not.toMatch(/all-resources/);
          expect(st).not.toMatch(/to manage \S+ in tenancy/);
        }
      }
    }
  });

  it("runs the whole stack, IAM included, through one provider in the environment's (home) region", () => {
    expect(prod.doc.provider.oci).toEqual([
      { region: "eu-frankfurt-1", tenancy_ocid: "ocid1.tenancy.oc1..aaaaaaaaprodtenancyeu", config_file_profile: "PROD_EU" },
    ]);
    expect(single(prod, "oci_identity_dynamic_group").provider).toBeUndefined();
  });
});
