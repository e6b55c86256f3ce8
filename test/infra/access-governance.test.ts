import { resources, synthCheckedIn, tenancyPart, type Synth } from "./synth";

/** Function ids named by each dynamic group's matching rule, by group name. */
function functionIdsByGroup(s: Synth): Map<string, string[]> {
  return new Map(
    Object.values(resources(s, "oci_identity_dynamic_group")).map((dg) => [
      dg.name as string,
      [...(dg.matching_rule as string).matchAll(/resource\.id = '([^']+)'/g)].map((m) => m[1]),
    ]),
  );
}

describe("Access Governance policy", () => {
  // prod-eu keeps tenancy-level resources (policies, dynamic groups) in its own stack.
  const prod = tenancyPart(synthCheckedIn("prod-eu"));
  const example = synthCheckedIn("example");
  const policy = Object.values(resources(prod, "oci_identity_policy")).find((p) => (p.name as string).endsWith("-access-governance"));
  const statements = (policy?.statements ?? []) as string[];
  const instance = "request.principal.siOcid = 'ocid1.agcsgovernanceinstance.oc1.eu-frankfurt-1.amaaaaaaprodag'";
  const compartment = "in compartment id ocid1.compartment.oc1..aaaaaaaaprodidentitysync";
  const groups = functionIdsByGroup(prod);
  const templateIds = [...groups].find(([name]) => name.endsWith("-ag"))?.[1] ?? [];

  it("lets the configured instance invoke exactly the four template functions", () => {
    expect(templateIds).toHaveLength(4);
    expect(statements).toContain(
      `Allow resource agcsgovernanceinstance agcs-rp to use fn-invocation ${compartment} where all {${instance}, any {${templateIds.map((id) => `target.function.id = '${id}'`).join(", ")}}}`,
    );
  });

  it("never names the provisioning or reconcile functions, and never grants functions-family or manage", () => {
    const others = [...groups].filter(([name]) => !name.endsWith("-ag")).flatMap(([, ids]) => ids);
    expect(others.length).toBeGreaterThan(0);
    for (const st of statements) {
      for (const id of others) expect(st).not.toContain(id);
      expect(st).not.toMatch(/functions-family|to manage /);
      expect(st).toContain(instance);
    }
  });

  it("grants only reads besides the scoped invocation (the console finds functions by application name)", () => {
    expect(statements.map((s) => s.replace(/ where .*/, ""))).toEqual([
      `Allow resource agcsgovernanceinstance agcs-rp to read fn-app ${compartment}`,
      `Allow resource agcsgovernanceinstance agcs-rp to read fn-function ${compartment}`,
      `Allow resource agcsgovernanceinstance agcs-rp to use fn-invocation ${compartment}`,
    ]);
  });

  it("is absent when Access Governance is off", () => {
    expect(Object.values(resources(example, "oci_identity_policy")).map((p) => p.name)).not.toContain("iam-adb-sync-example-access-governance");
  });
});
